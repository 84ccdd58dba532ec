# api/: the Rekan server (PocketBase + Rekan's routes, migrations and
# operator CLI). Included by the top Makefile after eval/*.mk, whose
# EVAL_NPM_STAMP (baml-cli installed) and EVAL_BAML_CLI it uses.

API_DIR := $(ROOT)/api
API_VERSION ?= $(shell git -C $(ROOT) describe --tags --always --dirty 2>/dev/null || echo dev)
API_LDFLAGS := -s -w -X main.version=$(API_VERSION)

DEPS_TARGETS += deps-api
BENCH_TARGETS += bench-api

.PHONY: deps-api build-api run-api lint-api test-api test-api-offline bench-api FORCE_API

deps-api: ## Download the api module's Go dependencies.
	cd $(API_DIR) && go mod download

build-api: $(BIN)/api ## Build the server into bin/api (static, version stamped).

$(BIN)/api: FORCE_API
	@mkdir -p $(BIN)
	cd $(API_DIR) && CGO_ENABLED=0 go build -trimpath -ldflags '$(API_LDFLAGS)' -o $@ .

FORCE_API:

# Where `make run` serves and keeps its data: `make run ADDR=0.0.0.0:8080`
# (README, "The two commands").
ADDR ?= 127.0.0.1:8090
PB_DATA ?= $(ROOT)/pb_data

# Runs from ROOT so .env, web/build and eval/node_modules/.bin/baml-cli are
# found. RUST_BACKTRACE would make the BAML runtime dump backtraces into
# error bodies; bamlrt drops it anyway, this keeps the server's env clean too.
run-api: ## Serve bin/api on http://$(ADDR) (ADDR=host:port) with data in $(PB_DATA).
	@echo "Rekan on http://$(ADDR) (admin UI: http://$(ADDR)/_/)"
	@echo "Create the first operator (in another shell):"
	@echo "  bin/api operator add you@example.com 'a-long-password' --dir=$(PB_DATA)"
	@cd $(ROOT) && exec env -u RUST_BACKTRACE $(BIN)/api serve --http=$(ADDR) --dir=$(PB_DATA)

lint-api: ## go vet and gofmt of the api module.
	cd $(API_DIR) && go vet ./...
	cd $(API_DIR) && test -z "$$(gofmt -l .)" || { gofmt -l . >&2; echo "lint-api: gofmt needed" >&2; exit 1; }

# The tests run the real binary and the real BAML runtime; with CI=true a
# missing baml-cli fails them instead of skipping. This is the quick local
# run; make test runs the same tests once, the Nix check phase's way
# (test-api-offline), not this one as well.
test-api: lint-api $(EVAL_NPM_STAMP) ## Vet and test the api module here (ApiScenario tables, BAML runtime + fakellm end to end).
	cd $(API_DIR) && env -u RUST_BACKTRACE REKAN_BAML_CLI=$(EVAL_BAML_CLI) go test -count=1 ./...

# nix-go-sandbox (nix/nix.mk) runs every api test offline with the vendor
# tree, as `nix build .#api` would, then the few the sandbox cannot run.
test-api-offline: lint-api nix-go-sandbox ## The api suite as make test runs it: vet, gofmt, every test once offline (nix-go-sandbox).

bench-api: $(EVAL_NPM_STAMP) $(BIN)/api $(BIN)/fakellm ## Benchmark generation overhead, idle RSS and time to healthy.
	cd $(ROOT)/bench/api && env -u RUST_BACKTRACE REKAN_BAML_CLI=$(EVAL_BAML_CLI) \
		go run . -api $(BIN)/api -fakellm $(BIN)/fakellm
