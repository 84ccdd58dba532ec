# bench/checks: the quality checks' own CPU per post on the labelled tune set
# (issue 23: ≤ 1 ms), with the top of a CPU profile taken in the bench.
# Its own module, needing only eval.

BENCH_TARGETS += bench-checks
TEST_TARGETS += vet-bench-checks

.PHONY: bench-checks vet-bench-checks

bench-checks: ## The checks' CPU per post and the top of their CPU profile.
	cd $(ROOT)/bench/checks && go run . -eval $(ROOT)/eval

vet-bench-checks: ## The checks benchmark runs outside make test: keep it compiling.
	cd $(ROOT)/bench/checks && go vet ./...
