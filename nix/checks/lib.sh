# Shared helpers for the nix/checks scripts (sourced, not executed).
# shellcheck shell=bash

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
# Outside the checkout, so every clone on a machine (CI clones afresh) shares
# the slow-to-build pieces (Caddy, the pnpm store).
CACHE=${REKAN_NIX_CACHE:-${XDG_CACHE_HOME:-${HOME:-$ROOT}/.cache}/rekan-nix-checks}
NIX=(nix --extra-experimental-features 'nix-command flakes')
# ../shared beside the checkout (CI lays it there); REKAN_SHARED_DIR overrides.
SHARED_DIR=${REKAN_SHARED_DIR:-$(cd "$ROOT/.." && pwd)/shared}
VERSIONS_FILE=$ROOT/nix/checks/versions.txt
mkdir -p "$CACHE"

# shellcheck source=../../scripts/stack.sh
. "$ROOT/scripts/stack.sh"

say() { printf '%s: %s\n' "${CHECK_NAME:-nix}" "$*"; }
die() { printf '%s: FAIL: %s\n' "${CHECK_NAME:-nix}" "$*" >&2; exit 1; }

# versions_value KEY: the value of KEY=… in nix/checks/versions.txt, the one
# place for the pin and the versions the checks reproduce.
versions_value() {
	local v
	v=$(sed -n "s/^$1=//p" "$VERSIONS_FILE")
	[ -n "$v" ] || die "nix/checks/versions.txt has no $1="
	printf '%s\n' "$v"
}

# show_warnings FILE: a tool's stderr is shown, never compared or parsed.
show_warnings() {
	[ -s "$1" ] || return 0
	sed "s/^/${CHECK_NAME:-nix}: (stderr) /" "$1" >&2
}

# Files of a subtree as the flake (and CI's clean clone) sees them: tracked
# files plus new files git does not ignore, minus deleted ones.
visible_files() {
	git -C "$ROOT" ls-files -z --cached --others --exclude-standard -- "$@" |
		while IFS= read -r -d '' f; do [ -e "$ROOT/$f" ] && printf '%s\0' "$f"; done
}

# Files a flake evaluation cannot see yet because git does not track them.
untracked_files() {
	git -C "$ROOT" ls-files --others --exclude-standard -- "$@"
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL [SECONDS]: until the URL answers at all (any status).
wait_http() {
	local url=$1 deadline=$((SECONDS + ${2:-30}))
	until curl -s -o /dev/null "$url"; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

# Processes started by a check, stopped (by pid) on exit.
PIDS=()
TMPDIRS=()
# A recorded pid may be a subshell running the real process (a backgrounded
# function), so its descendants are stopped too, deepest first.
kill_tree() {
	local child
	for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
	kill "$1" 2>/dev/null || true
}
cleanup() {
	local pid
	for pid in "${PIDS[@]}"; do kill_tree "$pid"; done
	for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
	[ ${#TMPDIRS[@]} -eq 0 ] || rm -rf "${TMPDIRS[@]}"
}
trap cleanup EXIT
# new_tmp prints a fresh directory under one per-check root that cleanup
# removes, so it works inside $(…) too (a subshell cannot record it).
CHECK_TMP=$(mktemp -d)
TMPDIRS+=("$CHECK_TMP")
new_tmp() { mktemp -d -p "$CHECK_TMP"; }

# --- goModules of nix/packages/api.nix (proxyVendor = true) -------------------

# go_mod_download SRC OUT: what goModules does in proxy mode
# (pkgs/build-support/go/module.nix), on a tree SRC holding at least api/go.mod:
# `go mod download` in modRoot api/ with a fresh GOPATH, GOTOOLCHAIN=local and
# nothing of the caller's Go environment; the output OUT is
# $GOPATH/pkg/mod/cache/download minus sumdb/. The modules come from the local
# module cache used as a file proxy, so this is offline once `make deps` has
# run: its files were fetched from proxy.golang.org, goModules' default
# GOPROXY, and Go writes the same .info/.mod/.zip bytes again (checked against
# a download from proxy.golang.org itself: docs/peps/011).
go_mod_download() {
	local src=$1 out=$2 gp
	gp=$(new_tmp)
	(cd "$src/api" && env -i PATH="$PATH" HOME="$gp" GOPATH="$gp/go" GOCACHE="$gp/cache" \
		GOPROXY="file://$(go env GOMODCACHE)/cache/download" GOSUMDB=off GOFLAGS=-modcacherw \
		GOWORK=off GOTOOLCHAIN=local GO111MODULE=on CGO_ENABLED=0 go mod download) >&2 ||
		die "go mod download failed in $src/api (is the module cache filled? make deps)"
	rm -rf "$gp/go/pkg/mod/cache/download/sumdb"
	cp -r "$gp/go/pkg/mod/cache/download" "$out"
	chmod -R u+w "$gp"
	rm -rf "$gp"
}

# copy_api_source DEST [PATH...]: the source of nix/packages/api.nix as the
# flake sees it (api/ and eval/, plus PATHs, minus what its fileset drops).
copy_api_source() {
	local dest=$1
	shift
	visible_files api eval "$@" | while IFS= read -r -d '' f; do
		case $f in
		api/vendor/* | api/go.work | eval/go.work | eval/node_modules/*) ;;
		*) printf '%s\0' "$f" ;;
		esac
	done | (cd "$ROOT" && xargs -0 cp --parents -t "$dest")
}

# go_modules_files: the files goModules sees (nix/packages/go-modules.nix).
go_modules_files() {
	nix-instantiate --eval --strict --json "$ROOT/nix/packages/go-modules.nix" -A files 2>/dev/null |
		jq -er '.[]' || die "nix/packages/go-modules.nix does not evaluate"
}

# api_go_modules: goModules' output for this checkout, built once per content
# of the files it sees and Go release (under $CACHE). Prints its path.
api_go_modules() {
	local files key dir src
	files=$(go_modules_files)
	# shellcheck disable=SC2086 # one relative path per word
	key=$({
		go version
		sha256sum "${BASH_SOURCE[0]}"
		cd "$ROOT" && sha256sum $files
	} | sha256sum | cut -c1-16)
	dir=$CACHE/go-modules/$key
	if [ ! -d "$dir" ]; then
		mkdir -p "$CACHE/go-modules"
		find "$CACHE/go-modules" -mindepth 1 -maxdepth 1 -mtime +30 -exec rm -rf {} +
		src=$(new_tmp)
		# shellcheck disable=SC2086
		(cd "$ROOT" && cp --parents $files "$src/")
		rm -rf "$dir.tmp"
		go_mod_download "$src" "$dir.tmp"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir"
}

# The Caddy of the pinned nixpkgs, built from its Go module with nixpkgs'
# build tags and version stamp, cached by version.
# REKAN_CADDY_VERSION runs the checks against another Caddy release (e.g. the
# one of current nixos-unstable, docs/peps/011); versions.txt names the pin's.
CADDY_VERSION=${REKAN_CADDY_VERSION:-$(versions_value caddy)}
caddy_bin() {
	local dir="$CACHE/caddy-$CADDY_VERSION"
	if [ ! -x "$dir/bin/caddy" ]; then
		say "building caddy $CADDY_VERSION (once; cached in $dir)" >&2
		GOFLAGS= GOBIN="$dir/bin" go install -trimpath \
			-tags nobadger,nomysql,nopgx \
			-ldflags "-s -w -X github.com/caddyserver/caddy/v2.CustomVersion=$CADDY_VERSION" \
			"github.com/caddyserver/caddy/v2/cmd/caddy@$CADDY_VERSION" >&2
	fi
	echo "$dir/bin/caddy"
}

# --- the real stack: bin/api, bin/fakellm, the BAML runtime ------------------

need_stack() {
	local f
	for f in "$ROOT/bin/api:make build-api" "$ROOT/bin/stack:make build-stack" "$ROOT/bin/fakellm:make build-fakellm" \
		"$ROOT/eval/node_modules/@boundaryml/baml/cli.js:make deps-eval"; do
		[ -e "${f%%:*}" ] || die "${f%%:*} is missing (${f#*:})"
	done
}

# A baml-cli equivalent to the Nix package's wrapper (nix/packages/
# baml-runtime.nix): node --jitless, BAML_LOG=warn by default, no
# RUST_BACKTRACE. Written to DIR/baml-cli.
write_baml_wrapper() {
	local node pkg=${2:-$ROOT/eval/node_modules/@boundaryml/baml}
	node=$(command -v node) || die "node is missing"
	cat >"$1/baml-cli" <<WRAPPER
#!/bin/sh
: "\${BAML_LOG:=warn}"
export BAML_LOG
unset RUST_BACKTRACE
exec $node --jitless $pkg/cli.js "\$@"
WRAPPER
	chmod 755 "$1/baml-cli"
	echo "$1/baml-cli"
}

# start_stack [FLAG…]: starts bin/stack with FLAGs (scripts/stack.sh; no
# -api: only the fake LLM), records its pid and sets STACK_JSON and
# FAKELLM_URL. Not meant for $(…): a subshell would lose the pid and leave
# the stack running after the check.
start_stack() {
	stack_start "$ROOT/bin/stack" "$(new_tmp)" "$@" || die "the stack did not start"
	PIDS+=("$STACK_PID")
}

# api_json METHOD URL [TOKEN] [BODY]: prints the body, fails on >= 400.
api_json() {
	local args=(-sS -f -X "$1" "$2" -H 'Content-Type: application/json')
	[ -z "${3:-}" ] || args+=(-H "Authorization: $3")
	[ -z "${4:-}" ] || args+=(--data "$4")
	curl "${args[@]}"
}

# generate_through BASE EMAIL PASSWORD: logs in, creates a business and
# generates one post through BASE; prints the post JSON.
generate_through() {
	local base=$1 email=$2 password=$3 auth token user business result
	auth=$(api_json POST "$base/api/collections/users/auth-with-password" "" \
		"$(jq -nc --arg i "$email" --arg p "$password" '{identity: $i, password: $p}')") ||
		die "login of $email through $base failed"
	token=$(jq -er .token <<<"$auth")
	user=$(jq -er .record.id <<<"$auth")
	business=$(api_json POST "$base/api/collections/businesses/records" "$token" \
		"$(jq -nc --arg o "$user" '{owner: $o, name: "Doces da Ana", segment: "confeitaria", city: "Campinas", state: "SP"}')" |
		jq -er .id) || die "creating a business through $base failed"
	result=$(curl -sS -X POST "$base/api/rekan/businesses/$business/posts:generate" \
		-H 'Content-Type: application/json' -H "Authorization: $token" \
		--data '{"brief":"fiz um bolo de casamento rosa e dourado","count":1}' -w '\n%{http_code}')
	[ "$(tail -n1 <<<"$result")" = 200 ] || die "generation through $base answered: $result"
	sed '$d' <<<"$result" | jq -e '.posts[0] | select(.status == "ready" and (.caption | length) > 0)' ||
		die "generation through $base returned no ready post: $result"
}
