import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a browser downloaded by Playwright.
const chromium = process.env.REKAN_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
	testDir: 'tests/e2e',
	// One stack, one browser: tests share the server and run in order.
	workers: 1,
	fullyParallel: false,
	retries: 0,
	// Budgets, not targets: the journey is long, and on a loaded machine
	// (CI, several runs sharing two cores) it took more than 180 s while
	// every step passed. Timings are measured in bench/, never here.
	timeout: 600_000,
	expect: { timeout: 30_000 },
	reporter: [['list']],
	outputDir: 'test-results',
	// Starts the stack with bin/stack on free ports unless REKAN_E2E_BASE_URL
	// points at a stack started elsewhere (e.g. behind Caddy).
	globalSetup: './tests/e2e/global-setup.ts',
	use: {
		browserName: 'chromium',
		// The base URL is only known after globalSetup; see tests/e2e/fixtures.ts.
		viewport: { width: 390, height: 844 },
		locale: 'pt-BR',
		timezoneId: 'America/Sao_Paulo',
		permissions: ['clipboard-read', 'clipboard-write'],
		screenshot: 'only-on-failure',
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: chromium,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync',
				'--no-first-run',
				'--disable-quic'
			]
		}
	}
});
