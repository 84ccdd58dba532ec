# Rekan: the two commands that matter are `make run` and `make test`.
# Each area keeps its own targets in a fragment (eval/*.mk, api/*.mk,
# web/*.mk, nix/*.mk) and appends to the lists below, so areas can grow
# without touching this file.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BIN := $(ROOT)/bin
ARTIFACTS := $(ROOT)/artifacts

# Filled by the fragments.
DEPS_TARGETS :=
TEST_TARGETS :=
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

# Generated files are checked first: a stale client or hash fails fast.
# The run must leave tracked files as it found them (scripts/tree-guard):
# the record is taken before deps, which may otherwise rewrite a lock file.
TREE_STATE := $(ARTIFACTS)/make-test-tree.state
test: ## Run every test in the project.
	@$(ROOT)/scripts/tree-guard start $(TREE_STATE)
	@$(MAKE) --no-print-directory test-suites
	@$(ROOT)/scripts/tree-guard check $(TREE_STATE)
	@echo "make test: all suites passed ($(TEST_TARGETS)); tracked files unchanged"

test-suites: deps check-generated $(TEST_TARGETS)

# A brand-new Debian root (../shared/tools/fresh-machine) from a clean clone
# of the committed state: `make test`, then `make run` until health answers.
# Too slow for every CI run; run it before calling a change to install steps,
# Makefile fragments, scripts/ or the checks done.
test-fresh: ## make test and make run in a brand-new Debian root (slow; needs root).
	@$(ROOT)/scripts/test-fresh

generate: $(GENERATE_TARGETS) ## Regenerate every generated file.

check-generated: $(CHECK_GENERATED_TARGETS) ## Fail when a generated file is stale.

bench: $(BENCH_TARGETS) ## Run the benchmarks under bench/ and print their figures.
