# bench/durability: lost writes across crashes, backups and admin commands,
# and backup time and size (issue 11). Its own Go module, like bench/api;
# it drives the real bin/api through eval/stack/durability. Included with api/*.mk
# (the top Makefile includes no bench/ fragments).

BENCH_TARGETS += bench-durability
.PHONY: bench-durability

bench-durability: $(BIN)/api ## Acknowledged vs lost writes of crash runs (with backup + admin command), backup time and size for 2,000 posts.
	cd $(ROOT)/bench/durability && go run . -api $(BIN)/api

