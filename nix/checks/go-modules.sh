#!/usr/bin/env bash
# Check: api.vendorHash (goModules in proxy mode, nix/packages/api.nix) moves
# with api's module requirements and with nothing else. Offline, on a copy of
# the whole api/ and eval/ source (what goModules would see if api.nix did not
# narrow its src to the files of nix/packages/go-modules.nix):
#   - a Go edit in eval/content (an edited and a new file) leaves goModules'
#     hash and name as the checkout's, and the build, loading modules from
#     goModules only, reads the edited eval/content from the source;
#   - a new requirement (`go get`: go.mod and go.sum change) moves both.
set -euo pipefail
CHECK_NAME=nix-go-modules
. "$(dirname "$0")/lib.sh"

GO_VERSION=$(go env GOVERSION)
GO_VERSION=${GO_VERSION#go}

# key DIR: goModules' name key (nix/packages/go-modules.nix) for the tree DIR.
key() {
	nix-instantiate --eval --strict --json \
		-E "(import $ROOT/nix/packages/go-modules.nix).key (/. + \"$1\") \"$GO_VERSION\"" 2>/dev/null | jq -er . ||
		die "nix/packages/go-modules.nix does not evaluate on $1"
}

# state DIR OUT: "<nix hash of goModules> <name key>" for the tree DIR, whose
# goModules output is written to OUT.
state() {
	go_mod_download "$1" "$2"
	printf '%s %s\n' "$("${NIX[@]}" hash path --type sha256 "$2")" "$(key "$1")"
}

tree=$(new_tmp)
copy_api_source "$tree"

# 1. The checkout's goModules, from the three module files api.nix gives it
# (memoised by content in $CACHE, as make nix-hashes computes it).
base="$("${NIX[@]}" hash path --type sha256 "$(api_go_modules)") $(key "$tree")"
say "checkout:                        $base"

# 2. A Go edit in eval/content: an exported function appended to a file and
# a new file; then goModules of the whole edited source.
content=$tree/eval/content
[ -f "$content/content.go" ] || die "eval/content/content.go is missing"
printf '\n// HashProbe exists only in the nix-go-modules check.\nfunc HashProbe() int { return 1 }\n' >>"$content/content.go"
printf 'package content\n\n// HashProbeFile exists only in the nix-go-modules check.\nconst HashProbeFile = 2\n' >"$content/zz_hash_probe.go"
mods=$(new_tmp)/modules
edited=$(state "$tree" "$mods")
say "after a Go edit in eval/content: $edited"
[ "$edited" = "$base" ] || die "a Go edit in eval/content moved goModules ($base -> $edited)"

# The build (GOPROXY=file://goModules, GOFLAGS empty: -mod=readonly, as
# buildGoModule's build in proxy mode) loads api from goModules alone and
# reads eval/content from the source.
probe=$(new_tmp)
(cd "$tree/api" && env -i PATH="$PATH" HOME="$probe" GOPATH="$probe/go" GOCACHE="$probe/cache" \
	GOPROXY="file://$mods" GOSUMDB=off GOFLAGS=-modcacherw GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0 \
	go list -deps -f '{{.ImportPath}} {{.Dir}}' . >"$probe/deps" 2>"$probe/err") || {
	cat "$probe/err" >&2
	die "api's packages do not load offline from goModules alone"
}
grep -qx "github.com/rekan/rekan/eval/content $tree/eval/content" "$probe/deps" ||
	die "api does not read eval/content from the source: $(grep eval/content "$probe/deps")"

# 3. A new requirement of api, as `go get` writes it: go.mod and go.sum change.
# github.com/oasdiff/yaml3 is one of eval's tool modules, so `make deps` has
# put it in the module cache (offline).
cp "$tree/api/go.sum" "$probe/go.sum.before"
(cd "$tree/api" && env -i PATH="$PATH" HOME="$probe" GOPATH="$probe/go" GOCACHE="$probe/cache" \
	GOPROXY="file://$(go env GOMODCACHE)/cache/download" GOSUMDB=off GOFLAGS="-mod=mod -modcacherw" \
	GOWORK=off GOTOOLCHAIN=local go get github.com/oasdiff/yaml3@v0.0.14) >/dev/null 2>&1 ||
	die "go get github.com/oasdiff/yaml3@v0.0.14 failed offline (make deps-eval fills the module cache)"
! cmp -s "$probe/go.sum.before" "$tree/api/go.sum" || die "go get did not change api/go.sum"
chmod -R u+w "$probe"
moved=$(state "$tree" "$(new_tmp)/modules")
say "after a go.sum change:           $moved"
[ "${moved%% *}" != "${base%% *}" ] || die "a go.sum change did not move goModules' hash"
[ "${moved##* }" != "${base##* }" ] || die "a go.sum change did not rename goModules"
say "ok: goModules moves with api/go.sum, not with a Go edit in eval/content"
