// One request with photos and three posts: the request ("pedido") stores each
// photo once and every post shows it from there; removing a photo from one
// post changes that post's selection only, and the others keep showing it.
import type { APIRequestContext, Page } from '@playwright/test';
import { test, expect, login, apiToken, ownClient } from './fixtures';
import { createBusiness } from './records';
import { paintPhoto } from './synthetic-photo';

// Generates: a client address of its own for the per-IP limits (ownClient).
test.use(ownClient(41));

interface PostRecord {
	id: string;
	request: string;
	photos: string[];
}

async function postsOf(request: APIRequestContext, base: string, token: string, businessId: string): Promise<PostRecord[]> {
	const res = await request.get(`${base}/api/collections/posts/records?filter=${encodeURIComponent(`business='${businessId}'`)}&perPage=50`, {
		headers: { Authorization: token }
	});
	expect(res.ok(), await res.text()).toBe(true);
	return ((await res.json()) as { items: PostRecord[] }).items;
}

/** Waits until every photo of a card has loaded its 400 px thumb (they load lazily: scrolled to first). */
async function expectLoaded(page: Page, postId: string) {
	for (const img of await page.locator(`article[data-post="${postId}"]`).getByRole('list', { name: 'Fotos do post' }).getByRole('img').all()) {
		await img.scrollIntoViewIfNeeded();
		await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(400);
	}
}

/** The file paths a card's photos load (their thumbs), in order. */
function shownPhotos(page: Page, postId: string) {
	return page
		.locator(`article[data-post="${postId}"]`)
		.getByRole('list', { name: 'Fotos do post' })
		.getByRole('img')
		.evaluateAll((imgs) => imgs.map((i) => new URL((i as HTMLImageElement).src).pathname));
}

test('three posts from two photos: the request stores each photo once, each post shows both; removing one from a post leaves the others', async ({
	page,
	request,
	stack
}) => {
	const base = stack.baseURL;
	const [ana] = stack.operators;
	const token = await apiToken(request, base, ana);
	const businessId = await createBusiness(request, base, token, { name: 'Doces da Vó Cida', segment: 'doceria', city: 'Londrina', state: 'PR' });
	await page.goto(`${base}/entrar?next=${encodeURIComponent(`/app/clientes/${businessId}`)}`);
	await login(page, ana);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Doces da Vó Cida');

	for (const [i, seed] of [51, 52].entries()) {
		const photo = Buffer.from(await page.evaluate(paintPhoto, { width: 1600, height: 1200, seed }), 'base64');
		await page.getByLabel('Adicionar fotos', { exact: true }).setInputFiles({ name: `IMG_00${seed}.JPG`, mimeType: 'image/jpeg', buffer: photo });
		await expect(page.getByRole('list', { name: 'Fotos escolhidas' }).getByRole('img')).toHaveCount(i + 1);
	}
	await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('bolo de pote de ninho com morango');
	await page.getByRole('radio', { name: '3' }).check();
	await page.getByRole('button', { name: 'Gerar 3 posts' }).click();
	await expect(page.getByText('3 posts prontos.')).toBeVisible({ timeout: 120_000 });

	const posts = await postsOf(request, base, token, businessId);
	expect(posts).toHaveLength(3);
	const requestId = posts[0].request;
	let pool: string[] = [];

	await test.step('the request holds the two photos once; every post selects both and shows them from the request', async () => {
		expect(posts.map((p) => p.request)).toEqual([requestId, requestId, requestId]);
		const res = await request.get(`${base}/api/collections/requests/records/${requestId}`, { headers: { Authorization: token } });
		expect(res.ok(), await res.text()).toBe(true);
		const record = (await res.json()) as { photos: string[]; count: number };
		expect(record.count).toBe(3);
		pool = record.photos;
		expect(pool).toHaveLength(2);
		expect(new Set(pool).size).toBe(2);
		for (const p of posts) {
			expect(p.photos, `post ${p.id} selects the request's photos`).toEqual(pool);
			await expect.poll(() => shownPhotos(page, p.id)).toEqual(pool.map((name) => `/api/files/requests/${requestId}/${name}`));
			await expectLoaded(page, p.id);
		}
	});

	await test.step('removing a photo from one post keeps it for the others and in the request', async () => {
		const [edited, ...others] = posts;
		const card = page.locator(`article[data-post="${edited.id}"]`);
		await card.getByRole('button', { name: 'Editar' }).click();
		await expect(card.getByRole('list', { name: 'Fotos salvas' }).getByRole('img')).toHaveCount(2);
		await card.getByRole('button', { name: 'Remover foto 2' }).click();
		await card.getByRole('button', { name: 'Salvar' }).click();
		await expect(card.getByRole('status')).toHaveText('Alterações salvas.');
		await expect.poll(() => shownPhotos(page, edited.id)).toEqual([`/api/files/requests/${requestId}/${pool[0]}`]);

		const after = await postsOf(request, base, token, businessId);
		expect(after.find((p) => p.id === edited.id)?.photos).toEqual([pool[0]]);
		for (const other of others) {
			expect(after.find((p) => p.id === other.id)?.photos, `post ${other.id} keeps both photos`).toEqual(pool);
		}
		const res = await request.get(`${base}/api/collections/requests/records/${requestId}`, { headers: { Authorization: token } });
		expect(((await res.json()) as { photos: string[] }).photos).toEqual(pool);

		// The others still show both, loaded from storage after a reload.
		await page.reload();
		for (const other of others) {
			await expect.poll(() => shownPhotos(page, other.id)).toEqual(pool.map((name) => `/api/files/requests/${requestId}/${name}`));
			await expectLoaded(page, other.id);
		}
	});
});
