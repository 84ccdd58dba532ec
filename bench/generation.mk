# bench/generation: the server's own CPU per generation without photos
# (issue 23 §3: ≤ 2.5 ms at concurrency 16 without the checks, the checks
# ≤ 1 ms per post), before/after in one run against a bare BAML runtime,
# with the top of the server's CPU profile. Both servers are built with
# the bench-only profile (api/benchprofile.go); "before" from
# BENCH_GENERATION_BEFORE (main before this branch). Its own Go module.

BENCH_TARGETS += bench-generation
BENCH_GENERATION_BEFORE ?= d43442f

.PHONY: bench-generation

bench-generation: $(EVAL_NPM_STAMP) $(BIN)/fakellm ## Server CPU per generation without photos (checks apart), before/after, against the bare BAML runtime, and its profile's top.
	rm -rf $(BIN)/before-generation && mkdir -p $(BIN)/before-generation
	git -C $(ROOT) archive $(BENCH_GENERATION_BEFORE) api eval | tar -x -C $(BIN)/before-generation
	cd $(BIN)/before-generation/api && CGO_ENABLED=0 go build -tags benchprofile -o $(BIN)/api-profile-before .
	cd $(ROOT)/api && CGO_ENABLED=0 go build -tags benchprofile -o $(BIN)/api-profile .
	cd $(ROOT)/bench/generation && env -u RUST_BACKTRACE REKAN_BAML_CLI=$(EVAL_BAML_CLI) \
		go run . -before $(BIN)/api-profile-before -after $(BIN)/api-profile -fakellm $(BIN)/fakellm $(ARGS)
