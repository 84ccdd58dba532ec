#!/usr/bin/env bash
# Check 6: the module test (nix/tests/module-test.nix) evaluates the flake's
# nixosModules.default with lib.evalModules from nixpkgs.lib, against minimal
# declarations of the NixOS options it sets: types, defaults, assertions,
# and that the generated service and Caddy config equal the plain pieces.
#
# REKAN_NIXPKGS_LIB names a checkout of nix-community/nixpkgs.lib (or of
# nixpkgs: any directory with lib/default.nix). Without it the check says
# SKIPPED: CI machines cannot fetch it.
#   git clone https://github.com/nix-community/nixpkgs.lib ~/src/nixpkgs.lib
#   REKAN_NIXPKGS_LIB=~/src/nixpkgs.lib make test-nix
# or leave the checkout at ~/.cache/rekan-nixpkgs.lib, which is used when the
# variable is unset.
set -euo pipefail
CHECK_NAME=nix-module
. "$(dirname "$0")/lib.sh"

# A checkout left in the user's cache (see above) counts as named.
default_lib=${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/rekan-nixpkgs.lib
lib=${REKAN_NIXPKGS_LIB:-}
if [ -z "$lib" ] && [ -f "$default_lib/lib/default.nix" ]; then
	lib=$default_lib
fi
if [ -z "$lib" ]; then
	say "SKIPPED: set REKAN_NIXPKGS_LIB to a nixpkgs.lib checkout to run the module test"
	exit 0
fi
[ -f "$lib/lib/default.nix" ] || die "REKAN_NIXPKGS_LIB=$lib has no lib/default.nix"
lib=$(cd "$lib" && pwd)
version=$(cat "$lib/lib/.version" 2>/dev/null || echo unknown)

# Only stdout is parsed; nix's warnings (e.g. about build users) go to stderr.
errors=$(mktemp)
out=$(nix-instantiate --eval --strict --json "$ROOT/nix/tests/module-test.nix" --arg nixpkgsLib "$lib" 2>"$errors") ||
	die "the module test does not evaluate: $(cat "$errors")"
rm -f "$errors"
total=$(jq -r .total <<<"$out")
failed=$(jq -r '.failed[]' <<<"$out")
[ -z "$failed" ] || die "$(wc -l <<<"$failed") of $total cases failed:
$(sed 's/^/  /' <<<"$failed")"
[ "$total" -ge 30 ] || die "only $total cases ran"
say "ok: $total module cases pass with nixpkgs.lib $version ($lib)"
