#!/usr/bin/env bash
# Check 4: the Caddy site block the NixOS module generates
# (nix/caddy-site.nix, evaluated with nix-instantiate) is validated and run
# by the Caddy version of the pinned nixpkgs (built from its Go module, see
# nix/checks/versions.txt) in front of the real server (bin/api with its
# BAML runtime), the real web build and bin/fakellm. Then an HTTP probe
# suite and the web app's Playwright journey run through it.
#
# Two sites are served from the same block: "inside" allows the admin UI to
# 127.0.0.1 (where curl comes from), "outside" allows only 192.0.2.1, so the
# admin restriction is seen from both sides.
set -euo pipefail
CHECK_NAME=nix-caddy
. "$(dirname "$0")/lib.sh"

need_stack
webroot=$ROOT/web/build
[ -f "$webroot/200.html" ] || die "web/build/200.html is missing (make build-web)"
caddy=$(caddy_bin)
[ "$("$caddy" version | cut -d' ' -f1)" = "$CADDY_VERSION" ] || die "caddy is not $CADDY_VERSION"

tmp=$(new_tmp)
mkdir -p "$tmp/home" "$tmp/data" "$tmp/run"
baml=$(write_baml_wrapper "$tmp")
start_fakellm
fake=$FAKELLM_URL

# The journey expects the same instance settings as web/e2e/global-setup.ts.
# Operators created with the server's CLI: two fresh ones for the journey
# (it expects empty accounts), one for the probes.
ops=()
for name in ana bruno probe; do
	email="$name.$RANDOM@example.com"
	password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
	"$ROOT/bin/api" operator add "$email" "$password" --dir="$tmp/data" >/dev/null
	ops+=("$email:$password")
done

api_port=$(free_port)
(cd "$tmp/run" && exec env -i PATH=/usr/bin:/bin HOME="$tmp/home" \
	REKAN_LLM_BASE_URL="$fake/v1" REKAN_LLM_API_KEY=fake REKAN_WRITER_MODEL=fake-writer \
	REKAN_BAML_CLI="$baml" REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For \
	REKAN_APP_NAME=Rekan REKAN_CONTACT_PHONE=5511987654321 \
	"$ROOT/bin/api" serve --http=127.0.0.1:$api_port --dir="$tmp/data") >"$tmp/api.log" 2>&1 &
PIDS+=($!)

site() {
	nix-instantiate --eval --strict --json -E "import $ROOT/nix/caddy-site.nix {
	  upstream = \"127.0.0.1:$api_port\";
	  webRoot = \"$webroot\";
	  adminAllowedIPs = [ \"$1\" ];
	}" | jq -r .
}
inside=$(free_port)
outside=$(free_port)
cat >"$tmp/Caddyfile" <<EOF
{
	admin off
	auto_https off
	persist_config off
}
http://127.0.0.1:$inside {
	bind 127.0.0.1
$(site 127.0.0.1/32)
}
http://127.0.0.1:$outside {
	bind 127.0.0.1
$(site 192.0.2.1/32)
}
EOF
export HOME=$tmp/home XDG_CONFIG_HOME=$tmp/home XDG_DATA_HOME=$tmp/home
"$caddy" validate --adapter caddyfile --config "$tmp/Caddyfile" >"$tmp/validate.log" 2>&1 ||
	die "caddy $CADDY_VERSION rejects the site block: $(cat "$tmp/validate.log")"
"$caddy" run --adapter caddyfile --config "$tmp/Caddyfile" >"$tmp/caddy.log" 2>&1 &
PIDS+=($!)

base=http://127.0.0.1:$inside
wait_http "$base/" 20 || die "caddy did not start: $(cat "$tmp/caddy.log")"
for _ in $(seq 300); do
	curl -fsS "$base/api/rekan/health" >/dev/null 2>&1 && break
	sleep 0.3
done

failures=0
probe() { # probe NAME COMMAND...
	if "${@:2}" >"$tmp/probe.out" 2>&1; then
		say "ok   $1"
	else
		say "FAIL $1: $(head -c 600 "$tmp/probe.out")"
		failures=$((failures + 1))
	fi
}
in_subshell() { ("$@"); }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
headers() { curl -s -o /dev/null -D - "$@" | tr -d '\r' | tr 'A-Z' 'a-z'; }
is() { [ "$1" = "$2" ] || { echo "got '$1', want '$2'"; return 1; }; }
has() { grep -qF -- "$2" <<<"$1" || { echo "'$2' missing in: $1"; return 1; }; }
lacks() { ! grep -qF -- "$2" <<<"$1" || { echo "'$2' present in: $1"; return 1; }; }
same_body() { cmp <(curl -fsS "$1") "$2"; }

asset=$(cd "$webroot" && find _app/immutable -name '*.js' -size +2k | sort | head -n1)
[ -n "$asset" ] || die "no JS asset of more than 2 KiB under web/build/_app/immutable"

# Static site.
probe "/ is index.html" same_body "$base/" "$webroot/index.html"
probe "/termos is termos.html" same_body "$base/termos" "$webroot/termos.html"
probe "deep /app link falls back to 200.html" same_body "$base/app/negocios/abc123/posts" "$webroot/200.html"
probe "/robots.txt" same_body "$base/robots.txt" "$webroot/robots.txt"
probe "robots.txt is text/plain" has "$(headers "$base/robots.txt")" "content-type: text/plain"
html=$(headers "$base/")
probe "HTML is no-cache" has "$html" "cache-control: no-cache"
probe "fallback HTML is no-cache" has "$(headers "$base/app/x")" "cache-control: no-cache"
probe "CSP on HTML" has "$html" "content-security-policy: default-src 'self'; script-src 'self' 'unsafe-inline'"
probe "HSTS" has "$html" "strict-transport-security: max-age=31536000"
probe "nosniff" has "$html" "x-content-type-options: nosniff"
probe "frame denial" has "$html" "x-frame-options: deny"
probe "referrer policy" has "$html" "referrer-policy: strict-origin-when-cross-origin"
probe "no Server header" lacks "$html" "server:"
imm=$(headers -H 'Accept-Encoding: zstd' "$base/$asset")
probe "immutable assets cached for a year" has "$imm" "cache-control: public, max-age=31536000, immutable"
probe "assets are not no-cache" lacks "$imm" "no-cache"
probe "zstd compression" has "$imm" "content-encoding: zstd"
probe "gzip compression" has "$(headers -H 'Accept-Encoding: gzip' "$base/$asset")" "content-encoding: gzip"
probe "gzip body decodes to the file" cmp <(curl -fsS -H 'Accept-Encoding: gzip' "$base/$asset" | gzip -d) "$webroot/$asset"
probe "security headers on API responses too" has "$(headers "$base/api/rekan/config")" "x-content-type-options: nosniff"

# The server behind it.
probe "/api/rekan/health through Caddy" bash -c "curl -fsS '$base/api/rekan/health' | jq -e '.status == \"ok\" and .baml_runtime == \"ok\" and .llm_configured == true'"
probe "/api/rekan/config through Caddy" bash -c "curl -fsS '$base/api/rekan/config' | jq -e '.app_name == \"Rekan\" and .contact_phone == \"5511987654321\"'"
probe "unknown API route is the server's JSON 404, not the SPA" bash -c "curl -s '$base/api/nope' | jq -e '.status == 404'"
probe "POST login and generation through Caddy" in_subshell generate_through "$base" "${ops[2]%%:*}" "${ops[2]#*:}"
probe "failed POST keeps PocketBase's error shape" bash -c "curl -s -X POST -H 'Content-Type: application/json' --data '{\"identity\":\"x@example.com\",\"password\":\"wrong\"}' '$base/api/collections/users/auth-with-password' | jq -e '.status == 400 and (.message | length) > 0'"

# Admin UI restriction.
probe "/_/ proxied for an allowed address" bash -c "curl -fsS '$base/_/' | grep -qi '<html'"
probe "/_ redirects to /_/" is "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$base/_")" "308 $base/_/"
probe "/_/ forbidden for other addresses" is "$(status "http://127.0.0.1:$outside/_/")" 403
probe "superuser login forbidden for other addresses" is "$(status -X POST "http://127.0.0.1:$outside/api/collections/_superusers/auth-with-password")" 403
probe "superuser login proxied for an allowed address" is "$(status -X POST -H 'Content-Type: application/json' --data '{}' "$base/api/collections/_superusers/auth-with-password")" 400
probe "operator API still open to other addresses" is "$(status "http://127.0.0.1:$outside/api/rekan/health")" 200

[ $failures -eq 0 ] || {
	echo "--- caddy.log" >&2
	tail -n 20 "$tmp/caddy.log" >&2
	echo "--- api.log" >&2
	tail -n 30 "$tmp/api.log" >&2
	die "$failures probe(s) failed"
}

# The web app's journey, once, through this Caddy (web/playwright.config.ts:
# REKAN_E2E_BASE_URL and friends select an external stack). Tests tagged
# @local-stack need servers only the local setup starts: deselected here.
[ -d "$ROOT/web/node_modules/@playwright/test" ] || die "web/node_modules is missing (make deps-web)"
(cd "$ROOT/web" && REKAN_E2E_BASE_URL=$base REKAN_E2E_FAKELLM_URL=$fake \
	REKAN_E2E_OPERATORS="${ops[0]} ${ops[1]}" REKAN_ROOT=$ROOT \
	REKAN_SCREENSHOTS_DIR=$ROOT/artifacts/screenshots-caddy \
	pnpm exec playwright test --grep-invert @local-stack --output="$ROOT/artifacts/playwright-caddy") ||
	die "the Playwright journey failed through Caddy"
say "ok: caddy $CADDY_VERSION ran the generated site block; all probes passed"
