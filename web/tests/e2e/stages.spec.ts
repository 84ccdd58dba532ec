// A post's journey from the operator's side: the stage and the publish date
// on the card, moves through the server's rules (record an approval given
// on WhatsApp, publish, undo, archive) and the history filtered by stage.
import { test, expect, login, apiToken, expectAccessible, ownClient } from './fixtures';
import { createBusiness, seedPost, superuserToken } from './records';

// Generates: a client address of its own for the per-IP limits (ownClient).
test.use(ownClient(25));

test('stage and publish date: set the date, approve by WhatsApp, publish, undo, archive, filter', { tag: '@local-stack' }, async ({ page, request, stack }) => {
	if (!stack.superuser) throw new Error('needs a superuser of the stack, which only the local setup creates');
	const base = stack.baseURL;
	const [ana] = stack.operators;
	const token = await apiToken(request, base, ana);
	const id = await createBusiness(request, base, token, { name: 'Floricultura Ipê', segment: 'floricultura', city: 'Goiânia', state: 'GO' });
	const suToken = await superuserToken(request, base, stack.superuser);
	const post = (hook: string, brief: string) => ({
		business: id,
		brief,
		caption: `${hook} Flores do campo colhidas hoje, com entrega no setor.`,
		hashtags: ['#flores', '#goiania'],
		production_note: 'Foto do buquê na bancada, luz da manhã.',
		role: 'produto',
		hook,
		status: 'ready',
		checks: []
	});
	const keptId = await seedPost(request, base, suToken, post('Buquê de ipê', 'buquê de ipê amarelo'));
	const archivedId = await seedPost(request, base, suToken, post('Coroa de flores', 'coroa de flores'));

	await page.goto(`${base}/entrar?next=${encodeURIComponent(`/app/clientes/${id}`)}`);
	await login(page, ana);
	const card = (postId: string) => page.locator(`article[data-post="${postId}"]`);
	const kept = card(keptId);
	await expect(kept.locator('.tag.stage')).toHaveText('Rascunho');

	await test.step('the publish date is a calendar date, shown as set', async () => {
		await kept.getByLabel('Data de publicação').fill('2026-03-09');
		await kept.getByLabel('Data de publicação').dispatchEvent('change');
		await expect(kept.getByRole('status')).toHaveText('Data de publicação: 09/03/2026.');
		await expect(kept.locator('.tag.date')).toContainText('09/03/2026');
		const stored = await request.get(`${base}/api/collections/posts/records/${keptId}`, { headers: { Authorization: token } });
		expect(((await stored.json()) as { publish_on: string }).publish_on).toBe('2026-03-09');
	});

	await test.step('an approval given on WhatsApp, then published, then undone', async () => {
		await kept.getByRole('button', { name: 'Registrar aprovação pelo WhatsApp' }).click();
		await expect(kept.locator('.tag.stage')).toHaveText('Aprovado');
		await kept.getByRole('button', { name: 'Marcar como publicado' }).click();
		await expect(kept.locator('.tag.stage')).toHaveText('Publicado');
		await expectAccessible(page, 'post card with its stage');
		// Desfazer comes from the post's stored history: a reload keeps it.
		await page.reload();
		await expect(kept.locator('.tag.stage')).toHaveText('Publicado');
		await kept.getByRole('button', { name: 'Desfazer' }).click();
		await expect(kept.locator('.tag.stage')).toHaveText('Aprovado');
		await expect(kept.getByRole('status')).toHaveText('Mudança desfeita.');
		// An undo is not undone: gone now, and after a reload too.
		await expect(kept.getByRole('button', { name: 'Desfazer' })).toHaveCount(0);
		await page.reload();
		await expect(kept.locator('.tag.stage')).toHaveText('Aprovado');
		await expect(kept.getByRole('button', { name: 'Desfazer' })).toHaveCount(0);
		const events = await request.get(`${base}/api/collections/post_events/records?filter=${encodeURIComponent(`post='${keptId}'`)}&sort=created`, {
			headers: { Authorization: token }
		});
		const items = ((await events.json()) as { items: { to: string; via: string; undo: boolean }[] }).items;
		expect(items.map((e) => [e.to, e.via, e.undo])).toEqual([
			['aprovado', 'whatsapp', false],
			['publicado', '', false],
			['aprovado', '', true]
		]);
	});

	await test.step('archive the other; the history filters by stage', async () => {
		await card(archivedId).getByRole('button', { name: 'Arquivar' }).click();
		await expect(card(archivedId).locator('.tag.stage')).toHaveText('Arquivado');
		await page.getByLabel('Filtrar por etapa').selectOption('arquivado');
		await expect(page.locator('article[data-post]')).toHaveCount(1);
		await expect(card(archivedId)).toBeVisible();
		await page.getByLabel('Filtrar por etapa').selectOption('aprovado');
		await expect(page.locator('article[data-post]')).toHaveCount(1);
		await expect(kept).toBeVisible();
		await page.getByLabel('Filtrar por etapa').selectOption('publicado');
		await expect(page.getByText('Nenhum post na etapa publicado.')).toBeVisible();
	});
});

test('the brief form shows what automático picks and why, and a type chosen per post is what gets written', { tag: '@local-stack' }, async ({ page, request, stack }) => {
	const base = stack.baseURL;
	const [ana] = stack.operators;
	const token = await apiToken(request, base, ana);
	const id = await createBusiness(request, base, token, { name: 'Barbearia do Zé', segment: 'barbearia', city: 'Recife', state: 'PE' });
	await page.goto(`${base}/entrar?next=${encodeURIComponent(`/app/clientes/${id}`)}`);
	await login(page, ana);

	await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('corte + barba por R$ 60 só nesta sexta');
	await page.getByRole('radio', { name: '2' }).check();
	const hint = page.locator('.auto-types');
	await expect(hint).toContainText('Automático escolheria: Oferta, Produto');
	await expect(hint).toContainText('O pedido fala de preço ou prazo: uma oferta, com motivo para agir agora.');
	await page.getByLabel('Post 2').selectOption('dica');
	await expect(hint).toContainText('Automático escolheria: Oferta');
	await expectAccessible(page, 'brief form with types');
	await page.getByRole('button', { name: 'Gerar 2 posts' }).click();
	const roles = page.locator('article[data-post] h3 .role');
	await expect(roles).toHaveCount(2);
	// Two posts of one request: their order on the page is not the request's.
	await expect.poll(async () => (await roles.allTextContents()).map((r) => r.trim()).sort()).toEqual(['Dica', 'Oferta']);
});
