# eval/fakellm.mk: the test tools. bin/fakellm is the fake OpenAI-compatible
# LLM server (eval/cmd/fakellm) benchmarks run as a process of its own;
# bin/stack (eval/cmd/stack) starts the whole stack (the fake, bin/api with
# its BAML runtime, optionally Caddy) for Playwright and the shell checks,
# the way Go tests do with eval/stack. Included by the top Makefile (which
# defines ROOT and BIN). Their tests run with the rest of the eval module
# (`go test ./...` in test-eval).

.PHONY: build-fakellm build-stack FORCE_FAKELLM

build-fakellm: $(BIN)/fakellm ## Build the fake OpenAI-compatible server into bin/fakellm.

build-stack: $(BIN)/stack ## Build bin/stack, which starts the real stack and prints it as JSON (eval/cmd/stack).

# Go decides what is stale; the phony prerequisite just makes it ask.
$(BIN)/fakellm $(BIN)/stack: FORCE_FAKELLM
	@mkdir -p $(BIN)
	cd $(ROOT)/eval && go build -o $@ ./cmd/$(notdir $@)

FORCE_FAKELLM:
