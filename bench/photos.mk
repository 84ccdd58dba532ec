# bench/photos: what photo uploads cost the server (issues 13, 22, 23):
# peak RSS for the worst file of each kind, the fairness wait, CPU per
# photo and eight operators at once with both photo sizes, on the real
# binary with its BAML runtime and fakellm. The same run measures a build of
# PHOTOS_BEFORE (main before photo/fastjpeg, issue 23 §2's CPU work; 450539a
# is the code before any of issue 23's photo work; empty skips it), and
# compares the stored copies (SSIM). Then a CPU profile of photo.Process
# (its package benchmark, in process) prints where a photo's CPU goes.
# Its own Go module, like bench/api.

BENCH_TARGETS += bench-photos

PHOTOS_BEFORE ?= 20cb706

.PHONY: bench-photos

bench-photos: $(EVAL_NPM_STAMP) $(BIN)/api $(BIN)/fakellm ## Photo uploads: RSS per kind, fairness, CPU per photo, eight operators; before/after.
	@before=""; if [ -n "$(PHOTOS_BEFORE)" ]; then \
		tmp=$$(mktemp -d) && git -C $(ROOT) archive $(PHOTOS_BEFORE) api eval | tar -x -C $$tmp && \
		(cd $$tmp/api && CGO_ENABLED=0 go build -trimpath -o $(BIN)/api-before .) && rm -rf $$tmp && \
		before=$(BIN)/api-before; fi; \
	cd $(ROOT)/bench/photos && env -u RUST_BACKTRACE REKAN_BAML_CLI=$(EVAL_BAML_CLI) \
		go run . -api $(BIN)/api -before "$$before" -fakellm $(BIN)/fakellm
	@prof=$$(mktemp -d) && cd $(API_DIR) && \
		go test ./internal/photo/ -run '^$$' -bench 'Process' -benchtime 5x -cpu 1 -cpuprofile $$prof/cpu.out -o $$prof/photo.test && \
		echo "where photo.Process spends its CPU (both benchmarks together):" && \
		go tool pprof -top -nodecount=20 $$prof/photo.test $$prof/cpu.out 2>/dev/null | sed -n '/flat%/,$$p' && rm -rf $$prof

