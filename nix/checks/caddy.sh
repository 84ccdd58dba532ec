#!/usr/bin/env bash
# Check 4: the Caddy site block the NixOS module generates
# (nix/caddy-site.nix, evaluated with nix-instantiate) is validated and run
# by the Caddy version of the pinned nixpkgs (built from its Go module, see
# nix/checks/versions.txt) in front of the real server (bin/api with its
# BAML runtime), the real web build and the fake LLM, all started by bin/stack. Then an HTTP probe
# suite and the web app's Playwright journey run through it.
#
# Two sites are served from the same block. The server allows superusers
# only from 127.0.0.2 (REKAN_ADMIN_ALLOWED_IPS); curl connects from
# 127.0.0.2 (--interface) as the admin and from 127.0.0.1 as everyone else.
# "inside" repeats the restriction in Caddy (adminAllowedIPs = 127.0.0.2);
# "outside" has no Caddy guard at all (adminAllowedIPs = null), so what it
# refuses, the server refuses by itself.
set -euo pipefail
CHECK_NAME=nix-caddy
. "$(dirname "$0")/lib.sh"

need_stack
webroot=$ROOT/web/build
[ -f "$webroot/200.html" ] || die "web/build/200.html is missing (make build-web)"
caddy=$(caddy_bin)
[ "$("$caddy" version | cut -d' ' -f1)" = "$CADDY_VERSION" ] || die "caddy is not $CADDY_VERSION"

tmp=$(new_tmp)
mkdir -p "$tmp/home"
baml=$(write_baml_wrapper "$tmp")
admin_ip=127.0.0.2

# The module's site block, with the server written as @UPSTREAM@ (bin/stack
# fills in the server it starts): "inside" with the Caddy guard, "outside"
# without.
site() {
	nix-instantiate --eval --strict --json -E "import $ROOT/nix/caddy-site.nix {
	  upstream = \"@UPSTREAM@\";
	  webRoot = \"$webroot\";
	  adminAllowedIPs = $1;
	}" 2>/dev/null | jq -r .
}
site "[ \"$admin_ip/32\" ]" >"$tmp/inside.caddy"
site null >"$tmp/outside.caddy"

# The stack (eval/cmd/stack): the fake LLM, the server with its BAML runtime
# (the wrapper the Nix package has) and the same instance settings as the
# Playwright setup, fresh operators (two for the journey, which expects
# empty accounts, one for the probes) and a superuser, and Caddy (validated
# first) with both sites. It returns once all of them answer.
start_stack -api "$ROOT/bin/api" -baml-cli "$baml" -web "$webroot" -log "$tmp/api.log" \
	-env HOME="$tmp/home" -env REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For -env REKAN_ADMIN_ALLOWED_IPS=$admin_ip/32 \
	-env REKAN_APP_NAME=Rekan -env REKAN_CONTACT_PHONE=5511987654321 \
	-operator ana -operator bruno -operator probe -superuser root \
	-caddy "$caddy" -site "$tmp/inside.caddy" -site "$tmp/outside.caddy"
info() { jq -er "$1" "$STACK_JSON"; }
base=$(info '.sites[0]')
outside_base=$(info '.sites[1]')
direct=$(info '.server_url')
caddy_log=$(info '.dir')/caddy/caddy.log
probe_email=$(info '.operators[2].email')
probe_password=$(info '.operators[2].password')
su_email=$(info '.superuser.email')
su_password=$(info '.superuser.password')

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
approval_page=$(headers "$base/aprovar")
probe "approval page sends no Referer" has "$approval_page" "referrer-policy: no-referrer"
probe "approval page is not indexed" has "$approval_page" "x-robots-tag: noindex"
probe "approval page CSP" has "$approval_page" "content-security-policy: default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'"
for alias in /aprovar/ /aprovar.html; do
	probe "approval page at $alias sends no Referer" has "$(headers "$base$alias")" "referrer-policy: no-referrer"
done
probe "approval API sends no Referer" has "$(headers "$base/api/rekan/approval")" "referrer-policy: no-referrer"

# The server behind it.
probe "/api/rekan/health through Caddy" bash -c "curl -fsS '$base/api/rekan/health' | jq -e '.status == \"ok\" and .baml_runtime == \"ok\" and .llm_configured == true'"
probe "/api/rekan/config through Caddy" bash -c "curl -fsS '$base/api/rekan/config' | jq -e '.app_name == \"Rekan\" and .contact_phone == \"5511987654321\"'"
probe "unknown API route is the server's JSON 404, not the SPA" bash -c "curl -s '$base/api/nope' | jq -e '.status == 404'"
probe "POST login and generation through Caddy" in_subshell generate_through "$base" "$probe_email" "$probe_password"
probe "failed POST keeps PocketBase's error shape" bash -c "curl -s -X POST -H 'Content-Type: application/json' --data '{\"identity\":\"x@example.com\",\"password\":\"wrong\"}' '$base/api/collections/users/auth-with-password' | jq -e '.status == 400 and (.message | length) > 0'"

probe "unknown API route in another letter case is a JSON 404" bash -c "curl -s '$base/API/unknown' | jq -e '.status == 404'"
probe "/_app/ is a 404, not the SPA" is "$(status "$base/_app/")" 404
# Reserved prefixes hold in any letter case (Caddy's path matchers ignore it).
probe "/_APP/x is a 404, not the SPA" is "$(status "$base/_APP/x")" 404
probe "/_App/ is a 404, not the SPA" is "$(status "$base/_App/")" 404
probe "/Api/unknown is the server's JSON 404" bash -c "curl -s '$base/Api/unknown' | jq -e '.status == 404'"
probe "no CORS grant for another origin" lacks "$(headers -H 'Origin: https://evil.example' "$base/api/rekan/config")" "access-control-allow-origin"

# Admin access. The admin (127.0.0.2) gets in through Caddy and directly.
admin() { curl --interface $admin_ip "$@"; }
login_body=$(jq -nc --arg i "$su_email" --arg p "$su_password" '{identity: $i, password: $p}')
su_token=$(admin -fsS -X POST -H 'Content-Type: application/json' --data "$login_body" "$base/api/collections/_superusers/auth-with-password" | jq -er .token) ||
	die "the superuser cannot log in from $admin_ip through Caddy"
su_id=$(admin -fsS -G -H "Authorization: $su_token" --data-urlencode "filter=name='_superusers'" "$base/api/collections" | jq -er '.items[0].id')
probe "superusers collection id is pbc_…" has "$su_id" "pbc_"
probe "/_/ proxied for the admin address" bash -c "curl --interface $admin_ip -fsS '$base/_/' | grep -qi '<html'"
probe "/_ redirects to /_/" is "$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' "$base/_")" "308 $base/_/"
probe "superuser login by id for the admin address, directly" is "$(admin -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data "$login_body" "$direct/api/collections/$su_id/auth-with-password")" 200
probe "settings with the token for the admin address, through Caddy" is "$(admin -s -o /dev/null -w '%{http_code}' -H "Authorization: $su_token" "$base/api/settings")" 200

# Everyone else (127.0.0.1) gets 403: from Caddy's guard on "inside", from
# the server itself on "outside" (no guard in Caddy) and directly.
probe "Caddy's guard: /_/ on inside" is "$(status "$base/_/")" 403
probe "Caddy's guard in another letter case: /API/collections/_SUPERUSERS/ on inside" is "$(status "$base/API/collections/_SUPERUSERS/auth-methods")" 403
admin_probes=(
	"superuser login by name|-X POST -H Content-Type:application/json --data $login_body|/api/collections/_superusers/auth-with-password"
	"superuser login by id|-X POST -H Content-Type:application/json --data $login_body|/api/collections/$su_id/auth-with-password"
	"superuser token: settings|-H Authorization:$su_token|/api/settings"
	"superuser token: backups|-H Authorization:$su_token|/api/backups"
	"admin UI||/_/"
	# Caddy replaces a client's X-Forwarded-For. (Directly, this server trusts
	# the header, as it must behind Caddy: only host processes reach its
	# loopback port. The Go tests cover a forged header with none trusted.)
	"superuser login by id, forged X-Forwarded-For|-X POST -H Content-Type:application/json -H X-Forwarded-For:$admin_ip --data $login_body|/api/collections/$su_id/auth-with-password|caddy"
)
for entry in "${admin_probes[@]}"; do
	IFS='|' read -r name args path only <<<"$entry"
	targets=("through Caddy (no Caddy guard)|$outside_base")
	[ "$only" = caddy ] || targets+=("directly|$direct")
	for target in "${targets[@]}"; do
		# shellcheck disable=SC2086 # args are single words on purpose
		got=$(curl -s -o "$tmp/admin.out" -w '%{http_code}' $args "${target#*|}$path")
		probe "$name from 127.0.0.1, ${target%%|*}: $got" is "$got" 403
		probe "$name from 127.0.0.1, ${target%%|*}: no token" lacks "$(cat "$tmp/admin.out")" '"token"'
	done
done
probe "operator API still open to other addresses" is "$(status "$outside_base/api/rekan/health")" 200

[ $failures -eq 0 ] || {
	echo "--- caddy.log" >&2
	tail -n 20 "$caddy_log" >&2
	echo "--- api.log" >&2
	tail -n 30 "$tmp/api.log" >&2
	die "$failures probe(s) failed"
}

# The web app's journey, once, through this Caddy (web/playwright.config.ts:
# REKAN_E2E_BASE_URL and REKAN_E2E_STACK_JSON select an external stack). Tests tagged
# @local-stack need servers only the local setup starts: deselected here.
[ -d "$ROOT/web/node_modules/@playwright/test" ] || die "web/node_modules is missing (make deps-web)"
# Caddy replaces X-Forwarded-For, so every spec reaches the server as one client
# (127.0.0.1) and the suite's generations outrun the per-address limit of 10 a
# minute that one operator never meets (it failed so, with "Muitas tentativas").
# The limits themselves are held by the Go tests and the local e2e servers, where
# specs are clients of their own: here they are raised a hundredfold, in the
# running server only (the settings are rewritten at its next start).
limits=$(admin -fsS -H "Authorization: $su_token" "$base/api/settings" |
	jq -ec '{rateLimits: (.rateLimits | .rules |= map(.maxRequests *= 100))}') ||
	die "cannot read the rate limits as the superuser"
admin -fsS -o /dev/null -X PATCH -H "Authorization: $su_token" -H 'Content-Type: application/json' \
	--data "$limits" "$base/api/settings" || die "cannot raise the rate limits for the journey"
(cd "$ROOT/web" && REKAN_E2E_BASE_URL=$base REKAN_E2E_STACK_JSON=$STACK_JSON REKAN_ROOT=$ROOT \
	REKAN_SCREENSHOTS_DIR=$ROOT/artifacts/screenshots-caddy \
	pnpm exec playwright test --grep-invert @local-stack --output="$ROOT/artifacts/playwright-caddy") ||
	die "the Playwright journey failed through Caddy"
say "ok: caddy $CADDY_VERSION ran the generated site block; all probes passed"
