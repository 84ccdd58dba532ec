# bench/agenda: GET /api/rekan/agenda for one operator with 30 clients and
# 6,000 dated posts, against a plain list of the same posts through the
# records API (6 pages of 1,000); prints both times and their ratio (Go
# benchmark in api/internal/routes; figures only, no target).

BENCH_TARGETS += bench-agenda

.PHONY: bench-agenda

bench-agenda: ## Agenda route vs a plain list of the same 6,000 posts (30 clients): ms per request and ratio.
	@cd $(ROOT)/api && go test -run '^$$' -bench 'BenchmarkAgenda' -benchtime 20x -count 1 ./internal/routes/ | tee /dev/stderr | \
		awk '/BenchmarkAgenda\/agenda/ {a=$$3} /BenchmarkAgenda\/plain-list/ {p=$$3} \
		END {if (a == "" || p == "") {print "bench-agenda: no figures"; exit 1}; \
		printf "agenda %.1f ms, plain list %.1f ms, ratio agenda/list %.2f\n", a/1e6, p/1e6, a/p}'
