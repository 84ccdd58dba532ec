import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { DEFAULT_PORT } from './src/lib/facts.gen';

export default defineConfig({
	plugins: [sveltekit()],
	server: {
		// `pnpm dev` talks to a local `make run` server for the API.
		proxy: { '/api': `http://127.0.0.1:${DEFAULT_PORT}` }
	},
	test: {
		include: ['src/**/*.test.ts'],
		environment: 'node',
		expect: { requireAssertions: true }
	}
});
