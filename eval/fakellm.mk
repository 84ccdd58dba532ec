# eval/fakellm.mk: the fake OpenAI-compatible LLM server (eval/cmd/fakellm)
# that tests, Playwright and benchmarks start on loopback instead of a real
# provider. Included by the top Makefile (which defines ROOT and BIN).
# Its tests run with the rest of the eval module (`go test ./...` in
# test-eval), so nothing is added to TEST_TARGETS here.

.PHONY: build-fakellm

build-fakellm: $(BIN)/fakellm ## Build the fake OpenAI-compatible server into bin/fakellm.

# Go decides what is stale; the phony prerequisite just makes it ask.
$(BIN)/fakellm: FORCE_FAKELLM
	@mkdir -p $(BIN)
	cd $(ROOT)/eval && go build -o $@ ./cmd/fakellm

.PHONY: FORCE_FAKELLM
FORCE_FAKELLM:
