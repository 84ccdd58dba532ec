#!/usr/bin/env bash
# Check 7: the api tests of the flake, offline: the check phase of
# nix/packages/api.nix (the unit suite) and the flake check api-e2e (the
# tests that start the real BAML runtime with fakellm), each running the very
# command of nix/packages/api-check.nix the way the Nix sandbox would: on a
# copy of the package's source, with goModules (proxy mode) as the only
# module source (GOPROXY=file://…, GOSUMDB=off, GOFLAGS empty so -mod=readonly,
# a fresh GOPATH), in a network namespace with only loopback, with a clean
# environment (no HOME but $TMPDIR, PATH with only Go and the base system),
# CI=true as in the package, and REKAN_BAML_CLI as each suite sets it (a
# missing file for the unit suite, a wrapper equivalent to the runtime
# package for e2e).
set -euo pipefail
CHECK_NAME=nix-go-sandbox
. "$(dirname "$0")/lib.sh"

command -v unshare >/dev/null || die "unshare is missing (util-linux)"
[ -e "$ROOT/eval/node_modules/@boundaryml/baml/cli.js" ] || die "the BAML runtime is missing (make deps-eval)"
suite_value() {
	nix-instantiate --eval --strict --json "$ROOT/nix/packages/api-check.nix" -A "$1" 2>/dev/null | jq -er . ||
		die "nix/packages/api-check.nix does not evaluate ($1)"
}
unit_cmd=$(suite_value unit.command)
unit_cli=$(suite_value unit.bamlCli)
e2e_cmd=$(suite_value e2e.command)

# A fixed source path (rebuilt every run) lets the Go build cache below be
# reused across runs: without -trimpath, compile results are keyed by path.
# One per checkout: $CACHE is shared by every clone on the machine, and two
# checks running at once must not delete each other's tree.
base=$CACHE/go-sandbox/$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
[ ! -d "$base/tmp" ] || chmod -R u+w "$base/tmp"
rm -rf "$base/source" "$base/tmp"
mkdir -p "$base/source" "$base/tmp" "$base/bin" "$base/go-cache"
copy_api_source "$base/source" .env.example
modules=$(api_go_modules)
baml=$(write_baml_wrapper "$base/bin")
gobin=$(dirname "$(readlink -f "$(command -v go)")")
ip=$(command -v ip) || die "ip is missing (iproute2)"

# run_suite NAME COMMAND BAML_CLI LOG: one suite in the offline namespace,
# with a fresh GOPATH (buildGoModule extracts goModules into $TMPDIR/go).
run_suite() {
	[ ! -d "$base/tmp" ] || chmod -R u+w "$base/tmp"
	rm -rf "$base/tmp"
	mkdir -p "$base/tmp"
	say "$1 suite in an offline namespace: $2"
	if ! unshare --user --map-root-user --net -- env -i \
		PATH="$gobin:/usr/bin:/bin" HOME="$base/tmp" TMPDIR="$base/tmp" NIX_BUILD_CORES="$(nproc)" \
		GOFLAGS= GOPROXY="file://$modules" GOSUMDB=off GOTOOLCHAIN=local GO111MODULE=on GOWORK=off \
		CGO_ENABLED=0 GOCACHE="$base/go-cache" GOPATH="$base/tmp/go" CI=true REKAN_BAML_CLI="$3" \
		bash -euc '"$3" link set lo up
			! curl -s -m 3 -o /dev/null https://proxy.golang.org/ || { echo "the namespace has network" >&2; exit 1; }
			cd "$1/api" && eval "$2"' go-sandbox "$base/source" "$2" "$ip" >"$4" 2>&1; then
		tail -n 60 "$4" >&2
		if grep -q 'unit-tests-have-no-baml-runtime' "$4"; then
			say "a test above needs the BAML runtime: name it Test…EndToEnd… (nix/packages/api-check.nix) so it runs in the api-e2e flake check" >&2
		fi
		die "the api $1 suite failed in the offline namespace"
	fi
	grep -E '^(ok|FAIL|---|\?)' "$4" | sed 's/^/  /'
}

logs=$(new_tmp)
run_suite unit "$unit_cmd" "$unit_cli" "$logs/unit.log"
run_suite e2e "$e2e_cmd" "$baml" "$logs/e2e.log"
grep -Eq '^ok[[:space:]]+github.com/rekan/rekan/api/internal/contentrt[[:space:]]' "$logs/e2e.log" ||
	die "the end-to-end generation tests (api/internal/contentrt) did not run"
grep -Eq '^ok[[:space:]]+github.com/rekan/rekan/api/internal/contentrt[[:space:]].*no tests to run' "$logs/e2e.log" &&
	die "the e2e suite ran no test in api/internal/contentrt"
say "ok: the api unit suite (no runtime) and the e2e suite (real runtime) pass offline with goModules alone, a clean environment and CI=true"

# The tests the check phase skips (api-check.nix's skip, with its reasons)
# run here, as they are (root, the host's tools), in their own packages:
# make test runs each api test once, this check being its api suite.
skip=$(nix-instantiate --eval --strict --json "$ROOT/nix/packages/api-check.nix" -A skip | jq -er 'keys | join("|")') ||
	die "nix/packages/api-check.nix has no skip set"
[ -n "$skip" ] || exit 0
pkgs=$(cd "$ROOT/api" && grep -rlE --include='*_test.go' "^func ($skip)\(" . | xargs -n1 dirname | sort -u)
[ -n "$pkgs" ] || die "no package defines the skipped tests ($skip)"
say "running the tests the sandbox skips: $skip"
# shellcheck disable=SC2086 # one package a word
(cd "$ROOT/api" && env -u RUST_BACKTRACE CI=true REKAN_BAML_CLI="${REKAN_BAML_CLI:-$ROOT/eval/node_modules/.bin/baml-cli}" \
	go test -count=1 -v -run "^($skip)\$" $pkgs) >"$logs/skipped.log" 2>&1 || {
	tail -n 40 "$logs/skipped.log" >&2
	die "a test the sandbox skips failed"
}
for name in ${skip//|/ }; do
	grep -q -- "^--- PASS: $name " "$logs/skipped.log" || die "$name did not run and pass: $(tail -n 20 "$logs/skipped.log")"
done
say "ok: the skipped tests pass outside the sandbox ($skip)"
