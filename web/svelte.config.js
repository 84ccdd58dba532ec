import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// One static build serves every instance: the Go server (or Caddy) serves
		// these files and falls back to 200.html for client-side routes.
		adapter: adapter({ pages: 'build', assets: 'build', fallback: '200.html', strict: true }),
		// The stylesheets are small: inlining them saves the landing page its
		// render-blocking requests.
		inlineStyleThreshold: 16384,
		prerender: {
			// Only the public pages are prerendered; /app/* is rendered in the
			// browser from the 200.html fallback.
			entries: ['/', '/termos', '/aprovar'],
			handleHttpError: 'fail',
			handleMissingId: 'fail'
		}
	}
};

export default config;
