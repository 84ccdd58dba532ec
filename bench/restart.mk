# bench/restart: a restart behind the module's Caddy site block (failed
# requests, longest request, generations in flight completed). The same run
# is check 7 of test-nix (nix/checks/restart.sh), which fails on a missed
# target; here it is run for its figures.

BENCH_TARGETS += bench-restart

.PHONY: bench-restart

bench-restart: deps-nix build-api build-stack build-fakellm deps-eval ## Failed requests and drained generations across restarts behind Caddy.
	@bash $(ROOT)/nix/checks/restart.sh -restarts 3
