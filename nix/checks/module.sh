#!/usr/bin/env bash
# Check 6: the module test (nix/tests/module-test.nix) evaluates the flake's
# nixosModules.default with lib.evalModules from nixpkgs.lib, against minimal
# declarations of the NixOS options it sets: types, defaults, assertions,
# and that the generated service and Caddy config equal the plain pieces.
#
# Which lib: REKAN_NIXPKGS_LIB names a checkout of nix-community/nixpkgs.lib
# (or of nixpkgs: any directory with lib/default.nix). Without it, the
# tarball named in nix/checks/versions.txt (`nixpkgs_lib`) is unpacked from
# ../shared/nix beside the checkout into the checks' cache, once. No lib
# found is a failure: the module test never skips.
set -euo pipefail
CHECK_NAME=nix-module
. "$(dirname "$0")/lib.sh"

lib=${REKAN_NIXPKGS_LIB:-}
if [ -z "$lib" ]; then
	tarball=$SHARED_DIR/nix/$(versions_value nixpkgs_lib)
	[ -f "$tarball" ] || die "no nixpkgs lib: set REKAN_NIXPKGS_LIB to a nixpkgs.lib checkout, or put $(basename "$tarball") in $SHARED_DIR/nix (nix/checks/versions.txt names it)"
	lib=$CACHE/$(basename "$tarball" .tar.gz)/nixpkgs.lib
	if [ ! -f "$lib/lib/default.nix" ]; then
		say "unpacking $(basename "$tarball") into $(dirname "$lib") (once)"
		# Unpacked aside and renamed, so a concurrent run never sees half a lib.
		staging=$(mktemp -d "$CACHE/nixpkgs-lib.XXXXXX")
		tar -xzf "$tarball" -C "$staging"
		mv -T "$staging" "$(dirname "$lib")" 2>/dev/null || rm -rf "$staging"
	fi
fi
[ -f "$lib/lib/default.nix" ] || die "the nixpkgs lib at $lib has no lib/default.nix"
lib=$(cd "$lib" && pwd)
version=$(cat "$lib/lib/.version" 2>/dev/null || echo unknown)

# Only stdout is the JSON result; nix's warnings go to stderr, shown on failure.
errfile=$(new_tmp)/stderr
out=$(nix-instantiate --eval --strict --json "$ROOT/nix/tests/module-test.nix" --arg nixpkgsLib "$lib" 2>"$errfile") ||
	die "the module test does not evaluate: $(cat "$errfile")"
show_warnings "$errfile"
total=$(jq -er .total <<<"$out") || die "the module test printed no case count: $out"
failed=$(jq -r '.failed[]' <<<"$out")
[ -z "$failed" ] || die "$(wc -l <<<"$failed") of $total cases failed:
$(sed 's/^/  /' <<<"$failed")"
[ "$total" -ge 45 ] || die "only $total cases ran (expected at least 45)"
say "ok: $total module cases pass with nixpkgs.lib $version ($lib)"
