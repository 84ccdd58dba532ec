#!/usr/bin/env bash
# Asserts the shape of the static build the servers rely on: the SPA
# fallback, the prerendered public pages, robots.txt, and no adapter-auto.
set -euo pipefail
web=${1:-$(cd "$(dirname "$0")/.." && pwd)}
fail() { echo "check-build: $*" >&2; exit 1; }

for f in 200.html index.html termos.html robots.txt favicon.svg; do
	[ -s "$web/build/$f" ] || fail "build/$f is missing"
done
# Prerendered pages carry their content, not just the app shell.
grep -q 'De uma frase a um post' "$web/build/index.html" || fail "index.html is not prerendered with its content"
grep -q 'LGPD' "$web/build/termos.html" || fail "termos.html is not prerendered with its content"
grep -q 'lang="pt-BR"' "$web/build/200.html" || fail '200.html lacks lang="pt-BR"'
if grep -q 'adapter-auto' "$web/package.json" "$web/pnpm-lock.yaml"; then
	fail "adapter-auto must not be a dependency"
fi
[ ! -e "$web/node_modules/@sveltejs/adapter-auto" ] || fail "adapter-auto is installed"
echo "check-build: build/ has 200.html, index.html, termos.html, robots.txt; no adapter-auto"
