// From the client's photos to a finished post, against the real stack: the
// browser scales the photos (upright, no metadata), the server stores them
// as protected files and sends the writer smaller copies (checked at the
// fake provider), and the post card downloads, shares and sends them.
import { readFileSync } from 'node:fs';
import type { APIRequestContext, Page, Response } from '@playwright/test';
import { test, expect, snap, expectAccessible, apiSession, apiToken } from './fixtures';
import { readStack, type Operator } from './stack';
import { containsASCII, FIXTURE_MAKE, inspectJPEG, withExif } from './jpeg';
import { paintPhoto } from './synthetic-photo';

const BUSINESS = 'Ateliê da Lu';
const PHONE = '5519998765432'; // stored form of (19) 99876-5432
const OWNER_WHATSAPP = '5519991234567'; // stored form of (19) 99123-4567
// Campinas: the kind of position a client's photo must not carry.
const GPS = { latitude: -22.9056, longitude: -47.0608 };

/** A phone-sized JPEG painted in the page, with EXIF orientation, camera make and GPS planted. */
async function phonePhoto(page: Page, width: number, height: number, seed: number, orientation: number): Promise<Buffer> {
	const painted = Buffer.from(await page.evaluate(paintPhoto, { width, height, seed }), 'base64');
	return Buffer.from(withExif(painted, { orientation, ...GPS }));
}

interface SentPart {
	name: string;
	value?: string;
	filename?: string;
	type?: string;
	base64?: string;
}

/**
 * Records the multipart bodies the app sends with fetch, part by part.
 * Chromium does not hand Playwright request bodies made of files, so the
 * page records them itself (installed before the app's scripts run).
 */
async function recordUploads(page: Page): Promise<void> {
	await page.addInitScript(() => {
		const w = window as unknown as { uploads: { url: string; parts: SentPart[] }[] };
		w.uploads = [];
		const original = window.fetch.bind(window);
		window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
			if (init?.body instanceof FormData) {
				const parts: SentPart[] = [];
				for (const [name, value] of init.body.entries()) {
					if (typeof value === 'string') {
						parts.push({ name, value });
						continue;
					}
					const bytes = new Uint8Array(await value.arrayBuffer());
					let binary = '';
					for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
					parts.push({ name, filename: value.name, type: value.type, base64: btoa(binary) });
				}
				w.uploads.push({ url: String(input), parts });
			}
			return original(input, init);
		};
	});
}

async function sentUploads(page: Page): Promise<{ url: string; parts: SentPart[] }[]> {
	return page.evaluate(() => (window as unknown as { uploads: { url: string; parts: SentPart[] }[] }).uploads);
}

/**
 * A response as a failure message shows it: the status and the start of the
 * body (the server's JSON names its error code; a proxy's own 502 has none).
 */
async function answered(res: Response): Promise<string> {
	const body = await res.text().catch((err: Error) => `(no body: ${err.message})`);
	return `${res.status()} ${body.slice(0, 300) || '(empty body)'}`;
}

function expectCleanJPEG(bytes: Uint8Array, longEdge: number, what: string) {
	const info = inspectJPEG(bytes);
	expect(Math.max(info.width, info.height), `${what}: long edge`).toBeLessThanOrEqual(longEdge);
	// Orientation 6 was applied: the landscape-stored photo is portrait.
	expect(info.height, `${what}: upright`).toBeGreaterThan(info.width);
	expect(info.exif, `${what}: EXIF`).toBe(false);
	expect(info.markers, `${what}: no APP1 (EXIF/XMP)`).not.toContain(0xe1);
	expect(containsASCII(bytes, FIXTURE_MAKE), `${what}: camera make`).toBe(false);
	return info;
}

/**
 * Signs the page in as `operator` (the SDK's stored session, as the login
 * page leaves it), creates a business for them and opens its page.
 */
/** A downloaded photo's name: the business (BUSINESS), the post's local date and time, the position. */
function photoName(position: number): RegExp {
	return new RegExp(`^atelie-da-lu-\\d{4}-\\d{2}-\\d{2}-\\d{4}-foto-${position}\\.jpg$`);
}

async function openNewBusiness(page: Page, request: APIRequestContext, operator: Operator, data: Record<string, unknown>) {
	const session = await apiSession(request, readStack().baseURL, operator);
	await page.addInitScript((auth) => localStorage.setItem('pocketbase_auth', JSON.stringify(auth)), session);
	const res = await request.post('/api/collections/businesses/records', {
		headers: { Authorization: session.token },
		data: { owner: session.record.id, segment: 'ateliê de costura', city: 'Campinas', state: 'SP', ...data }
	});
	expect(res.ok(), await res.text()).toBe(true);
	const businessId = ((await res.json()) as { id: string }).id;
	await page.goto(`/app/clientes/${businessId}`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(String(data.name));
	return { businessId, token: session.token };
}

test('photos: attach, scale, generate, see, download, share, send for approval, edit; files stay private', async ({
	page,
	request,
	stack,
	fake
}) => {
	const [ana, bruno] = stack.operators;
	await recordUploads(page);
	const { businessId, token: anaToken } = await openNewBusiness(page, request, ana, {
		name: BUSINESS,
		phone: '(19) 99876-5432',
		owner_name: 'Lu Campos',
		owner_whatsapp: '(19) 99123-4567'
	});

	const picker = page.locator('[data-photo-picker]').first();
	const previews = page.getByRole('list', { name: 'Fotos escolhidas' }).getByRole('img');

	await test.step('files that are not photos are refused in Portuguese', async () => {
		await page.getByLabel('Adicionar fotos', { exact: true }).setInputFiles({
			name: 'cardapio.pdf',
			mimeType: 'application/pdf',
			buffer: Buffer.from('%PDF-1.4\n%âãÏÓ\n')
		});
		await expect(picker.getByRole('alert')).toHaveText('“cardapio.pdf” não é uma foto. Escolha imagens JPEG, PNG ou WebP.');
		await expect(previews).toHaveCount(0);
		// A text file renamed to .jpg claims to be an image: decoding decides.
		await page.getByLabel('Adicionar fotos', { exact: true }).setInputFiles({
			name: 'foto.jpg',
			mimeType: 'image/jpeg',
			buffer: Buffer.from('não sou uma foto\n'.repeat(50))
		});
		await expect(picker.getByRole('alert')).toHaveText('Não foi possível abrir “foto.jpg”. Escolha uma foto JPEG, PNG ou WebP.');
		await expect(previews).toHaveCount(0);
	});

	await test.step('attach two 12 MP photos: one chosen, one dropped; both previewed upright', async () => {
		// Stored on its side (orientation 6), as phones do when held upright.
		const first = await phonePhoto(page, 4032, 3024, 11, 6);
		const second = await phonePhoto(page, 4032, 3024, 22, 6);
		expect(inspectJPEG(first).exif).toBe(true);
		expect(first.length).toBeGreaterThan(2_000_000); // a real phone photo's weight

		await page.getByLabel('Adicionar fotos', { exact: true }).setInputFiles({ name: 'IMG_0001.JPG', mimeType: 'image/jpeg', buffer: first });
		await expect(previews).toHaveCount(1);
		await expect(picker.getByRole('alert')).toHaveCount(0);

		const dataTransfer = await page.evaluateHandle((b64) => {
			const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
			const dt = new DataTransfer();
			dt.items.add(new File([bytes], 'IMG_0002.JPG', { type: 'image/jpeg' }));
			return dt;
		}, second.toString('base64'));
		await picker.dispatchEvent('dragover', { dataTransfer });
		await picker.dispatchEvent('drop', { dataTransfer });
		await expect(previews).toHaveCount(2);
		await expect(previews.nth(1)).toHaveAttribute('alt', 'Foto 2 de 2');
		for (const img of await previews.all()) {
			await expect.poll(() => img.evaluate((el: HTMLImageElement) => [el.naturalWidth, el.naturalHeight])).toEqual([1200, 1600]);
		}
		await expect(page.getByRole('button', { name: 'Remover foto 1' })).toBeVisible();
		// Like the brief, chosen photos survive a reload (a phone may discard the tab while the camera is open).
		await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('vestidos');
		await page.reload();
		await expect(previews).toHaveCount(2);
		await expect(page.getByLabel('O que aconteceu ou o que quer divulgar?')).toHaveValue('vestidos');
		await snap(page, 'photos-attached');
		await expectAccessible(page, 'brief form with photos');
	});

	let postId = '';
	let captionText = '';
	await test.step('generate with one word: the browser uploads two scaled photos, the writer gets two smaller ones', async () => {
		await fake.reset();
		await page.getByRole('button', { name: 'Gerar post' }).click();
		// The click starts the upload: the page records it once the photos are
		// scaled and read, which a loaded machine takes a while to do.
		await expect.poll(async () => (await sentUploads(page)).length, { timeout: 60_000 }).toBeGreaterThan(0);
		const uploads = await sentUploads(page);
		expect(uploads.map((u) => new URL(u.url).pathname)).toEqual([`/api/rekan/businesses/${businessId}/posts:generate`]);
		const parts = uploads[0].parts;
		expect(parts.find((p) => p.name === 'brief')?.value).toBe('vestidos');
		expect(parts.find((p) => p.name === 'count')?.value).toBe('1');
		const uploaded = parts.filter((p) => p.name === 'photos');
		expect(uploaded.map((p) => [p.filename, p.type])).toEqual([
			['foto-1.jpg', 'image/jpeg'],
			['foto-2.jpg', 'image/jpeg']
		]);
		for (const [i, p] of uploaded.entries()) {
			const bytes = Buffer.from(p.base64!, 'base64');
			const info = expectCleanJPEG(bytes, 1600, `uploaded photo ${i + 1}`);
			expect([info.width, info.height]).toEqual([1200, 1600]);
			expect(bytes.length, 'bytes uploaded per photo').toBeLessThanOrEqual(600 * 1024);
		}

		await expect(page.getByText('1 post pronto.')).toBeVisible({ timeout: 60_000 });
		const post = page.locator('article[data-post]').first();
		postId = (await post.getAttribute('data-post'))!;

		const sent = await fake.images();
		expect(sent, 'images the provider received').toHaveLength(2);
		for (const [i, image] of sent.entries()) {
			expect(image).toMatchObject({ media_type: 'image/jpeg', format: 'jpeg', has_exif: false, has_metadata: false });
			expect(image.error).toBeUndefined();
			const info = expectCleanJPEG(Buffer.from(image.data!, 'base64'), 1024, `photo ${i + 1} sent to the LLM`);
			expect([info.width, info.height]).toEqual([image.width, image.height]);
		}
		// The form is ready for the next brief, with nothing kept for it.
		await expect(previews).toHaveCount(0);
		await page.reload();
		await expect(page.locator(`article[data-post="${postId}"]`)).toBeVisible();
		await expect(previews).toHaveCount(0);
		captionText = (await post.locator('.caption').innerText()).trim();
		expect(captionText).not.toBe('');
	});

	const post = page.locator(`article[data-post="${postId}"]`);
	const postPhotos = post.getByRole('list', { name: 'Fotos do post' }).getByRole('img');
	let expectedText = '';

	await test.step('the post shows its photos through protected thumbs', async () => {
		await expect(postPhotos).toHaveCount(2);
		await expect(post.getByText('Como ajustar as fotos')).toBeVisible();
		for (const img of await postPhotos.all()) {
			await expect(img).toHaveAttribute('src', /[?&]token=[^&]+/);
			await expect(img).toHaveAttribute('src', /[?&]thumb=400x400/);
			await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(400);
		}
		// Each thumb opens the large version (PocketBase's 1080x0 thumb) in a new tab.
		const large = post.getByRole('link', { name: 'Foto 1 de 2 (abrir maior)' });
		await expect(large).toHaveAttribute('target', '_blank');
		const largeRes = await request.get(new URL((await large.getAttribute('href'))!, stack.baseURL).toString());
		expect(largeRes.status()).toBe(200);
		expect(inspectJPEG(await largeRes.body())).toMatchObject({ width: 1080, height: 1440 });
		const hashtags = (await post.locator('.hashtags').innerText()).trim();
		expectedText = `${captionText}\n\n${hashtags}`;
		await snap(page, 'post-with-photos');
		await expectAccessible(page, 'post with photos');
	});

	await test.step('download one photo', async () => {
		const [download] = await Promise.all([
			page.waitForEvent('download'),
			post.getByRole('button', { name: 'Baixar foto 1' }).click()
		]);
		// Named after the business and the post's date, not record ids.
		expect(download.suggestedFilename()).toMatch(photoName(1));
		const bytes = readFileSync((await download.path())!);
		expectCleanJPEG(bytes, 1600, 'downloaded photo');
	});

	await test.step('share: the system sheet gets both files and the text where it can', async () => {
		// A phone's share sheet, stubbed at the browser API. The first call is
		// refused as when the tap is too long ago (the photos were downloading).
		await page.evaluate(() => {
			const w = window as unknown as { shared: { files: { name: string; type: string; size: number }[]; text?: string }[] };
			w.shared = [];
			let refuse = true;
			Object.defineProperty(navigator, 'canShare', { configurable: true, value: (d: ShareData) => Boolean(d.files?.length) });
			Object.defineProperty(navigator, 'share', {
				configurable: true,
				value: async (d: ShareData) => {
					if (refuse) {
						refuse = false;
						throw new DOMException('Must be handling a user gesture to perform a share request.', 'NotAllowedError');
					}
					w.shared.push({ files: (d.files ?? []).map((f) => ({ name: f.name, type: f.type, size: f.size })), text: d.text });
				}
			});
		});
		await post.getByRole('button', { name: 'Compartilhar' }).click();
		await expect(post.getByRole('status')).toHaveText('Fotos prontas. Toque em Compartilhar de novo.');
		await post.getByRole('button', { name: 'Compartilhar' }).click();
		await expect(post.getByRole('status')).toHaveText('Post compartilhado.');
		const shared = await page.evaluate(() => (window as unknown as { shared: unknown[] }).shared);
		expect(shared).toEqual([
			{
				files: [
					{ name: expect.stringMatching(photoName(1)), type: 'image/jpeg', size: expect.any(Number) },
					{ name: expect.stringMatching(photoName(2)), type: 'image/jpeg', size: expect.any(Number) }
				],
				text: expectedText
			}
		]);
	});

	await test.step('share fallback: without file sharing, the photos download and the text is copied', async () => {
		await page.evaluate(() => {
			Object.defineProperty(navigator, 'canShare', { configurable: true, value: () => false });
			Object.defineProperty(navigator, 'share', { configurable: true, value: undefined });
			return navigator.clipboard.writeText('');
		});
		const downloads: string[] = [];
		const onDownload = (d: { suggestedFilename(): string }) => downloads.push(d.suggestedFilename());
		page.on('download', onDownload);
		await post.getByRole('button', { name: 'Compartilhar' }).click();
		await expect(post.getByRole('status')).toHaveText('Fotos baixadas e legenda copiada: é só colar no Instagram.');
		await expect.poll(() => downloads.sort()).toEqual([expect.stringMatching(photoName(1)), expect.stringMatching(photoName(2))]);
		page.off('download', onDownload);
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expectedText);
	});

	await test.step('the card sends this one post for approval: a link for the owner, not the caption to the public phone', async () => {
		await expect(post.getByRole('link', { name: /aprovar/i })).toHaveCount(0);
		await post.getByRole('button', { name: 'Enviar este post para aprovação' }).click();
		const wa = page.getByRole('link', { name: 'Enviar pelo WhatsApp' });
		await expect(wa).toBeVisible();
		await expect(wa).toBeInViewport();
		const href = new URL((await wa.getAttribute('href'))!);
		expect(href.origin).toBe('https://wa.me');
		expect(href.pathname).toBe(`/${OWNER_WHATSAPP}`);
		const text = href.searchParams.get('text')!;
		expect(text).toMatch(/^Oi, Lu! /);
		expect(text).toMatch(/\/aprovar#\S+/);
		expect(text).not.toContain(expectedText);
		await expect(wa).toHaveAttribute('target', '_blank');
		await expect(post.getByText(/^Aguardando cliente \(enviado hoje\)/)).toBeVisible();
		await page.getByRole('button', { name: 'Fechar' }).click();
	});

	await test.step('edit: remove one photo, add another, within the limit', async () => {
		const before = await postPhotos.evaluateAll((imgs) => imgs.map((i) => new URL((i as HTMLImageElement).src).pathname));
		await post.getByRole('button', { name: 'Editar' }).click();
		const stored = post.getByRole('list', { name: 'Fotos salvas' }).getByRole('img');
		await expect(stored).toHaveCount(2);
		await post.getByRole('button', { name: 'Remover foto 2' }).click();
		const extra = await phonePhoto(page, 3024, 4032, 33, 1); // already upright
		await post.getByLabel('Adicionar foto', { exact: true }).setInputFiles({ name: 'IMG_0003.JPG', mimeType: 'image/jpeg', buffer: extra });
		await expect(post.getByRole('list', { name: 'Fotos escolhidas' }).getByRole('img')).toHaveCount(1);
		await snap(page, 'post-photo-edit');
		await expectAccessible(page, 'post editor with photos');
		await post.getByRole('button', { name: 'Salvar' }).click();
		await expect(post.getByRole('status')).toHaveText('Alterações salvas.');
		await expect(postPhotos).toHaveCount(2);
		const after = await postPhotos.evaluateAll((imgs) => imgs.map((i) => new URL((i as HTMLImageElement).src).pathname));
		expect(after[0]).toBe(before[0]);
		expect(after[1]).not.toBe(before[1]);

		const record = await request.get(`${stack.baseURL}/api/collections/posts/records/${postId}`, {
			headers: { Authorization: anaToken }
		});
		expect(((await record.json()) as { photos: string[] }).photos).toHaveLength(2);
	});

	await test.step('a photo URL opens only with a file token of the owner', async () => {
		const record = await request.get(`${stack.baseURL}/api/collections/posts/records/${postId}`, {
			headers: { Authorization: anaToken }
		});
		// A post shows its request's photos, which the request stores once.
		const { photos, request: requestId } = (await record.json()) as { photos: string[]; request: string };
		const fileURL = `${stack.baseURL}/api/files/requests/${requestId}/${photos[0]}`;
		const fileToken = async (auth: string) => {
			const res = await request.post(`${stack.baseURL}/api/files/token`, { headers: { Authorization: auth } });
			expect(res.ok()).toBe(true);
			return ((await res.json()) as { token: string }).token;
		};

		const owner = await request.get(`${fileURL}?token=${await fileToken(anaToken)}`);
		expect(owner.status()).toBe(200);
		expect(owner.headers()['content-type']).toBe('image/jpeg');

		expect((await request.get(fileURL)).status()).toBe(404);
		const brunoToken = await apiToken(request, stack.baseURL, bruno);
		const other = await request.get(`${fileURL}?token=${await fileToken(brunoToken)}`);
		expect(other.status()).toBe(404);
		expect((await other.body()).length).toBeLessThan(1000); // an error, not the photo
	});
});

test("without the owner's WhatsApp, a post sent for approval gets a link to copy and says what is missing", async ({ page, request, stack }) => {
	const [ana] = stack.operators;
	const { businessId, token } = await openNewBusiness(page, request, ana, { name: 'Costura da Nena', phone: '(19) 3233-4455' });
	// JSON without photos, as before photos existed.
	const generated = await request.post(`${stack.baseURL}/api/rekan/businesses/${businessId}/posts:generate`, {
		headers: { Authorization: token },
		data: { brief: 'ajustes de barra em 1 dia', count: 1 }
	});
	expect(generated.ok(), await generated.text()).toBe(true);
	const [created] = ((await generated.json()) as { posts: { id: string; photos?: string[] }[] }).posts;
	expect(created.photos ?? []).toEqual([]);

	await page.reload();
	const post = page.locator(`article[data-post="${created.id}"]`);
	// The absences below would hold before the reloaded page shows the post.
	await expect(post).toBeVisible();
	await expect(post.getByRole('list', { name: 'Fotos do post' })).toHaveCount(0);
	// The public phone (a landline here) is never where approval goes.
	await expect(post.getByRole('link', { name: /aprovar/i })).toHaveCount(0);
	await post.getByRole('button', { name: 'Enviar este post para aprovação' }).click();
	await expect(page.getByRole('button', { name: 'Copiar link' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Enviar pelo WhatsApp' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'cadastre o WhatsApp do dono' })).toHaveAttribute('href', `/app/clientes/${businessId}/editar`);
	await expect(post.getByText(/^Aguardando cliente \(enviado hoje\)/)).toBeVisible();
});

test('a failed generation keeps its photos; retry sends them to the writer again', async ({ page, request, stack, fake }) => {
	const [ana] = stack.operators;
	await openNewBusiness(page, request, ana, { name: 'Bordados da Rita', phone: '11987654321' });

	const photo = await phonePhoto(page, 2400, 1800, 44, 6);
	await page.getByLabel('Adicionar fotos', { exact: true }).setInputFiles({ name: 'IMG_0044.JPG', mimeType: 'image/jpeg', buffer: photo });
	await expect(page.getByRole('list', { name: 'Fotos escolhidas' }).getByRole('img')).toHaveCount(1);
	await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('toalhinhas');

	await fake.reset();
	// The writer client makes 1 attempt + 3 retries (eval/baml_src/clients.baml).
	await fake.script([{ status: 500, body: '{"error":{"message":"upstream exploded"}}', times: 4 }]);
	// Kept to say, should the provider not see the photo, what the app was told.
	const generated = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/posts:generate'));
	await page.getByRole('button', { name: 'Gerar post' }).click();
	const alert = page.locator('[data-problem="provider"]');
	await expect(alert).toContainText('Não foi possível gerar', { timeout: 60_000 });
	expect(await fake.images(), `every attempt carried the photo; posts:generate answered ${await answered(await generated)}`).toHaveLength(4);
	const failed = page.locator('article[data-post].failed');
	await expect(failed).toHaveCount(1);
	await expect(failed.getByRole('list', { name: 'Fotos do post' }).getByRole('img')).toHaveCount(1);
	// The form keeps what was sent, in case the operator wants to change it.
	await expect(page.getByRole('list', { name: 'Fotos escolhidas' }).getByRole('img')).toHaveCount(1);
	// One way to retry it: the notice's button, not a second one on the card.
	await expect(page.getByRole('button', { name: 'Tentar de novo' })).toHaveCount(1);

	await fake.reset();
	const retried = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(':retry'));
	await alert.getByRole('button', { name: 'Tentar de novo' }).click();
	await expect(page.getByText('1 post pronto.')).toBeVisible({ timeout: 60_000 });
	const sent = await fake.images();
	expect(sent, `the retry carried the photo; :retry answered ${await answered(await retried)}`).toHaveLength(1);
	expectCleanJPEG(Buffer.from(sent[0].data!, 'base64'), 1024, 'photo sent again on retry');
	const post = page.locator('article[data-post]').first();
	await expect(post).not.toHaveClass(/failed/);
	await expect(post.getByRole('list', { name: 'Fotos do post' }).getByRole('img')).toHaveCount(1);
	await expect(page.getByRole('list', { name: 'Fotos escolhidas' })).toHaveCount(0);
});
