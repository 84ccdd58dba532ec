# Rekan: the two commands that matter are `make run` and `make test`.
# Each area keeps its own targets in a fragment (eval/*.mk, api/*.mk,
# web/*.mk, nix/*.mk, bench/*.mk): how to install, build, generate and
# test. What `make test` runs is listed here, in TEST_SUITES.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BIN := $(ROOT)/bin
ARTIFACTS := $(ROOT)/artifacts

# The suites `make test` runs, one a line, each once, in this order (the
# fragments hold how). Generated files first: a stale client or hash fails
# fast.
TEST_SUITES :=
TEST_SUITES += check-generated   # BAML spec and Go client, web limits, Nix hashes are current
TEST_SUITES += test-eval         # eval module: vet, go test (fakellm, checks, eval CLI, stack), BAML test blocks
TEST_SUITES += test-api-offline  # api module: vet, gofmt, then every test once, offline as Nix's check phase runs it
TEST_SUITES += vet-bench         # the Go benchmark modules compile (they run in make bench)
TEST_SUITES += test-web          # svelte-check, Vitest, build checks, Playwright against the real stack
TEST_SUITES += test-nix          # offline Nix checks: parse, flake, systemd, Caddy (+ Playwright through it), module, restart

# Filled by the fragments.
DEPS_TARGETS :=
GENERATE_TARGETS :=
CHECK_GENERATED_TARGETS :=
BENCH_TARGETS :=

# eval/*.mk first: the api and web targets use its binaries; bench/*.mk
# last, as benchmarks use everyone's targets.
-include $(sort $(wildcard eval/*.mk)) $(sort $(wildcard api/*.mk)) $(sort $(wildcard web/*.mk)) $(sort $(wildcard nix/*.mk)) $(sort $(wildcard bench/*.mk))

.PHONY: help deps run test test-suites test-fresh generate check-generated bench

help: ## List the targets.
	@grep -hE '^[a-zA-Z0-9_.-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | sort

deps: $(DEPS_TARGETS) ## Install what is missing (system packages, pnpm, BAML runtime, Go modules).

# Only what serving needs: no browser, no Nix tools.
run: deps-eval deps-api build-web build-api ## Run Rekan on http://$(ADDR) (default 127.0.0.1:8090; ADDR=host:port) with data in ./pb_data.
	@$(MAKE) --no-print-directory run-api

# The run must leave tracked files as it found them (scripts/tree-guard):
# the record is taken before deps, which may otherwise rewrite a lock file.
TREE_STATE := $(ARTIFACTS)/make-test-tree.state
test: ## Run every test in the project.
	@$(ROOT)/scripts/tree-guard start $(TREE_STATE)
	@$(MAKE) --no-print-directory test-suites
	@$(ROOT)/scripts/tree-guard check $(TREE_STATE)
	@echo "make test: all suites passed ($(strip $(TEST_SUITES))); tracked files unchanged"

test-suites: deps $(TEST_SUITES)

# A brand-new Debian root (../shared/tools/fresh-machine) from a clean clone
# of the committed state: `make test`, then `make run` until health answers.
# Too slow for every CI run; run it before calling a change to install steps,
# Makefile fragments, scripts/ or the checks done.
test-fresh: ## make test and make run in a brand-new Debian root (slow; needs root).
	@$(ROOT)/scripts/test-fresh

generate: $(GENERATE_TARGETS) ## Regenerate every generated file.

check-generated: $(CHECK_GENERATED_TARGETS) ## Fail when a generated file is stale.

bench: $(BENCH_TARGETS) ## Run the benchmarks under bench/ and print their figures.
