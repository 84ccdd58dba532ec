# bench/photos: the server's memory under photo uploads (issue 13): eight
# concurrent generations with four JPEGs of about 10 MB each, on the real
# binary with its BAML runtime and fakellm. Its own Go module, like
# bench/api.

BENCH_TARGETS += bench-photos
.PHONY: bench-photos

bench-photos: $(EVAL_NPM_STAMP) $(BIN)/api $(BIN)/fakellm ## Peak RSS rise of the server for 8 concurrent generations with 4 photos of 10 MB.
	cd $(ROOT)/bench/photos && env -u RUST_BACKTRACE REKAN_BAML_CLI=$(EVAL_BAML_CLI) \
		go run . -api $(BIN)/api -fakellm $(BIN)/fakellm

