#!/usr/bin/env bash
# Check 1: every .nix file of the repository parses, and the VM test's
# Python test script (rendered from nix/tests/vm.nix) is valid Python.
set -euo pipefail
CHECK_NAME=nix-parse
. "$(dirname "$0")/lib.sh"

n=0
while IFS= read -r -d '' f; do
	case $f in *.nix) ;; *) continue ;; esac
	nix-instantiate --parse "$ROOT/$f" >/dev/null || die "$f does not parse"
	n=$((n + 1))
done < <(visible_files .)
[ $n -gt 0 ] || die "no .nix files found"

script=$(nix-instantiate --eval --strict --json -E "
  (import $ROOT/nix/tests/vm.nix { rekanModule = { }; }).testScript {
    nodes.machine.services.rekan.webPackage = \"/nix/store/web\";
  }" | jq -r .)
printf '%s\n' "$script" | python3 -c 'import ast, sys; ast.parse(sys.stdin.read(), "vm testScript")' ||
	die "nix/tests/vm.nix: testScript is not valid Python"
grep -q 'start_all()' <<<"$script" || die "nix/tests/vm.nix: testScript starts no machine"

say "ok: $n .nix files parse; the VM test script is valid Python"
