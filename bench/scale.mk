# bench/scale: what grows with the number of posts (issue 23 §3): start to
# listening against vanilla PocketBase on the same data, a client's history
# page as the web app asks for it, the server's memory under read load; with
# 0, 2,000 and 100,000 posts cloned from one real generation. Its own module.

BENCH_TARGETS += bench-scale
TEST_TARGETS += vet-bench-scale

.PHONY: bench-scale vet-bench-scale

bench-scale: $(EVAL_NPM_STAMP) $(BIN)/api $(BIN)/fakellm ## Start-up, history page and RSS with 0 / 2,000 / 100,000 posts, against vanilla PocketBase.
	cd $(ROOT)/bench/scale && env -u RUST_BACKTRACE REKAN_BAML_CLI=$(EVAL_BAML_CLI) \
		go run . -api $(BIN)/api -fakellm $(BIN)/fakellm

vet-bench-scale: ## The scale benchmark runs outside make test: keep it compiling.
	cd $(ROOT)/bench/scale && go vet ./...
