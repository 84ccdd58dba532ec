#!/usr/bin/env node
// Photo upload budget: in Debian's Chromium, the web app's own scaling code
// (web/src/lib/photos.ts, served by the web app's own Vite) turns a 12-megapixel phone photo
// into what the browser uploads. Prints the time to scale it and the bytes
// that go up per photo against their targets, plus checks of the output
// (size, EXIF orientation applied, no metadata left). Exits 1 when a figure
// is outside its target or the output is wrong.
//
//   node bench/web/photos.mjs          # or: make bench-web-photos
//   RUNS=9 node bench/web/photos.mjs   # more timed runs (default 5)
//
// The photo is synthetic (web/tests/e2e/synthetic-photo.ts: background,
// sharp subject, sensor grain, JPEG 0.92) with an EXIF block planted in it
// (orientation 6, GPS), so it weighs and decodes like a phone's.
import { createServer as createNetServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const web = join(root, 'web');
const require = createRequire(join(web, 'package.json'));
const { chromium } = require('@playwright/test');
// The web app's own Vite serves the modules the page imports from their
// TypeScript sources (plain Vite: the SvelteKit plugin would serve the app).
const { createServer } = await import(pathToFileURL(require.resolve('vite')).href);

const runs = Number(process.env.RUNS ?? 5);
const executablePath = process.env.REKAN_CHROMIUM ?? '/usr/bin/chromium';
const TARGET_MS = 1500;
const TARGET_BYTES = 600 * 1024;

const port = await new Promise((r) => {
	const probe = createNetServer().listen(0, '127.0.0.1', () => {
		const { port } = probe.address();
		probe.close(() => r(port));
	});
});
const server = await createServer({
	root: web,
	configFile: false,
	publicDir: join(web, 'static'),
	logLevel: 'error',
	server: { host: '127.0.0.1', port, strictPort: true, hmr: false }
});
await server.listen();
const url = `http://127.0.0.1:${port}/`;

const browser = await chromium.launch({
	executablePath,
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
});
let ok = true;
try {
	const page = await browser.newPage();
	// Any page of the Vite origin; the modules are imported below.
	await page.goto(`${url}robots.txt`);
	const cases = [
		{ label: '12 MP phone photo, indoor grain', width: 4032, height: 3024, grain: 10 },
		// Encoded again at PHOTO_QUALITY_FALLBACK when quality 0.85 passes the budget.
		{ label: '12 MP photo, heavy low-light grain', width: 4032, height: 3024, grain: 30 }
	];
	console.log(`photos: ${runs} timed run(s) per photo after one warm-up, ${browser.version()} (Chromium), web/src/lib/photos.ts`);
	for (const c of cases) {
		const r = await page.evaluate(
			async ({ c, runs }) => {
				const photos = await import('/src/lib/photos.ts');
				const jpeg = await import('/tests/e2e/jpeg.ts');
				const { paintPhoto } = await import('/tests/e2e/synthetic-photo.ts');
				const painted = Uint8Array.from(atob(await paintPhoto({ width: c.width, height: c.height, seed: 7, grain: c.grain })), (ch) => ch.charCodeAt(0));
				const source = jpeg.withExif(painted, { orientation: 6, latitude: -22.9056, longitude: -47.0608 });
				const file = new File([source], 'IMG_0001.JPG', { type: 'image/jpeg' });
				await photos.scalePhoto(file); // warm-up: code and decoder caches
				const times = [];
				let out;
				for (let i = 0; i < runs; i++) {
					const t0 = performance.now();
					out = await photos.scalePhoto(file);
					times.push(performance.now() - t0);
				}
				const bytes = new Uint8Array(await out.file.arrayBuffer());
				const info = jpeg.inspectJPEG(bytes);
				return {
					sourceBytes: file.size,
					sourceInfo: jpeg.inspectJPEG(source),
					times,
					outBytes: bytes.length,
					outType: out.file.type,
					info,
					make: jpeg.containsASCII(bytes, jpeg.FIXTURE_MAKE),
					longEdge: photos.PHOTO_LONG_EDGE
				};
			},
			{ c, runs }
		);
		const sorted = [...r.times].sort((a, b) => a - b);
		const median = sorted[Math.floor(sorted.length / 2)];
		const max = sorted[sorted.length - 1];
		const kb = (n) => (n / 1024).toFixed(0);
		const mb = (n) => (n / 1024 / 1024).toFixed(1);
		// Orientation 6 stores the photo on its side: upright it is portrait.
		const upright = r.info.width === Math.round((c.height * r.longEdge) / c.width) && r.info.height === r.longEdge;
		const clean = !r.info.exif && !r.make && !r.info.markers.includes(0xe1) && r.outType === 'image/jpeg';
		console.log(`\n${c.label}: ${c.width}×${c.height} JPEG, ${mb(r.sourceBytes)} MB, EXIF orientation 6 + GPS`);
		const timeOk = median <= TARGET_MS;
		const bytesOk = r.outBytes <= TARGET_BYTES;
		console.log(
			`  scale time    median ${Math.round(median)} ms, max ${Math.round(max)} ms  (target <= ${TARGET_MS} ms, ratio ${(median / TARGET_MS).toFixed(2)}) ${timeOk ? 'ok' : 'OVER TARGET'}`
		);
		console.log(
			`  upload bytes  ${kb(r.outBytes)} KB per photo, ${((r.outBytes / r.sourceBytes) * 100).toFixed(0)}% of the original  (target <= ${kb(TARGET_BYTES)} KB, ratio ${(r.outBytes / TARGET_BYTES).toFixed(2)}) ${bytesOk ? 'ok' : 'OVER TARGET'}`
		);
		console.log(
			`  output        ${r.info.width}×${r.info.height} ${r.outType}, ${upright ? 'upright' : 'NOT UPRIGHT'}, ${clean ? 'no EXIF/GPS/camera make left' : 'METADATA LEFT'}  [runs: ${r.times.map((t) => Math.round(t)).join(' ')} ms]`
		);
		ok &&= timeOk && bytesOk && upright && clean;
	}
} finally {
	await browser.close();
	await server.close();
}
console.log(ok ? '\nphotos: inside the targets' : '\nphotos: OUTSIDE the targets');
process.exit(ok ? 0 : 1);
