#!/usr/bin/env bash
# Landing page budget: builds the production web app, serves it with the real
# server (bin/api started by bin/stack, or a small static server when either
# is missing),
# runs Lighthouse 12.8 (web/package.json) with Debian Chromium against /, and
# prints the four category scores and the gzip size of the JavaScript the
# landing page loads, against the budget. Exits 1 when a figure is outside it.
#
#   bench/web/lighthouse.sh            # or: make bench-web
#   RUNS=9 bench/web/lighthouse.sh     # median of more Lighthouse runs (default 5)
#   REKAN_BENCH_SERVER=static bench/web/lighthouse.sh   # gzip static server, as behind Caddy
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
web=$root/web
out=${ARTIFACTS:-$root/artifacts}/lighthouse
runs=${RUNS:-5}
chromium=${REKAN_CHROMIUM:-/usr/bin/chromium}
mkdir -p "$out"

[ -x "$chromium" ] || { echo "lighthouse: $chromium not found (scripts/need chromium)" >&2; exit 1; }
(cd "$web" && pnpm build >"$out/build.log" 2>&1) || { cat "$out/build.log" >&2; exit 1; }

tmp=$(mktemp -d)
server_pid=""
STACK_PID=""
cleanup() {
	for pid in "$server_pid" "$STACK_PID"; do
		[ -n "$pid" ] || continue
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

if [ "${REKAN_BENCH_SERVER:-api}" = api ] && [ -x "$root/bin/api" ] && [ -x "$root/bin/stack" ]; then
	server="bin/api"
	# No LLM is needed to serve the landing page; bin/stack waits for health.
	# shellcheck source=../../scripts/stack.sh
	. "$root/scripts/stack.sh"
	stack_start "$root/bin/stack" "$tmp" -api "$root/bin/api" -baml-cli "$root/eval/node_modules/.bin/baml-cli" \
		-no-llm -web "$web/build" -dir "$tmp/stack" || exit 1
	url=$(stack_value url)
	ready="$url/api/rekan/config"
else
	port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
	url=http://127.0.0.1:$port
	server="static (web/scripts/serve-build.mjs)"
	node "$web/scripts/serve-build.mjs" "$web/build" "$port" >"$tmp/server.log" 2>&1 &
	server_pid=$!
	ready="$url/"
	for _ in $(seq 1 200); do
		curl -fsS -o /dev/null "$ready" 2>/dev/null && break
		kill -0 "$server_pid" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
		sleep 0.1
	done
fi
curl -fsS -o /dev/null "$ready" || { echo "lighthouse: server did not come up" >&2; cat "$tmp/server.log" "$tmp/stack.log" >&2 2>/dev/null; exit 1; }

flags="--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --disable-sync --no-first-run --disable-quic"
for i in $(seq 1 "$runs"); do
	(cd "$web" && CHROME_PATH="$chromium" pnpm exec lighthouse "$url/" --quiet \
		--chrome-flags="$flags" --output=json --output-path="$out/landing-$i.json" \
		--only-categories=performance,accessibility,best-practices,seo >/dev/null 2>"$tmp/lighthouse-$i.log") || {
		cat "$tmp/lighthouse-$i.log" >&2
		exit 1
	}
done

echo "lighthouse: landing page $url/ served by $server, Lighthouse $(cd "$web" && pnpm exec lighthouse --version), $("$chromium" --version 2>/dev/null | tail -1), $runs run(s)"
node - "$out" "$runs" "$web/build" <<'NODE'
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const [out, runs, build] = process.argv.slice(2);
const reports = Array.from({ length: Number(runs) }, (_, i) => JSON.parse(fs.readFileSync(path.join(out, `landing-${i + 1}.json`), 'utf8')));
// Scores are medians over the runs: Lighthouse's simulated throttling scales
// the main-thread work it observes, so a busy machine moves single runs.
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// JavaScript the landing page loads: every Script request, gzipped -9 from the build.
const scripts = reports[0].audits['network-requests'].details.items
	.filter((r) => r.resourceType === 'Script')
	.map((r) => new URL(r.url).pathname);
let jsRaw = 0, jsGzip = 0;
for (const p of new Set(scripts)) {
	const data = fs.readFileSync(path.join(build, p));
	jsRaw += data.length;
	jsGzip += zlib.gzipSync(data, { level: 9 }).length;
}

const budget = [
	['performance', 0.95],
	['accessibility', 1.0],
	['best-practices', 1.0],
	['seo', 0.95]
];
let ok = true;
for (const [id, min] of budget) {
	const score = median(reports.map((r) => r.categories[id].score));
	const pass = score >= min;
	ok &&= pass;
	const each = reports.map((r) => r.categories[id].score.toFixed(2)).join(' ');
	console.log(`${id.padEnd(15)} ${score.toFixed(2)}  (budget >= ${min.toFixed(2)}) ${pass ? 'ok' : 'OVER BUDGET'}  [runs: ${each}]`);
	if (!pass) {
		for (const ref of reports[0].categories[id].auditRefs) {
			const a = reports[0].audits[ref.id];
			if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`    - ${a.id}: ${a.title} (${a.score})`);
		}
	}
}
const kb = (n) => (n / 1024).toFixed(1);
const jsPass = jsGzip <= 45 * 1024;
ok &&= jsPass;
console.log(`landing JS      ${kb(jsGzip)} KB gzip (${kb(jsRaw)} KB raw, ${new Set(scripts).size} files)  (budget <= 45.0 KB) ${jsPass ? 'ok' : 'OVER BUDGET'}`);
for (const m of ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index']) {
	const values = reports.map((r) => r.audits[m].numericValue);
	const v = median(values);
	console.log(`  ${m.padEnd(26)} ${m === 'cumulative-layout-shift' ? v.toFixed(3) : `${Math.round(v)} ms`}`);
}
console.log(ok ? 'lighthouse: inside the budget' : 'lighthouse: OUTSIDE the budget');
process.exit(ok ? 0 : 1);
NODE
