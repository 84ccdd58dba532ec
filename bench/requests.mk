# bench/requests: what one generation request stores and what a retry with
# photos costs the server (issue 18), before and after requests became
# records. "Before" is built from BENCH_REQUESTS_BEFORE (the commit before
# the change). Its own Go module, like bench/photos.

BENCH_TARGETS += bench-requests
BENCH_REQUESTS_BEFORE ?= 450539a

.PHONY: bench-requests

bench-requests: $(EVAL_NPM_STAMP) $(BIN)/api $(BIN)/fakellm ## Files, bytes and retry CPU of one request with 4 photos, before/after requests were records.
	rm -rf $(BIN)/before-requests && mkdir -p $(BIN)/before-requests
	git -C $(ROOT) archive $(BENCH_REQUESTS_BEFORE) api eval | tar -x -C $(BIN)/before-requests
	cd $(BIN)/before-requests/api && CGO_ENABLED=0 go build -o $(BIN)/api-before-requests .
	cd $(ROOT)/bench/requests && env -u RUST_BACKTRACE REKAN_BAML_CLI=$(EVAL_BAML_CLI) \
		go run . -before $(BIN)/api-before-requests -after $(BIN)/api -fakellm $(BIN)/fakellm

