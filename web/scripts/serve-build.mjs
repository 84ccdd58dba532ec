// A small static server for the web build, used by bench/web/lighthouse.sh
// when bin/api is not built: files as they are, prerendered pages without
// their .html, 200.html for client-side routes, gzip like a production proxy,
// and the public config endpoint with the server's defaults.
// Usage: node scripts/serve-build.mjs BUILD_DIR PORT
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';

const [dir, port] = process.argv.slice(2);
const types = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript',
	'.css': 'text/css',
	'.svg': 'image/svg+xml',
	'.txt': 'text/plain; charset=utf-8',
	'.json': 'application/json'
};

async function file(path) {
	try {
		return (await stat(path)).isFile() ? path : null;
	} catch {
		return null;
	}
}

createServer(async (req, res) => {
	const url = new URL(req.url ?? '/', 'http://x');
	if (url.pathname === '/api/rekan/config') {
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ app_name: 'Rekan', llm_configured: false, contact_phone: '', version: 'static' }));
		return;
	}
	const name = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '').replace(/^\/+/, '');
	const found =
		(name === '' ? await file(join(dir, 'index.html')) : null) ??
		(name ? (await file(join(dir, name))) ?? (await file(join(dir, `${name}.html`))) : null) ??
		(extname(name) && extname(name) !== '.html' ? null : await file(join(dir, '200.html')));
	if (!found) {
		res.writeHead(404, { 'content-type': 'text/plain' });
		res.end('not found');
		return;
	}
	let body = await readFile(found);
	const headers = {
		'content-type': types[extname(found)] ?? 'application/octet-stream',
		'cache-control': found.includes('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache'
	};
	if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '') && /\.(html|js|css|svg|txt|json)$/.test(found)) {
		body = gzipSync(body);
		headers['content-encoding'] = 'gzip';
	}
	res.writeHead(200, headers);
	res.end(body);
}).listen(Number(port), '127.0.0.1', () => console.log(`serving ${dir} on http://127.0.0.1:${port}`));
