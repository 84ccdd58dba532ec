# The Go benchmarks (bench/*/go.mod) are modules of their own that run in
# `make bench`, outside `make test`; make test keeps them compiling.

BENCH_GO_MODULES := $(sort $(dir $(wildcard $(ROOT)/bench/*/go.mod)))

.PHONY: vet-bench

vet-bench: ## go vet every Go benchmark module (they run in make bench, not make test).
	@for m in $(BENCH_GO_MODULES); do echo "go vet $${m#$(ROOT)/}"; (cd $$m && go vet ./...) || exit 1; done
