# The eval pipeline (eval/cmd/eval): `make eval`, `make eval ARGS=--judges`,
# `make eval ARGS='--judges --report --profile confeitaria-lu'`. Runs go to
# eval/runs/ (git-ignored). Its tests are part of the eval module's
# `go test ./...` (test-eval in eval/eval.mk); the benchmark is bench-eval.
# Included after eval/eval.mk, whose EVAL_DIR, EVAL_NPM_STAMP and
# $(BIN)/fakellm it uses.

BENCH_TARGETS += bench-eval

.PHONY: eval build-eval bench-eval

build-eval: ## Build the eval CLI into bin/eval.
	@mkdir -p $(BIN)
	cd $(EVAL_DIR) && go build -o $(BIN)/eval ./cmd/eval

# Without REKAN_LLM_API_KEY (environment or .env, which the CLI reads) it
# warns loudly and serves fakellm in process (--fake=auto); with one it
# judges against the real provider. FAKELLM_FLAGS='-fault X' became
# ARGS='--fake-fault X'.
eval: $(EVAL_NPM_STAMP) build-eval ## Run the eval pipeline (ARGS='--judges --report …'; fakellm when no provider is set).
	$(if $(FAKELLM_FLAGS),$(error FAKELLM_FLAGS is gone: use make eval ARGS='--fake-fault NAME' (eval/cmd/eval/README.md)))
	@# make exits 0, 1 or 2 whatever the recipe returns: name the CLI's own
	@# code (3: below --fail-under) before exiting. CI calls bin/eval itself.
	@cd $(ROOT) && code=0; env -u RUST_BACKTRACE $(BIN)/eval --fake=auto $(ARGS) || code=$$?; \
	case $$code in \
	0) meaning="the run completed";; \
	1) meaning="the run could not complete";; \
	2) meaning="bad usage";; \
	3) meaning="the run completed below --fail-under";; \
	*) meaning="interrupted or killed";; \
	esac; \
	echo "eval exited $$code: $$meaning (make itself exits 0, 1 or 2; CI should run bin/eval and read its code)" >&2; \
	exit $$code

bench-eval: $(EVAL_NPM_STAMP) build-eval $(BIN)/fakellm ## Wall time of a full --judges run vs its critical path, fakellm at 300 ms; report screenshot.
	@cd $(ROOT) && env -u RUST_BACKTRACE $(ROOT)/bench/eval/run $(BIN)/eval $(BIN)/fakellm $(ARTIFACTS)
