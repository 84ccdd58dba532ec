#!/usr/bin/env node
// Streamed generation in Debian's Chromium (issue 23 §1): the fake LLM
// streams at a realistic pace (first token after 1 s, 40 tokens per second)
// and the operator's page is timed from the click on "Gerar post" to the
// first words of a caption on screen and to the full post. The baseline in
// the same run is the same page with its realtime connection blocked, which
// is what the operator saw before (nothing until the answer). Prints medians
// and ratios; targets are printed next to them, never asserted.
//
//   node bench/web/stream.mjs          # or: make bench-web-stream
//   RUNS=5 node bench/web/stream.mjs   # runs per mode (default 4: the
//                                       # generation rate limit is 10 a minute)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const web = join(root, 'web');
const require = createRequire(join(web, 'package.json'));
const { chromium } = require('@playwright/test');

const runs = Number(process.env.RUNS ?? 4);
const executablePath = process.env.REKAN_CHROMIUM ?? '/usr/bin/chromium';
const FIRST_TOKEN_MS = 1000;
const PACE = { first_token_ms: FIRST_TOKEN_MS, tokens_per_second: 40 };

const stack = spawn(join(root, 'bin/stack'), ['-stdin', `-api=${join(root, 'bin/api')}`, `-web=${join(web, 'build')}`, '-operator=bench'], {
	stdio: ['pipe', 'pipe', 'inherit']
});
const info = await new Promise((resolveInfo, reject) => {
	let buffered = '';
	stack.stdout.on('data', (chunk) => {
		buffered += chunk;
		const end = buffered.indexOf('\n');
		if (end >= 0) resolveInfo(JSON.parse(buffered.slice(0, end)));
	});
	stack.once('exit', (code) => reject(new Error(`bin/stack exited with ${code}`)));
});
const fake = (path, body) =>
	fetch(`${info.fake_url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });

const [operator] = info.operators;
const auth = await (
	await fetch(`${info.url}/api/collections/users/auth-with-password`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ identity: operator.email, password: operator.password })
	})
).json();
const business = await (
	await fetch(`${info.url}/api/collections/businesses/records`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: auth.token },
		body: JSON.stringify({ owner: auth.record.id, name: 'Tapiocaria do Cais', segment: 'tapiocaria', city: 'Recife', state: 'PE' })
	})
).json();

const browser = await chromium.launch({ executablePath });
const results = { streamed: [], blocked: [] };
try {
	for (let i = 0; i < runs; i++) {
		for (const mode of ['streamed', 'blocked']) {
			const context = await browser.newContext({ baseURL: info.url });
			await context.addInitScript((session) => localStorage.setItem('pocketbase_auth', session), JSON.stringify({ token: auth.token, record: auth.record }));
			const page = await context.newPage();
			if (mode === 'blocked') await page.route('**/api/realtime**', (route) => route.abort());
			await page.goto(`/app/clientes/${business.id}`);
			await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('tapioca de queijo coalho com mel de engenho');
			await fake('/_fake/reset');
			await fake('/_fake/stream', PACE);
			await page.evaluate(() => {
				const t = (window.__bench = { click: 0, first: 0, full: 0 });
				new MutationObserver(() => {
					const now = performance.now();
					const words = document.querySelector('[data-testid="form-writing"], [data-testid="writing"]')?.textContent?.trim();
					if (!t.first && words) t.first = now;
					if (!t.full && document.querySelector('.alert.success')) {
						t.full = now;
						// Without realtime the first words are those of the full post.
						if (!t.first) t.first = now;
					}
				}).observe(document.body, { subtree: true, childList: true, characterData: true });
				const button = [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Gerar post');
				t.click = performance.now();
				button.click();
			});
			await page.waitForFunction(() => window.__bench.full > 0, null, { timeout: 60_000 });
			const t = await page.evaluate(() => window.__bench);
			results[mode].push({ first: t.first - t.click, full: t.full - t.click });
			await context.close();
		}
	}
} finally {
	await browser.close();
	stack.stdin.end();
}

const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`;
const row = (mode) => ({ first: median(results[mode].map((r) => r.first)), full: median(results[mode].map((r) => r.full)) });
const streamed = row('streamed');
const blocked = row('blocked');
console.log(`stream bench: fake first token ${FIRST_TOKEN_MS} ms, ${PACE.tokens_per_second} tokens/s, median of ${runs} runs per mode`);
console.log(`  streamed:          first words ${ms(streamed.first)}, full post ${ms(streamed.full)}`);
console.log(`  without realtime:  first words ${ms(blocked.first)}, full post ${ms(blocked.full)}`);
console.log(`  first words after the provider's first token (upper bound): ${ms(streamed.first - FIRST_TOKEN_MS)} (target ≤ 500 ms)`);
console.log(`  first words, streamed / without realtime: ${(streamed.first / blocked.first).toFixed(2)}`);
console.log(`  full post, streamed / without realtime: ${(streamed.full / blocked.full).toFixed(2)} (target ≤ 1.05)`);
