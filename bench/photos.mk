# bench/web/photos.mjs: in Chromium, the web app's own photo scaling
# (web/src/lib/photos.ts) on a 12-megapixel phone photo: time to scale it
# and bytes uploaded per photo, against their targets.

BENCH_TARGETS += bench-photos

.PHONY: bench-photos

bench-photos: deps-web ## Photo scaling in Chromium: time per 12 MP photo and bytes uploaded.
	@$(ROOT)/scripts/need --for "the photo benchmark" chromium
	@node $(ROOT)/bench/web/photos.mjs
