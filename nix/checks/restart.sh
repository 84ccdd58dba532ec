#!/usr/bin/env bash
# Check 7: a restart fails no request. The Caddy site block the module
# generates (nix/caddy-site.nix) runs in the pinned Caddy in front of the real
# server, its BAML runtime and bin/fakellm; bench/restart keeps read clients
# going through it, SIGTERMs the server while generations wait on a slow LLM,
# waits the unit's RestartSec (read from nix/service-settings.nix) and starts
# it again, like systemd's Restart=always. It fails unless no request failed,
# every generation in flight completed and a new one got the 503 "reiniciando".
#
# Extra arguments go to bench/restart (make bench-restart passes none and
# reads the figures; this check prints the same ones).
set -euo pipefail
CHECK_NAME=nix-restart
. "$(dirname "$0")/lib.sh"

need_stack
caddy=$(caddy_bin)
[ "$("$caddy" version | cut -d' ' -f1)" = "$CADDY_VERSION" ] || die "caddy is not $CADDY_VERSION"

tmp=$(new_tmp)
baml=$(write_baml_wrapper "$tmp")
nix-instantiate --eval --strict --json -E "import $ROOT/nix/caddy-site.nix {
  upstream = \"@UPSTREAM@\";
  webRoot = \"$ROOT/web/build\";
}" 2>"$tmp/nix.err" | jq -r . >"$tmp/site.caddy" || die "nix/caddy-site.nix does not evaluate: $(cat "$tmp/nix.err")"
restart_sec=$(nix-instantiate --eval --strict --json -E "(import $ROOT/nix/service-settings.nix {
  name = \"rekan\";
  execStart = \"api\";
}).RestartSec" 2>"$tmp/nix.err" | jq -r .) || die "nix/service-settings.nix does not evaluate: $(cat "$tmp/nix.err")"
case $restart_sec in
*s) ;;
*) die "RestartSec=$restart_sec: expected seconds such as 1s" ;;
esac

(cd "$ROOT/bench/restart" && go build -o "$tmp/bench-restart" .) || die "bench/restart does not build"
REKAN_BAML_CLI=$baml "$tmp/bench-restart" -check -api "$ROOT/bin/api" -fakellm "$ROOT/bin/fakellm" \
	-caddy "$caddy" -site "$tmp/site.caddy" -restart-sec "$restart_sec" "$@" ||
	die "requests failed or generations were lost across a restart behind Caddy"
say "ok: caddy $CADDY_VERSION held every request across the restarts; generations in flight completed"
