// Seeds records through the records API as a superuser would in the admin
// UI: a post belongs to a request ("pedido"), which holds its brief.
import { expect, type APIRequestContext } from '@playwright/test';

export interface SeedPost {
	business: string;
	brief: string;
	[field: string]: unknown;
}

/** Creates a one-post request of `brief` and its post; returns the post's id. */
export async function seedPost(request: APIRequestContext, base: string, token: string, { business, brief, ...post }: SeedPost): Promise<string> {
	const headers = { Authorization: token };
	const req = await request.post(`${base}/api/collections/requests/records`, {
		headers,
		data: { business, brief, count: 1 }
	});
	expect(req.ok(), await req.text()).toBe(true);
	const { id: requestId } = (await req.json()) as { id: string };
	const created = await request.post(`${base}/api/collections/posts/records`, {
		headers,
		data: { business, request: requestId, ...post }
	});
	expect(created.ok(), await created.text()).toBe(true);
	return ((await created.json()) as { id: string }).id;
}

/** Creates a business owned by the operator whose API token is `token`; returns its id. */
export async function createBusiness(request: APIRequestContext, base: string, token: string, data: Record<string, unknown>): Promise<string> {
	const owner = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).id as string;
	const created = await request.post(`${base}/api/collections/businesses/records`, {
		headers: { Authorization: token },
		data: { owner, ...data }
	});
	expect(created.ok(), await created.text()).toBe(true);
	return ((await created.json()) as { id: string }).id;
}

/** A superuser's API token. */
export async function superuserToken(request: APIRequestContext, base: string, superuser: { email: string; password: string }): Promise<string> {
	const su = await request.post(`${base}/api/collections/_superusers/auth-with-password`, {
		data: { identity: superuser.email, password: superuser.password }
	});
	expect(su.ok(), await su.text()).toBe(true);
	return ((await su.json()) as { token: string }).token;
}
