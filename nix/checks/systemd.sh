#!/usr/bin/env bash
# Check 5: the hardened service.
#  a) The [Service] settings of nix/service-settings.nix (the very attribute
#     set the NixOS module uses), rendered the way NixOS renders
#     serviceConfig, score <= 1.5 in `systemd-analyze security --offline=true`.
#  b) The server and its BAML runtime start, answer health and a generation
#     call under the same constraints, emulated without systemd as PID 1: an
#     unprivileged uid (setpriv), no capabilities, no_new_privs, read-only
#     root (private mount namespace) with only state and cache dirs writable,
#     a private /tmp, proc with hidepid=invisible and subset=pid,
#     MemoryDenyWriteExecute (prctl PR_SET_MDWE), no HOME, a clean
#     environment. Needs root (CI runs as root); fails otherwise.
set -euo pipefail
CHECK_NAME=nix-systemd
. "$(dirname "$0")/lib.sh"
MAX_EXPOSURE=1.5

tmp=$(new_tmp)

# --- a) exposure score ---------------------------------------------------------
nix-instantiate --eval --strict --json -E "import $ROOT/nix/service-settings.nix {
  name = \"rekan\";
  execStartPre = [ \"/nix/store/00000000000000000000000000000000-rekan-api/bin/api migrate up --dir=/var/lib/rekan\" ];
  execStart = \"/nix/store/00000000000000000000000000000000-rekan-api/bin/api serve --http=127.0.0.1:8090 --dir=/var/lib/rekan\";
  environmentFiles = [ \"/run/secrets/rekan.env\" ];
}" >"$tmp/service.json"
{
	printf '[Unit]\nDescription=Rekan (rekan)\nWants=network-online.target\nAfter=network-online.target\n\n[Service]\n'
	printf 'Environment="REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For"\n'
	# NixOS: booleans become true/false, lists repeat the key.
	jq -r 'to_entries[] | .key as $k | (if (.value | type) == "array" then .value[] else .value end)
	  | "\($k)=\(if type == "boolean" then (if . then "true" else "false" end) else tostring end)"' "$tmp/service.json"
	printf '\n[Install]\nWantedBy=multi-user.target\n'
} >"$tmp/rekan.service"

# The report is stdout; systemd-analyze's own complaints go to stderr, shown.
report=$(systemd-analyze security --offline=true --no-pager "$tmp/rekan.service" 2>"$tmp/analyze.stderr") ||
	die "systemd-analyze failed: $report $(cat "$tmp/analyze.stderr")"
show_warnings "$tmp/analyze.stderr"
score=$(sed -n 's/.*Overall exposure level for rekan.service: \([0-9.]*\).*/\1/p' <<<"$report")
[ -n "$score" ] || die "no exposure level in: $report"
awk -v s="$score" -v m="$MAX_EXPOSURE" 'BEGIN { exit !(s <= m) }' ||
	die "exposure $score > $MAX_EXPOSURE; weakest settings:
$(grep -E '^✗' <<<"$report" | head -n 15)"
say "ok: exposure of the rendered unit is $score (<= $MAX_EXPOSURE) with $(systemd-analyze --version | head -n1)"

# --- b) emulated constraints ----------------------------------------------------------
# A check that cannot run fails: without root there are no mount namespaces
# or setpriv, so the confined run cannot happen.
[ "$(id -u)" -eq 0 ] || die "the emulated-constraints run needs root (mount namespaces, setpriv); run as root or inside a VM test"
need_stack
for cmd in unshare setpriv python3; do command -v $cmd >/dev/null || die "$cmd is missing"; done

# Everything the confined run touches lives in one world-traversable
# directory outside /tmp (the private /tmp hides the real one, and the
# checkout itself may be under /tmp or a private home): read-only copies of
# the server and the BAML runtime, as the Nix store would hold them, and
# state and cache owned by the unprivileged uid like systemd's
# StateDirectory/CacheDirectory.
work=$(mktemp -d /var/tmp/rekan-emulated.XXXXXX)
TMPDIRS+=("$work")
mkdir -p "$work/state" "$work/cache" "$work/bin" "$work/lib/node_modules"
cp "$ROOT/bin/api" "$work/bin/api"
cp -R "$ROOT/eval/node_modules/@boundaryml" "$work/lib/node_modules/"
baml=$(write_baml_wrapper "$work/bin" "$work/lib/node_modules/@boundaryml/baml")
chown 65534:65534 "$work/state" "$work/cache"
chmod 700 "$work/state" "$work/cache"
chmod -R a+rX,go-w "$work/bin" "$work/lib"
chmod 755 "$work"
start_stack
mapfile -t fake_env < <(stack_fake_env)
port=$(free_port)
email="ana.$RANDOM@example.com"
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')

# confined CMD...: runs CMD the way the unit would, as uid 65534 with the
# unit's environment (plus the fake LLM settings the test needs).
confined() {
	unshare --mount --propagation private -- bash -euc '
		state=$1 cache=$2
		shift 2
		# ProtectSystem=strict, ProtectHome: everything read-only...
		findmnt -rn -o TARGET | sort -u | while read -r m; do
			case $m in /proc* | /sys* | /dev*) continue ;; esac
			mount -o remount,bind,ro "$m" 2>/dev/null || true
		done
		# ...except StateDirectory and CacheDirectory.
		for d in "$state" "$cache"; do mount --bind "$d" "$d"; mount -o remount,bind,rw "$d"; done
		mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp # PrivateTmp
		mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm # PrivateIPC
		mount -t proc -o subset=pid,hidepid=invisible proc /proc # ProtectProc, ProcSubset
		cd "$state" # WorkingDirectory
		exec setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs \
			--inh-caps=-all --bounding-set=-all -- "$@"
	' confined "$work/state" "$work/cache" env -i \
		PATH=/usr/bin:/bin \
		REKAN_BAML_CLI="$baml" \
		REKAN_TRUSTED_PROXY_HEADERS=X-Forwarded-For \
		"${fake_env[@]}" \
		python3 -c '
import ctypes, os, sys
# MemoryDenyWriteExecute: PR_SET_MDWE (65), PR_MDWE_REFUSE_EXEC_GAIN (1).
if ctypes.CDLL(None, use_errno=True).prctl(65, 1, 0, 0, 0) != 0:
    sys.exit("prctl(PR_SET_MDWE) failed: errno %d" % ctypes.get_errno())
os.execv(sys.argv[1], sys.argv[1:])
' "$@"
}

# ExecStartPre (migrate up on the empty state dir), the admin command path
# (operator add), then the service itself.
confined "$work/bin/api" migrate up --dir="$work/state" >"$tmp/migrate.log" 2>&1 ||
	die "migrate up under the constraints failed: $(cat "$tmp/migrate.log")"
grep -q '^Applied ' "$tmp/migrate.log" || die "migrate up applied nothing on an empty state dir: $(cat "$tmp/migrate.log")"
confined "$work/bin/api" operator add "$email" "$password" --dir="$work/state" >"$tmp/admin.log" 2>&1 ||
	die "operator add under the constraints failed: $(cat "$tmp/admin.log")"
confined "$work/bin/api" serve --http=127.0.0.1:$port --dir="$work/state" >"$tmp/api.log" 2>&1 &
PIDS+=($!)

base=http://127.0.0.1:$port
healthy=""
for _ in $(seq 300); do
	if health=$(curl -fsS "$base/api/rekan/health" 2>/dev/null) &&
		jq -e '.status == "ok" and .baml_runtime == "ok"' <<<"$health" >/dev/null; then
		healthy=1
		break
	fi
	sleep 0.3
done
[ -n "$healthy" ] || die "no healthy server under the constraints: ${health:-no answer}
$(tail -n 30 "$tmp/api.log")"
say "ok: health under the constraints: $health"

# With the server up, the admin command goes through its socket (PEP 013).
confined "$work/bin/api" operator list --dir="$work/state" >"$tmp/admin.log" 2>&1 ||
	die "operator list through the server under the constraints failed: $(cat "$tmp/admin.log")"
grep -qx "$email" "$tmp/admin.log" || die "operator list through the server: $(cat "$tmp/admin.log")"
say "ok: admin command through the running server under the constraints"

post=$( (generate_through "$base" "$email" "$password") ) ||
	die "generation under the constraints failed
$(tail -n 30 "$tmp/api.log")"
say "ok: generation under the constraints: $(jq -c '{status, role, caption: (.caption[0:60])}' <<<"$post")"

# The BAML child really ran confined: same uid, jitless, MDWE inherited.
child=$(pgrep -f -u 65534 -- '--jitless .*cli.js' | head -n1 || true)
[ -n "$child" ] || die "no BAML runtime child running as uid 65534 with --jitless"
grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$child/status" || die "BAML child lacks no_new_privs"
grep -q '^CapEff:[[:space:]]*0*$' "/proc/$child/status" || die "BAML child has capabilities"
[ "$(stat -c %u "$work/state/data.db")" = 65534 ] || die "state/data.db is not owned by the service uid"
say "ok: server and BAML runtime ran confined (uid 65534, no_new_privs, MDWE, read-only root)"
