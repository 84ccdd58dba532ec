#!/usr/bin/env bash
# Check 7: the check phase of nix/packages/api.nix, offline. Runs the very
# command of nix/packages/api-check.nix (the whole api suite, end-to-end
# generation through the real BAML runtime and fakellm included) the way the
# Nix sandbox would: on a copy of the package's source with the vendor tree
# of `go mod vendor` (-mod=vendor, GOPROXY=off), in a network namespace with
# only loopback, with a clean environment (no HOME but $TMPDIR, PATH with
# only Go and the base system), CI=true as in the package, and REKAN_BAML_CLI
# pointing at a wrapper equivalent to the runtime package.
set -euo pipefail
CHECK_NAME=nix-go-sandbox
. "$(dirname "$0")/lib.sh"

command -v unshare >/dev/null || die "unshare is missing (util-linux)"
[ -e "$ROOT/eval/node_modules/@boundaryml/baml/cli.js" ] || die "the BAML runtime is missing (make deps-eval)"
cmd=$(nix-instantiate --eval --strict --json "$ROOT/nix/packages/api-check.nix" -A command | jq -er .) ||
	die "nix/packages/api-check.nix does not evaluate"

# A fixed source path (rebuilt every run) lets the Go build cache below be
# reused across runs: without -trimpath, compile results are keyed by path.
base=$CACHE/go-sandbox
rm -rf "$base/source" "$base/tmp"
mkdir -p "$base/source" "$base/tmp" "$base/bin" "$base/go-cache"
visible_files api eval .env.example | while IFS= read -r -d '' f; do
	case $f in
	api/vendor/* | api/go.work | eval/go.work | eval/node_modules/*) ;;
	*) printf '%s\0' "$f" ;;
	esac
done | (cd "$ROOT" && xargs -0 cp --parents -t "$base/source")
(cd "$base/source/api" && env GOENV=off GOFLAGS= GOWORK=off GOTOOLCHAIN=local GO111MODULE=on \
	CGO_ENABLED=0 go mod vendor) >&2
baml=$(write_baml_wrapper "$base/bin")
gobin=$(dirname "$(readlink -f "$(command -v go)")")
ip=$(command -v ip) || die "ip is missing (iproute2)"

say "running in an offline namespace: $cmd"
log=$(new_tmp)/test.log
if ! unshare --user --map-root-user --net -- env -i \
	PATH="$gobin:/usr/bin:/bin" HOME="$base/tmp" TMPDIR="$base/tmp" NIX_BUILD_CORES="$(nproc)" \
	GOFLAGS=-mod=vendor GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local GO111MODULE=on GOWORK=off \
	CGO_ENABLED=0 GOCACHE="$base/go-cache" GOPATH="$base/tmp/go" CI=true REKAN_BAML_CLI="$baml" \
	bash -euc '"$3" link set lo up
		! curl -s -m 3 -o /dev/null https://proxy.golang.org/ || { echo "the namespace has network" >&2; exit 1; }
		cd "$1/api" && eval "$2"' go-sandbox "$base/source" "$cmd" "$ip" >"$log" 2>&1; then
	tail -n 60 "$log" >&2
	die "the api check phase failed in the offline namespace"
fi
grep -E '^(ok|FAIL|---|\?)' "$log" | sed 's/^/  /'
grep -Eq '^ok[[:space:]]+github.com/rekan/rekan/api/internal/contentrt[[:space:]]' "$log" ||
	die "the end-to-end generation tests (api/internal/contentrt) did not run"
say "ok: every api test passes offline with -mod=vendor, a clean environment and CI=true"

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
	go test -count=1 -v -run "^($skip)\$" $pkgs) >"$log.skipped" 2>&1 || {
	tail -n 40 "$log.skipped" >&2
	die "a test the sandbox skips failed"
}
for name in ${skip//|/ }; do
	grep -q -- "^--- PASS: $name " "$log.skipped" || die "$name did not run and pass: $(tail -n 20 "$log.skipped")"
done
say "ok: the skipped tests pass outside the sandbox ($skip)"
