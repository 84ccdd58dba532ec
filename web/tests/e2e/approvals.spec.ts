// The client approves on the phone, without an account (issue 24): the
// operator sends two posts with photos, the owner opens the link in a
// browser with no session, approves one and asks for a change on the other;
// the operator sees both, revises the second with the LLM, the owner
// approves the revision on the same link, and the operator publishes both.
import { test, expect, expectAccessible, apiSession, snap, ownClient, realtimeSubscribed, deleteClientAfterEach } from './fixtures';
import { readStack } from './stack';
import { paintPhoto } from './synthetic-photo';

// Generates: a client address of its own for the per-IP limits (ownClient).
test.use(ownClient(23));

const deleteAfter = deleteClientAfterEach();

test('approval: send, decide without an account, revise from the note, approve, publish', async ({
	page,
	browser,
	request,
	stack
}) => {
	const [ana] = stack.operators;
	const session = await apiSession(request, readStack().baseURL, ana);
	await page.addInitScript((auth) => localStorage.setItem('pocketbase_auth', JSON.stringify(auth)), session);
	const res = await request.post('/api/collections/businesses/records', {
		headers: { Authorization: session.token },
		data: {
			owner: session.record.id,
			name: 'Doceria da Carla',
			segment: 'confeitaria',
			city: 'Campinas',
			state: 'SP',
			phone: '(19) 3233-4455',
			owner_name: 'Carla Mendes',
			owner_whatsapp: '(19) 99876-1234',
			services: [{ name: 'Bolo de pote', price_brl: 12.5 }]
		}
	});
	expect(res.ok(), await res.text()).toBe(true);
	const businessId = ((await res.json()) as { id: string }).id;
	deleteAfter(businessId, session.token);
	// The decisions reach the operator's page by realtime, which sends
	// nothing to a page that subscribes after them.
	const listening = realtimeSubscribed(page, 'approval_decisions/*');
	await page.goto(`/app/clientes/${businessId}`);

	await test.step('the operator generates two posts with photos', async () => {
		const photo = Buffer.from(await page.evaluate(paintPhoto, { width: 800, height: 1000, seed: 7 }), 'base64');
		await page.getByLabel('Adicionar fotos', { exact: true }).setInputFiles([
			{ name: 'bolo1.jpg', mimeType: 'image/jpeg', buffer: photo },
			{ name: 'bolo2.jpg', mimeType: 'image/jpeg', buffer: photo }
		]);
		await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('bolo de pote de ninho com morango, R$ 12,50');
		await page.getByRole('radio', { name: '2' }).check();
		await page.getByRole('button', { name: 'Gerar 2 posts' }).click();
		await expect(page.locator('article[data-post]')).toHaveCount(2, { timeout: 60_000 });
	});

	const cards = page.locator('article[data-post]');
	const first = cards.nth(0);
	const second = cards.nth(1);
	const firstId = (await first.getAttribute('data-post'))!;
	const secondId = (await second.getAttribute('data-post'))!;

	let link = '';
	await test.step('the operator sends both for approval and gets a WhatsApp message for the owner', async () => {
		await first.getByLabel('Incluir na aprovação').check();
		await second.getByLabel('Incluir na aprovação').check();
		await page.getByRole('button', { name: 'Enviar para aprovação (2)' }).click();
		const wa = page.getByRole('link', { name: 'Enviar pelo WhatsApp' });
		await expect(wa).toBeVisible();
		const href = new URL((await wa.getAttribute('href'))!);
		expect(href.host + href.pathname).toBe('wa.me/5519998761234');
		const text = href.searchParams.get('text')!;
		expect(text).toMatch(/^Oi, Carla! /);
		expect(text).toContain('os 2 posts novos');
		link = text.match(/https?:\/\/\S+\/aprovar#\S+/)![0];
		await page.getByRole('button', { name: 'Copiar link' }).click();
		// The button says so once the clipboard holds the link.
		await expect(page.getByRole('button', { name: 'Link copiado' })).toBeVisible();
		expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
		await expect(first.getByText(/^Aguardando cliente \(enviado hoje\)/)).toBeVisible();
	});

	// The owner: another browser context, no session, no cookies.
	const client = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'pt-BR' });
	const phone = await client.newPage();
	const apiPaths: string[] = [];
	phone.on('request', (r) => {
		if (r.url().includes('/api/')) apiPaths.push(new URL(r.url()).pathname + new URL(r.url()).search);
	});

	await test.step('the owner opens the link: the posts, the business, no app chrome; the token leaves the address bar', async () => {
		const response = await phone.goto(link);
		expect(response?.headers()['referrer-policy']).toBe('no-referrer');
		expect(response?.headers()['x-robots-tag']).toContain('noindex');
		await expect(phone.getByRole('heading', { level: 1 })).toHaveText('Doceria da Carla');
		await expect(phone.locator('article.post')).toHaveCount(2);
		await expect(phone.locator('article.post').first().getByRole('img')).toHaveCount(2);
		// The first photo loads alone, then the rest: every one ends up shown.
		await expect
			.poll(() => phone.locator('article.post img').evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth > 0)))
			.toEqual([true, true, true, true]);
		expect(phone.url()).not.toContain('#');
		await expect(phone.getByRole('link', { name: 'Entrar' })).toHaveCount(0);
		await expect(phone.getByRole('link', { name: 'Termos de uso e privacidade' })).toBeVisible();
		const token = link.split('#')[1];
		expect(apiPaths.some((p) => p.includes(token))).toBe(false);
		await expectAccessible(phone, 'approval page');
		await snap(phone, 'approval-client');
	});

	await test.step('approves one, asks for a change on the other (a note is required)', async () => {
		await listening;
		const posts = phone.locator('article.post');
		await phone.getByLabel('Seu nome (opcional)').fill('Carla');
		await posts.nth(0).getByRole('button', { name: 'Aprovar' }).click();
		await expect(posts.nth(0).getByText(/Aprovado por Carla em/)).toBeVisible();
		await posts.nth(1).getByRole('button', { name: 'Pedir ajuste' }).click();
		await posts.nth(1).getByRole('button', { name: 'Enviar pedido de ajuste' }).click();
		await expect(posts.nth(1).getByRole('alert')).toHaveText('Conte o que precisa mudar.');
		await posts.nth(1).getByLabel('O que precisa mudar?').fill('tira o preço');
		await posts.nth(1).getByRole('button', { name: 'Enviar pedido de ajuste' }).click();
		await expect(phone.getByRole('heading', { name: /Obrigado, Carla!/ })).toBeVisible();
		await expectAccessible(phone, 'approval thanks');
	});

	await test.step('the operator sees both without reloading', async () => {
		await expect(page.getByRole('button', { name: /respostas? novas?/ })).toBeVisible();
		await expect(page.locator(`article[data-post="${firstId}"]`).getByText(/^Aprovado por Carla em \d\d\/\d\d às \d\d:\d\d/)).toBeVisible();
		await expect(page.locator(`article[data-post="${secondId}"]`).getByText('Ajuste pedido: «tira o preço»')).toBeVisible();
	});

	await test.step('the operator revises the second post from the note', async () => {
		const card = page.locator(`article[data-post="${secondId}"]`);
		await card.getByRole('button', { name: 'Refazer com o pedido do cliente' }).click();
		await expect(card.locator('.caption')).toContainText('do jeito que você pediu', { timeout: 60_000 });
		await expect(card.locator('.caption')).not.toContainText('R$');
		await expect(card.getByText(/^Aguardando cliente/)).toBeVisible();
	});

	await test.step('the owner reopens the link: the revision is there to approve', async () => {
		// A fresh load, as reopening the WhatsApp message does (a fragment-only change would not reload).
		await phone.goto('about:blank');
		await phone.goto(link);
		const revised = phone.locator('article.post').nth(1);
		await expect(revised).toContainText('do jeito que você pediu');
		await expect(phone.locator('article.post').nth(0).getByText(/Aprovado por Carla em/)).toBeVisible();
		await revised.getByRole('button', { name: 'Aprovar' }).click();
		await expect(phone.getByRole('heading', { name: /Obrigado, Carla!/ })).toBeVisible();
	});

	await test.step('the operator publishes both; the link cannot change them any more', async () => {
		for (const id of [firstId, secondId]) {
			const card = page.locator(`article[data-post="${id}"]`);
			await expect(card.getByText(/^Aprovado por Carla/)).toBeVisible();
			await card.getByRole('button', { name: 'Marcar como publicado' }).click();
			await expect(card.getByRole('button', { name: 'Marcar como publicado' })).toHaveCount(0);
		}
		await phone.goto('about:blank');
		await phone.goto(link);
		await phone.getByRole('button', { name: 'Rever ou mudar respostas' }).click();
		await expect(phone.getByText('Este post já foi publicado.')).toHaveCount(2);
		await expect(phone.getByRole('button', { name: 'Aprovar' })).toHaveCount(0);
	});
	await client.close();
});
