# bench/calendar: the date engine's time to compute a year of dates, for one
# business and for every segment tag in every state (Go benchmarks of
# api/internal/calendar; figures only, no target).

BENCH_TARGETS += bench-calendar

.PHONY: bench-calendar

bench-calendar: ## Date engine: a year of dates for one business and for all segments × states.
	@cd $(ROOT)/api && go test -run '^$$' -bench 'BenchmarkYear' -benchmem -count 1 ./internal/calendar/
