# fakellm_start: the one bash way to start bin/fakellm (sourced, not executed;
# nix/checks/lib.sh and eval/scripts/baml-test use it). The Go helper is
# fakellm.StartProcess (eval/fakellm/process.go), the TypeScript one
# startFakeLLM (web/tests/e2e/fakellm.ts).
# shellcheck shell=bash

# fakellm_start BINARY DIR [FLAG…]: starts BINARY on a free loopback port
# with -port-file DIR/fakellm.url (written once it accepts connections) and
# its output in DIR/fakellm.log, waits up to 15 s for the file, and sets
# FAKELLM_PID and FAKELLM_URL (http://127.0.0.1:PORT, no /v1). On failure it
# prints the log, stops the process and returns 1. Not meant for $(…): the
# caller must keep FAKELLM_PID to stop fakellm.
fakellm_start() {
	local bin=$1 dir=$2 urlfile=$2/fakellm.url log=$2/fakellm.log
	shift 2
	FAKELLM_PID= FAKELLM_URL=
	"$bin" -port-file "$urlfile" "$@" >"$log" 2>&1 &
	FAKELLM_PID=$!
	for _ in $(seq 150); do
		if [ -s "$urlfile" ]; then
			FAKELLM_URL=$(cat "$urlfile")
			return 0
		fi
		kill -0 "$FAKELLM_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "fakellm did not start:" >&2
	cat "$log" >&2
	kill "$FAKELLM_PID" 2>/dev/null || true
	wait "$FAKELLM_PID" 2>/dev/null || true
	return 1
}
