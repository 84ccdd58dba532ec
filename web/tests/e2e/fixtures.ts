import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStack, type Operator, type Stack } from './stack';

const here = dirname(fileURLToPath(import.meta.url));
const screenshots = process.env.REKAN_SCREENSHOTS_DIR ?? resolve(here, '../../../artifacts/screenshots');

export interface FakeReply {
	status?: number;
	delay_ms?: number;
	content?: string;
	body?: string;
	times?: number;
	/** A mistake fakellm plants in its default post (eval/fakellm Faults), e.g. "invented_price". */
	fault?: string;
	/** Keeps the reply for a request whose prompt contains this text (one client of a batch). */
	match?: string;
	/** Holds the reply until release() (fakellm's Reply.Hold); held() counts it. */
	hold?: boolean;
}

/** An image_url part as fakellm recorded it (eval/fakellm/images.go). */
export interface FakeImage {
	media_type: string;
	format: string;
	bytes: number;
	width: number;
	height: number;
	segments: string[];
	has_exif: boolean;
	has_metadata: boolean;
	error?: string;
	/** The decoded file, base64. */
	data?: string;
}

/** Control of the fake LLM provider (eval/fakellm) at its HTTP boundary. */
export class FakeLLM {
	constructor(
		private readonly url: string,
		private readonly request: APIRequestContext
	) {}

	async script(replies: FakeReply[]): Promise<void> {
		const res = await this.request.post(`${this.url}/_fake/replies`, { data: replies });
		expect(res.ok(), await res.text()).toBe(true);
	}

	async requests(): Promise<unknown[]> {
		const res = await this.request.get(`${this.url}/_fake/requests`);
		expect(res.ok()).toBe(true);
		return (await res.json()) as unknown[];
	}

	/** Every image the provider received, in order, with its bytes (fakellm's Image records). */
	async images(): Promise<FakeImage[]> {
		const res = await this.request.get(`${this.url}/_fake/requests?image_data=1`);
		expect(res.ok()).toBe(true);
		return ((await res.json()) as { images?: FakeImage[] }[]).flatMap((r) => r.images ?? []);
	}

	async pending(): Promise<number> {
		const res = await this.request.get(`${this.url}/_fake/health`);
		expect(res.ok()).toBe(true);
		return ((await res.json()) as { pending: number }).pending;
	}

	async reset(): Promise<void> {
		const res = await this.request.post(`${this.url}/_fake/reset`);
		expect(res.ok()).toBe(true);
	}

	/** Paces streamed replies (fakellm's POST /_fake/stream); reset() clears it. */
	async stream(pace: { first_token_ms?: number; tokens_per_second?: number; hold_after_chars?: number; break_after_chars?: number }): Promise<void> {
		const res = await this.request.post(`${this.url}/_fake/stream`, { data: pace });
		expect(res.ok(), await res.text()).toBe(true);
	}

	/** How many streams or held replies wait at the hold. */
	async held(): Promise<number> {
		const res = await this.request.get(`${this.url}/_fake/held`);
		expect(res.ok()).toBe(true);
		return ((await res.json()) as { held: number }).held;
	}

	/** Lets held streams and replies go on. */
	async release(): Promise<void> {
		const res = await this.request.post(`${this.url}/_fake/release`);
		expect(res.ok()).toBe(true);
	}
}

export const test = base.extend<{ stack: Stack; fake: FakeLLM }>({
	stack: async ({}, use) => use(readStack()),
	// The stack's URL is known only after globalSetup ran.
	baseURL: async ({}, use) => use(readStack().baseURL),
	fake: async ({ stack, request }, use) => use(new FakeLLM(stack.fakeLLM, request))
});

export { expect };

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeViolation {
	id: string;
	impact: string | null;
	help: string;
	nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core (WCAG 2 A and AA rules) on the page as it is now and fails
 * with the list of violations, if any.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
	await page.addScriptTag({ path: axeSource });
	const violations = await page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
		const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
		return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target) }));
	});
	expect(violations, `accessibility violations on ${screen}`).toEqual([]);
}

const SIZES = [
	['phone', { width: 390, height: 844 }],
	['desktop', { width: 1280, height: 800 }]
] as const;

/** Full-page screenshots at phone and desktop widths, into artifacts/screenshots. */
export async function snap(page: Page, name: string): Promise<void> {
	mkdirSync(screenshots, { recursive: true });
	const original = page.viewportSize();
	for (const [label, size] of SIZES) {
		await page.setViewportSize(size);
		// From the top, so sticky parts sit where a visitor first sees them.
		await page.evaluate(
			() =>
				new Promise((r) => {
					window.scrollTo(0, 0);
					requestAnimationFrame(() => requestAnimationFrame(r));
				})
		);
		await page.screenshot({ path: join(screenshots, `${name}-${label}.png`), fullPage: true, animations: 'disabled' });
	}
	if (original) await page.setViewportSize(original);
}

/**
 * Logs in through the login form (the page must be on /entrar) and returns
 * the server's answer to the password auth, as "STATUS body".
 */
export async function login(page: Page, operator: Operator): Promise<string> {
	await page.getByLabel('E-mail').fill(operator.email);
	await page.getByLabel('Senha').fill(operator.password);
	const [response] = await Promise.all([
		page.waitForResponse((r) => r.url().includes('/auth-with-password')),
		page.getByRole('main').getByRole('button', { name: 'Entrar' }).click()
	]);
	return `${response.status()} ${await response.text()}`;
}

/** A PocketBase auth response: what the SDK keeps in localStorage as "pocketbase_auth". */
export interface ApiSession {
	token: string;
	record: { id: string; email: string };
}

// The server allows ten password logins a minute per address (the rate
// limits migration), and the whole suite runs from one address in about a
// minute: each operator logs in through the API once per server and worker.
const sessions = new Map<string, Promise<ApiSession>>();

/** An operator's API session on `baseURL`, made once and then shared. */
export function apiSession(request: APIRequestContext, baseURL: string, operator: Operator): Promise<ApiSession> {
	const key = `${baseURL} ${operator.email}`;
	let session = sessions.get(key);
	if (!session) {
		session = (async () => {
			const res = await request.post(`${baseURL}/api/collections/users/auth-with-password`, {
				data: { identity: operator.email, password: operator.password }
			});
			expect(res.ok(), await res.text()).toBe(true);
			return (await res.json()) as ApiSession;
		})();
		sessions.set(key, session);
		session.catch(() => sessions.delete(key));
	}
	return session;
}

/** An auth token for the PocketBase REST API, for checks outside the browser. */
export async function apiToken(request: APIRequestContext, baseURL: string, operator: Operator): Promise<string> {
	return (await apiSession(request, baseURL, operator)).token;
}

/**
 * A new operator made by the stack's superuser: its id and the superuser's
 * headers (superuser requests skip the rate limits the other tests' logins
 * use up). signInAs then opens a session for it in the browser.
 */
export async function newOperatorAsSuperuser(
	request: APIRequestContext,
	stack: Stack,
	email: string,
	password: string
): Promise<{ id: string; headers: Record<string, string> }> {
	if (!stack.superuser) throw new Error('needs a superuser of the stack, which only the local setup creates');
	const su = await request.post(`${stack.baseURL}/api/collections/_superusers/auth-with-password`, {
		data: { identity: stack.superuser.email, password: stack.superuser.password }
	});
	expect(su.ok(), await su.text()).toBe(true);
	const headers = { Authorization: ((await su.json()) as { token: string }).token };
	const operator = await request.post(`${stack.baseURL}/api/collections/users/records`, {
		headers,
		data: { email, password, passwordConfirm: password }
	});
	expect(operator.ok(), await operator.text()).toBe(true);
	return { id: ((await operator.json()) as { id: string }).id, headers };
}

/** Signs the browser in as an operator with a superuser's impersonation token (no password login). */
export async function signInAs(page: Page, request: APIRequestContext, stack: Stack, userId: string, headers: Record<string, string>): Promise<void> {
	const impersonated = await request.post(`${stack.baseURL}/api/collections/users/impersonate/${userId}`, { headers });
	expect(impersonated.ok(), await impersonated.text()).toBe(true);
	const auth = JSON.stringify(await impersonated.json());
	if (!page.url().startsWith(stack.baseURL)) await page.goto('/termos');
	await page.evaluate((value) => localStorage.setItem('pocketbase_auth', value), auth);
}

/**
 * Options for `test.use`: the spec's browser and API calls come from a
 * client address of its own (the local stack trusts X-Forwarded-For, as
 * behind Caddy), so its generations spend their own per-IP limit, not that
 * of the specs after it. `n` (2-254) must differ between specs.
 */
export function ownClient(n: number): { extraHTTPHeaders: Record<string, string> } {
	return { extraHTTPHeaders: { 'X-Forwarded-For': `127.0.0.${n}` } };
}

/**
 * Resolves once the page has told the server it listens to every topic
 * given (a record collection as `posts/*`, a custom topic by its name):
 * realtime sends nothing to a tab that subscribes late, and a loaded
 * machine can subscribe after the event a test waits for. Call it before
 * the navigation that subscribes, await it before causing the event.
 */
export function realtimeSubscribed(page: Page, ...topics: string[]): Promise<unknown> {
	return page.waitForResponse((response) => {
		const sent = response.request();
		if (sent.method() !== 'POST' || new URL(response.url()).pathname !== '/api/realtime' || !response.ok()) return false;
		// The SDK sends every subscription each time, a filtered one as `topic?options=…`.
		const subscriptions = ((sent.postDataJSON() as { subscriptions?: string[] } | null)?.subscriptions ?? []).map((s) => s.split('?')[0]);
		return topics.every((t) => subscriptions.includes(t));
	});
}

/**
 * The suite shares its operators: a spec that makes a client of its own
 * registers it here, and it is deleted after the test, pass or fail, so
 * later specs still see the operator's list as they expect. Call at the top
 * level of a spec file; the returned function names the client to delete.
 */
export function deleteClientAfterEach(): (id: string, token: string) => void {
	let made: { id: string; token: string } | null = null;
	test.afterEach(async ({ request }) => {
		if (!made) return;
		const res = await request.delete(`/api/collections/businesses/records/${made.id}`, {
			headers: { Authorization: made.token }
		});
		expect(res.status()).toBe(204);
		made = null;
	});
	return (id, token) => {
		made = { id, token };
	};
}
