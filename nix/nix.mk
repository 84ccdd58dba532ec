# nix/: flake packaging, NixOS module and their offline checks. Included by
# the top Makefile (which defines ROOT, BIN and the *_TARGETS lists). Nix
# builds cannot run on the CI machine (no nixpkgs, no binary cache); these
# targets check everything that can be checked without them. What is left
# for a machine with Nix and network: docs/peps/011-nixos-native-packaging.md.

NIX_DIR := $(ROOT)/nix
NIX_CHECKS := $(NIX_DIR)/checks

DEPS_TARGETS += deps-nix
GENERATE_TARGETS += nix-hashes
CHECK_GENERATED_TARGETS += check-nix-hashes

.PHONY: deps-nix test-nix nix-hashes check-nix-hashes nix-parse nix-flake-eval nix-caddy nix-systemd nix-module nix-go-sandbox nix-go-modules nix-restart

deps-nix: ## Tools of the Nix checks (Debian's nix-bin evaluates, it never builds).
	@$(ROOT)/scripts/need --for "the offline Nix checks" nix-instantiate:nix-bin systemd-analyze:systemd jq curl git \
		unshare:util-linux setpriv:util-linux findmnt:util-linux ip:iproute2 python3 openssl gcc

# Order matters only for reading the log: cheap gates first. Check 3
# (check-nix-hashes) runs with the other generated files in `make test`,
# check 7 (nix-go-sandbox) as the api suite (test-api-offline).
test-nix: deps-nix nix-parse nix-flake-eval nix-go-modules nix-systemd nix-caddy nix-module nix-restart ## The offline Nix checks but the api check phase (parse, flake gate, goModules hash, systemd, Caddy, module, restart).

nix-parse: deps-nix ## 1. Every .nix file parses; the VM test script is valid Python.
	@bash $(NIX_CHECKS)/parse.sh

nix-flake-eval: deps-nix ## 2. nix eval .#nixosModules.default --apply builtins.typeOf is "lambda", offline.
	@bash $(NIX_CHECKS)/flake-eval.sh

nix-hashes: deps-nix deps-api ## Recompute nix/hashes.json (vendorHash, pnpm deps hash); BAML tarballs vs the npm lock.
	@bash $(NIX_DIR)/scripts/hashes.sh write

check-nix-hashes: deps-nix deps-api ## 3. Fail when nix/hashes.json is stale.
	@bash $(NIX_DIR)/scripts/hashes.sh check

nix-go-modules: deps-nix deps-api deps-eval ## 3b. api.vendorHash stays on a Go edit in eval/content and moves with api/go.sum (proxyVendor).
	@bash $(NIX_CHECKS)/go-modules.sh

nix-caddy: deps-nix build-api build-stack build-fakellm build-web deps-eval ## 4. The generated Caddy site block in a real Caddy before the real stack; probes + journey.
	@bash $(NIX_CHECKS)/caddy.sh

nix-systemd: deps-nix build-api build-stack build-fakellm deps-eval ## 5. Exposure <= 1.5, and the stack under emulated unit constraints.
	@bash $(NIX_CHECKS)/systemd.sh

nix-module: deps-nix ## 6. lib.evalModules test of nixosModules.default with the nixpkgs lib of ../shared/nix (or REKAN_NIXPKGS_LIB).
	@bash $(NIX_CHECKS)/module.sh

nix-go-sandbox: deps-nix deps-api deps-eval ## 7. api.nix's check phase (unit tests) and the api-e2e flake check offline (GOPROXY=file://goModules, loopback only, clean env); then the tests the sandbox skips.
	@bash $(NIX_CHECKS)/go-sandbox.sh

nix-restart: deps-nix build-api build-stack build-fakellm deps-eval ## 8. A restart behind the generated Caddy site block fails no request and drains generations.
	@bash $(NIX_CHECKS)/restart.sh
