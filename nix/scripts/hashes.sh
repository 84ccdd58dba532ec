#!/usr/bin/env bash
# Recomputes, offline where possible, the fixed-output hashes the flake
# needs and that `nix build` would otherwise only report after a failed
# build:
#   api.vendorHash      buildGoModule's goModules output (proxy mode)
#   web.pnpmDepsHash    fetchPnpmDeps (pnpm 10, fetcherVersion 3) output
# and verifies the BAML runtime tarballs against eval/package-lock.json's
# integrity (the flake reads those integrity values directly).
#
#   nix/scripts/hashes.sh write   rewrite nix/hashes.json (make nix-hashes)
#   nix/scripts/hashes.sh check   fail if nix/hashes.json is stale (make check-nix-hashes)
#
# Results are memoised in the cache under a key of every input (file
# contents, tool versions, this script), so a warm check is fast.
set -euo pipefail
CHECK_NAME=nix-hashes
. "$(dirname "$0")/../checks/lib.sh"

mode=${1:-check}
case $mode in write | check) ;; *) die "usage: $0 write|check" ;; esac
HASHES=$ROOT/nix/hashes.json
PNPM_VERSION=$(versions_value pnpm10)
SELF_SUM=$(sha256sum "$0" "$ROOT/nix/checks/lib.sh" | sha256sum | cut -c1-16)

nix_hash_path() { "${NIX[@]}" hash path --type sha256 "$1"; }

# memo KEY COMMAND...: print the cached result for KEY or run COMMAND.
memo() {
	local key=$1 file
	shift
	file="$CACHE/memo/$key"
	if [ ! -s "$file" ]; then
		mkdir -p "$CACHE/memo"
		find "$CACHE/memo" -type f -mtime +30 -delete
		"$@" >"$file.tmp"
		mv "$file.tmp" "$file"
	fi
	cat "$file"
}

# --- vendorHash ----------------------------------------------------------
# goModules in proxy mode: the module download cache of api's requirements
# (nix/checks/lib.sh api_go_modules, from the files nix/packages/go-modules.nix
# lists, the very source api.nix gives goModules).
vendor_hash() {
	nix_hash_path "$(api_go_modules)"
}

# --- pnpm deps hash -------------------------------------------------------
# Reproduces fetchPnpmDeps (pkgs/build-support/node/fetch-pnpm-deps) with
# fetcherVersion 3 and nixpkgs' pnpm_10, step by step.
pnpm_cmd() {
	local dir="$CACHE/pnpm-$PNPM_VERSION"
	if [ ! -x "$dir/node_modules/.bin/pnpm" ]; then
		say "installing pnpm $PNPM_VERSION into $dir (once)" >&2
		npm install --prefix "$dir" --no-save --no-package-lock "pnpm@$PNPM_VERSION" >&2
	fi
	echo "$dir/node_modules/.bin/pnpm"
}

web_files() {
	visible_files web | while IFS= read -r -d '' f; do
		case $f in
		web/node_modules/* | web/build/* | web/.svelte-kit/* | web/test-results/* | web/playwright-report/*) ;;
		*) printf '%s\0' "$f" ;;
		esac
	done
}

# GNU tar's --zstd pipes through the zstd CLI, whose bytes change between
# library versions (1.5.4 here, 1.5.7 in the pinned nixpkgs). zstd-cli links
# 1.5.7 and was checked to write the same bytes as the zstd CLI when linked to
# the same library (docs/peps/011).
zstd_cmd() {
	local src="$ROOT/nix/scripts/zstd-cli" key bin
	key=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -c1-16)
	bin="$CACHE/zstd-cli-$key"
	if [ ! -x "$bin" ]; then
		say "building nix/scripts/zstd-cli (once; cached)" >&2
		(cd "$src" && GOFLAGS= GOWORK=off CGO_ENABLED=1 go build -o "$bin.tmp" . && mv "$bin.tmp" "$bin") >&2
	fi
	echo "$bin"
}

compute_pnpm_hash() {
	local pnpm work store out zstd
	pnpm=$(pnpm_cmd)
	zstd=$(zstd_cmd)
	[ "$("$zstd" -V)" = 1.5.7 ] || die "zstd-cli does not link zstd 1.5.7"
	work=$(new_tmp)
	store="$work/store"
	out="$work/out"
	mkdir -p "$work/home" "$out"
	web_files | (cd "$ROOT" && xargs -0 cp --parents -t "$work")
	(
		export HOME="$work/home"
		unset XDG_CONFIG_HOME XDG_CACHE_HOME XDG_DATA_HOME npm_config_registry
		[ "$("$pnpm" --version)" = "$PNPM_VERSION" ] || die "pnpm is not $PNPM_VERSION"
		cd "$HOME"
		"$pnpm" config set manage-package-manager-versions false
		"$pnpm" config set side-effects-cache false
		"$pnpm" config set update-notifier false
		cd "$work/web"
		"$pnpm" config set store-dir "$store"
		"$pnpm" install --force --ignore-scripts --registry=https://registry.npmjs.org/ \
			--frozen-lockfile --reporter=silent
		echo 3 >"$out/.fetcher-version"
	) >&2
	rm -rf "$store"/{v3,v10}/tmp "$store"/{v3,v10}/projects
	find "$store" -name '*.json' -print0 | while IFS= read -r -d '' f; do
		jq --sort-keys 'del(.. | .checkedAt?)' "$f" >"$f.sorted"
		mv "$f.sorted" "$f"
	done
	find "$store" -type f -name '*-exec' -print0 | xargs -0 -r chmod 555
	find "$store" -type f -not -name '*-exec' -print0 | xargs -0 -r chmod 444
	find "$store" -type d -print0 | xargs -0 -r chmod 555
	(
		cd "$store"
		tar --sort=name --mtime=@315532800 --owner=0 --group=0 --numeric-owner \
			--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
			--use-compress-program="$zstd" -cf "$out/pnpm-store.tar.zst" .
	)
	chmod -R u+w "$store"
	nix_hash_path "$out"
}

pnpm_hash() {
	local key
	key=pnpm-$( (
		echo "$PNPM_VERSION $SELF_SUM"
		cat "$ROOT"/nix/scripts/zstd-cli/{go.mod,go.sum,main.go}
		tar --version | head -n1
		web_files | (cd "$ROOT" && xargs -0 sha256sum) | grep -E ' web/(package\.json|pnpm-lock\.yaml|pnpm-workspace\.yaml|\.npmrc)$'
	) | sha256sum | cut -c1-32)
	memo "$key" compute_pnpm_hash
}

# --- BAML runtime tarballs ----------------------------------------------------
# The flake fetches https://registry.npmjs.org/<name>/-/<base>-<version>.tgz
# with the lock's integrity; the registry's bytes must match it.
check_baml() {
	local lock="$ROOT/eval/package-lock.json" name version integrity base file url actual
	for name in @boundaryml/baml @boundaryml/baml-linux-x64-gnu @boundaryml/baml-linux-arm64-gnu; do
		version=$(jq -er --arg n "node_modules/$name" '.packages[$n].version' "$lock") ||
			die "$name missing from eval/package-lock.json"
		integrity=$(jq -er --arg n "node_modules/$name" '.packages[$n].integrity' "$lock")
		base=${name##*/}
		file="$CACHE/npm/$base-$version.tgz"
		if [ ! -s "$file" ] || [ "sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)" != "$integrity" ]; then
			mkdir -p "$CACHE/npm"
			url="https://registry.npmjs.org/$name/-/$base-$version.tgz"
			curl -fsSL --retry 2 -o "$file.tmp" "$url" || die "cannot download $url"
			mv "$file.tmp" "$file"
		fi
		actual="sha512-$(openssl dgst -sha512 -binary "$file" | base64 -w0)"
		[ "$actual" = "$integrity" ] || die "$name $version: registry bytes are $actual, eval/package-lock.json says $integrity"
		say "ok: $name $version matches the lock's integrity"
	done
}

check_baml
vendor=$(vendor_hash)
pnpm=$(pnpm_hash)
want=$(jq -n --arg v "$vendor" --arg p "$pnpm" --arg pv "$PNPM_VERSION" '{
  "_comment": "Generated by `make nix-hashes` (nix/scripts/hashes.sh); never edit by hand.",
  api: {vendorHash: $v},
  web: {pnpmDepsHash: $p, pnpm: $pv, fetcherVersion: 3}
}')

if [ "$mode" = write ]; then
	printf '%s\n' "$want" >"$HASHES"
	say "wrote nix/hashes.json (vendorHash $vendor, pnpmDepsHash $pnpm with pnpm $PNPM_VERSION)"
	exit 0
fi

[ -f "$HASHES" ] || die "nix/hashes.json is missing: run make nix-hashes"
if ! diff <(jq -S . "$HASHES") <(jq -S . <<<"$want") >&2; then
	die "nix/hashes.json is stale (api/go.mod, api/go.sum, eval/go.mod or the web lock changed): run make nix-hashes"
fi
say "ok: vendorHash $vendor and pnpmDepsHash $pnpm (pnpm $PNPM_VERSION) are current"
