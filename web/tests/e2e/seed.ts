// A new operator with a business (phone included) and one ready post with
// a photo, made by the stack's superuser and signed in with an impersonation
// token: superuser requests skip the rate limits the other tests' logins
// use up. Shared by the specs of what rubbed when the app was tried as a new
// operator would (issue 22).
import type { APIRequestContext, Page } from '@playwright/test';
import { expect, newOperatorAsSuperuser, signInAs } from './fixtures';
import type { Stack } from './stack';

export const PHONE_DIGITS = '5581998765432';
export const PHONE_SHOWN = '(81) 99876-5432';
export const BUSINESS = 'Tapiocaria São João';

export interface Seeded {
	business: string;
	post: string;
}

/** A new operator with a business (and a ready post with one photo), signed in on page. */
export async function seed(page: Page, request: APIRequestContext, stack: Stack, email: string): Promise<Seeded> {
	const base = stack.baseURL;
	const { headers, ...user } = await newOperatorAsSuperuser(request, stack, email, 'senha-longa-para-os-testes');
	const business = await request.post(`${base}/api/collections/businesses/records`, {
		headers,
		data: { owner: user.id, name: BUSINESS, segment: 'tapiocaria', city: 'Recife', state: 'PE', phone: PHONE_DIGITS }
	});
	expect(business.ok(), await business.text()).toBe(true);
	const businessId = ((await business.json()) as { id: string }).id;

	await page.goto('/termos');
	const jpeg = await page.evaluate(() => {
		const canvas = document.createElement('canvas');
		canvas.width = 64;
		canvas.height = 48;
		const ctx = canvas.getContext('2d')!;
		ctx.fillStyle = '#c84';
		ctx.fillRect(0, 0, 64, 48);
		return canvas.toDataURL('image/jpeg').split(',')[1];
	});
	// The photo is stored once on the generation request; the post selects it.
	const req = await request.post(`${base}/api/collections/requests/records`, {
		headers,
		multipart: {
			'@jsonPayload': JSON.stringify({ business: businessId, brief: 'tapioca de queijo coalho com mel de engenho', count: 1 }),
			photos: { name: 'tapioca.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(jpeg, 'base64') }
		}
	});
	expect(req.ok(), await req.text()).toBe(true);
	const { id: requestId, photos } = (await req.json()) as { id: string; photos: string[] };
	const post = await request.post(`${base}/api/collections/posts/records`, {
		headers,
		data: {
			business: businessId,
			request: requestId,
			photos,
			caption: 'Tapioca de coalho com mel de engenho, quentinha no fim da tarde.',
			hashtags: ['#tapioca', '#recife'],
			production_note: 'Foto de cima, na chapa.',
			role: 'produto',
			hook: 'Tapioca de coalho com mel',
			status: 'ready',
			checks: []
		}
	});
	expect(post.ok(), await post.text()).toBe(true);
	const postId = ((await post.json()) as { id: string }).id;

	await signInAs(page, request, stack, user.id, headers);
	return { business: businessId, post: postId };
}
