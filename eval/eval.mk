# eval/: BAML sources, the BAML runtime toolchain (npm), the generated OpenAPI
# spec and Go client, and the eval module's tests. Included by the top
# Makefile (which defines ROOT, BIN and the *_TARGETS lists).

EVAL_DIR := $(ROOT)/eval
# Inside `nix develop` REKAN_BAML_CLI names the Nix-built runtime (patched for
# NixOS, where npm's prebuilt addon cannot find its libraries); elsewhere the
# npm one under eval/ is used.
EVAL_BAML_CLI := $(or $(REKAN_BAML_CLI),$(EVAL_DIR)/node_modules/.bin/baml-cli)
# npm writes this file on every install; it is newer than the lock when
# node_modules matches it.
EVAL_NPM_STAMP := $(EVAL_DIR)/node_modules/.package-lock.json
# Paths written by generate-baml (compared by check-generated-baml).
EVAL_GENERATED := baml_client/openapi.yaml bamlapi/bamlapi.gen.go

DEPS_TARGETS += deps-eval
GENERATE_TARGETS += generate-baml
CHECK_GENERATED_TARGETS += check-generated-baml

.PHONY: deps-eval test-eval generate-baml check-generated-baml

deps-eval: $(EVAL_NPM_STAMP) ## Install the BAML toolchain (npm ci) and the eval Go modules.
	cd $(EVAL_DIR) && go mod download

# --ignore-scripts: @boundaryml/baml depends on @scarf/scarf, whose install
# script phones home; baml-cli itself needs no install step.
$(EVAL_NPM_STAMP): $(EVAL_DIR)/package.json $(EVAL_DIR)/package-lock.json
	$(ROOT)/scripts/need --for "the BAML runtime" node:nodejs npm
	cd $(EVAL_DIR) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

generate-baml: $(EVAL_NPM_STAMP) ## Regenerate baml_client/openapi.yaml and the Go client in eval/bamlapi.
	$(EVAL_DIR)/scripts/baml-generate $(EVAL_DIR)
	rm -f $(EVAL_DIR)/baml_client/.gitignore $(EVAL_DIR)/baml_client/.openapi-generator-ignore

check-generated-baml: $(EVAL_NPM_STAMP) ## Fail when the BAML spec or Go client is stale (baml-cli check included).
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(EVAL_DIR)/scripts/baml-generate "$$tmp"; \
	stale=0; \
	for f in $(EVAL_GENERATED); do \
		if ! cmp -s "$$tmp/$$f" "$(EVAL_DIR)/$$f"; then \
			echo "check-generated-baml: eval/$$f is stale; run 'make generate-baml'" >&2; \
			diff -u "$(EVAL_DIR)/$$f" "$$tmp/$$f" | head -40 >&2 || true; \
			stale=1; \
		fi; \
	done; \
	exit $$stale

# The eval tests run the real baml-cli; CI=true makes its absence a failure.
# $(BIN)/stack is built by eval/fakellm.mk.
test-eval: $(EVAL_NPM_STAMP) $(BIN)/stack ## Vet and test the eval module, and run the BAML test blocks against fakellm.
	@$(ROOT)/scripts/need --for "the eval report test" chromium /usr/share/fonts/truetype/liberation:fonts-liberation
	cd $(EVAL_DIR) && go vet ./...
	cd $(EVAL_DIR) && env -u RUST_BACKTRACE REKAN_BAML_CLI=$(EVAL_BAML_CLI) go test -count=1 ./...
	@# Again verbosely, for the per-check confusion counts on the labelled set.
	cd $(EVAL_DIR) && go test -count=1 -run '^TestLabelledSet$$' -v ./cmd/eval/
	$(EVAL_DIR)/scripts/baml-test $(BIN)/stack
