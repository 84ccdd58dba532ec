# web/: the operators' SvelteKit SPA. Included by the top Makefile, which
# defines ROOT, BIN, ARTIFACTS and the *_TARGETS lists.

WEB_DIR := $(ROOT)/web
WEB_PNPM_VERSION := 10.34.9
# Vite 8 and SvelteKit 2.70 need Node >= 20.19.
WEB_NODE_MIN := 20.19

DEPS_TARGETS += deps-web
BENCH_TARGETS += bench-web bench-web-photos
GENERATE_TARGETS += generate-web-limits generate-web-blank
CHECK_GENERATED_TARGETS += check-generated-web-limits check-generated-web-blank

# The server's limits as the forms check them, written from eval/content.
WEB_LIMITS := $(WEB_DIR)/src/lib/limits.gen.ts
# The server's blank rule (eval/text.IsBlank) as one regular expression.
WEB_BLANK := $(WEB_DIR)/src/lib/blank.gen.ts

.PHONY: deps-web build-web check-web unit-web e2e-web test-web bench-web bench-web-photos generate-web-limits check-generated-web-limits generate-web-blank check-generated-web-blank

deps-web: ## Install pnpm (pinned) and the web app's packages.
	@$(ROOT)/scripts/need --for "the web app build" node:nodejs npm
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number),[x,y]="$(WEB_NODE_MIN)".split(".").map(Number);if(a<x||(a===x&&b<y)){console.error("web: Node "+process.versions.node+" is too old, need >= $(WEB_NODE_MIN)");process.exit(1)}'
	@if [ "$$(pnpm --version 2>/dev/null | cut -d. -f1)" != "$(firstword $(subst ., ,$(WEB_PNPM_VERSION)))" ]; then \
		echo "web: installing pnpm@$(WEB_PNPM_VERSION) with npm"; \
		npm install --global --no-fund --no-audit "pnpm@$(WEB_PNPM_VERSION)" >/dev/null; \
	fi
	@cd $(WEB_DIR) && pnpm install --frozen-lockfile --reporter=silent

generate-web-limits: ## Regenerate web/src/lib/limits.gen.ts from eval/content's limits.
	@tmp=$$(mktemp) && go -C $(ROOT)/eval run ./cmd/weblimits >"$$tmp" && mv "$$tmp" $(WEB_LIMITS)

check-generated-web-limits: ## Fail when web/src/lib/limits.gen.ts is stale.
	@tmp=$$(mktemp); trap 'rm -f "$$tmp"' EXIT; \
	go -C $(ROOT)/eval run ./cmd/weblimits >"$$tmp" || exit 1; \
	if ! cmp -s "$$tmp" $(WEB_LIMITS); then \
		echo "check-generated-web-limits: web/src/lib/limits.gen.ts is stale; run 'make generate-web-limits'" >&2; \
		diff -u $(WEB_LIMITS) "$$tmp" >&2 || true; \
		exit 1; \
	fi

build-web: deps-web ## Build the static web app into web/build (200.html fallback).
	@cd $(WEB_DIR) && log=$$(mktemp) && { pnpm build >"$$log" 2>&1 || { cat "$$log" >&2; rm -f "$$log"; exit 1; }; } && rm -f "$$log"
	@$(WEB_DIR)/scripts/check-build.sh $(WEB_DIR)

check-web: deps-web ## svelte-check (type and template errors).
	@cd $(WEB_DIR) && pnpm check

unit-web: deps-web ## Vitest unit tests of the web app's logic.
	@cd $(WEB_DIR) && pnpm test

# The journey runs against the real stack: bin/api serving web/build, the
# real BAML runtime, and bin/fakellm as the LLM provider (started by
# web/tests/e2e/global-setup.ts on free ports with bin/stack).
e2e-web: deps-web deps-eval build-web build-api build-stack ## Playwright journey in Chromium against the real server.
	@$(ROOT)/scripts/need --for "the browser tests" chromium /usr/share/fonts/truetype/liberation:fonts-liberation \
		/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf:fonts-noto-color-emoji
	@cd $(WEB_DIR) && REKAN_ROOT=$(ROOT) REKAN_SCREENSHOTS_DIR=$(ARTIFACTS)/screenshots pnpm exec playwright test

test-web: check-web unit-web e2e-web ## Every web test: svelte-check, Vitest, build checks, Playwright.

bench-web: deps-web ## Lighthouse against the production build of the landing page.
	@$(ROOT)/scripts/need --for "Lighthouse" chromium /usr/share/fonts/truetype/liberation:fonts-liberation
	@$(ROOT)/bench/web/lighthouse.sh

# The web app's own photo scaling (src/lib/photos.ts) on a 12-megapixel phone
# photo in Chromium: time to scale it and bytes uploaded, against targets.
# Vite serves the module from its source; svelte-kit sync writes the
# tsconfig it reads.
bench-web-photos: deps-web ## Photo scaling in Chromium: time per 12 MP photo, bytes uploaded per photo.
	@$(ROOT)/scripts/need --for "the photo benchmark" chromium
	@cd $(WEB_DIR) && pnpm exec svelte-kit sync
	@node $(ROOT)/bench/web/photos.mjs

generate-web-blank: ## Regenerate web/src/lib/blank.gen.ts from eval/text's blank rule.
	@tmp=$$(mktemp) && go -C $(ROOT)/eval run ./cmd/webtext >"$$tmp" && mv "$$tmp" $(WEB_BLANK)

check-generated-web-blank: ## Fail when web/src/lib/blank.gen.ts is stale.
	@tmp=$$(mktemp); trap 'rm -f "$$tmp"' EXIT; \
	go -C $(ROOT)/eval run ./cmd/webtext >"$$tmp" || exit 1; \
	if ! cmp -s "$$tmp" $(WEB_BLANK); then \
		echo "check-generated-web-blank: web/src/lib/blank.gen.ts is stale; run 'make generate-web-blank'" >&2; \
		diff -u $(WEB_BLANK) "$$tmp" >&2 || true; \
		exit 1; \
	fi
