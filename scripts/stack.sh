# stack_start: the one bash way to start the stack (sourced, not executed;
# nix/checks/lib.sh and eval/scripts/baml-test use it). It runs bin/stack
# (eval/cmd/stack, the command form of the Go package eval/stack that the
# Go tests and benchmarks use, and the Playwright setup runs too).
# shellcheck shell=bash

# stack_start BINARY DIR [FLAG…]: starts BINARY (bin/stack) with FLAGs, its
# JSON in DIR/stack.json and its output in DIR/stack.log, and waits for the
# JSON while the command runs: bin/stack bounds every wait itself and exits
# on failure, so there is no timeout here. Without -api only the fake LLM
# runs. Sets STACK_PID, STACK_JSON (the file) and FAKELLM_URL
# (http://127.0.0.1:PORT, no /v1; empty with -no-llm). On failure it prints
# the log and returns 1. Not meant for $(…): the caller must keep STACK_PID
# to stop the stack (SIGTERM stops its whole process tree).
stack_start() {
	local bin=$1 dir=$2
	shift 2
	STACK_PID= STACK_JSON=$dir/stack.json FAKELLM_URL=
	"$bin" -json "$STACK_JSON" "$@" >"$dir/stack.log" 2>&1 &
	STACK_PID=$!
	while [ ! -s "$STACK_JSON" ]; do
		if ! kill -0 "$STACK_PID" 2>/dev/null; then
			wait "$STACK_PID" 2>/dev/null || true
			echo "the stack did not start:" >&2
			cat "$dir/stack.log" >&2
			return 1
		fi
		sleep 0.1
	done
	FAKELLM_URL=$(stack_value fake_url)
}

# stack_value KEY: a top-level string of the JSON of the last stack_start.
stack_value() {
	sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "$STACK_JSON"
}

# stack_fake_env: the fake's environment block (stack.FakeEnv), one
# KEY=VALUE a line, for a process pointed at the fake.
stack_fake_env() {
	sed -n 's/.*"fake_env":\[\([^]]*\)\].*/\1/p' "$STACK_JSON" | sed 's/^"//; s/"$//; s/","/\n/g'
}
