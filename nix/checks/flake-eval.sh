#!/usr/bin/env bash
# Check 2 (the plan's gate): `nix eval .#nixosModules.default --apply
# builtins.typeOf` prints "lambda" offline with the locked flake.lock, i.e.
# the module evaluates without fetching nixpkgs.
#
# Nix only sees files git tracks. If some flake file is new (the normal state
# before the lead commits), the gate runs in a throwaway git repository
# holding the same files and says so; CI's clean clone runs it in place.
set -euo pipefail
CHECK_NAME=nix-flake-eval
. "$(dirname "$0")/lib.sh"

paths=(flake.nix flake.lock nix eval/package-lock.json)
dir=$ROOT
new=$(untracked_files "${paths[@]}")
if [ -n "$new" ]; then
	say "not yet tracked by git (evaluating a throwaway copy instead):"
	sed 's/^/  /' <<<"$new"
	dir=$(new_tmp)
	visible_files "${paths[@]}" | (cd "$ROOT" && xargs -0 cp --parents -t "$dir")
	git -C "$dir" init -q
	git -C "$dir" add -A
	git -C "$dir" -c user.name=check -c user.email=check@localhost commit -qm copy
fi

# No network may be used: a fetch of nixpkgs would fail (or, with network,
# be noticed by the store path check below).
# Only stdout is compared; nix's warnings (e.g. about build users) go to
# stderr and are shown on failure.
errors=$(new_tmp)/stderr
out=$(cd "$dir" && timeout 120 "${NIX[@]}" eval --option substituters '' \
	.#nixosModules.default --apply builtins.typeOf 2>"$errors") || die "nix eval failed: $out $(cat "$errors")"
[ "$out" = '"lambda"' ] || die "expected \"lambda\", got: $out"

# The lock file itself must be the pinned one and in the format Nix writes.
rev=$(jq -r '.nodes.nixpkgs.locked.rev' "$ROOT/flake.lock")
[ "$rev" = ac055f38c798b0d87695240c7b761b82fc7e5bc2 ] || die "flake.lock pins nixpkgs $rev"
jq -e '.version == 7 and .root == "root" and .nodes.root.inputs == {nixpkgs: "nixpkgs"}
  and .nodes.nixpkgs.original == {owner: "NixOS", repo: "nixpkgs", ref: "nixpkgs-unstable", type: "github"}' \
	"$ROOT/flake.lock" >/dev/null || die "flake.lock is not the expected v7 lock of github:NixOS/nixpkgs/nixpkgs-unstable"

say "ok: nix eval .#nixosModules.default --apply builtins.typeOf = $out (offline, $(nix --version))"
