// The quality checks end to end: a post whose caption invents a price is
// stored with that check failed, and the operator sees why. The invented
// price is planted by fakellm (fault "invented_price") into the post it
// writes from the real prompt; everything else is the real stack.
// Runs after the journey (file order), whose first step needs ana without clients.
import type { APIRequestContext } from '@playwright/test';
import { test, expect, login, apiToken, snap, expectAccessible, ownClient } from './fixtures';

// Generates: a client address of its own for the per-IP limits (ownClient).
test.use(ownClient(26));

/** Creates a business of the token's operator through the API; returns its id. */
async function createBusiness(request: APIRequestContext, baseURL: string, token: string, data: Record<string, unknown>) {
	const owner = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).id as string;
	const created = await request.post(`${baseURL}/api/collections/businesses/records`, {
		headers: { Authorization: token },
		data: { owner, ...data }
	});
	expect(created.ok(), await created.text()).toBe(true);
	return ((await created.json()) as { id: string }).id;
}

test('a post with an invented price is stored with the check failed and its reason shown', async ({
	page,
	request,
	stack,
	fake
}) => {
	const [ana] = stack.operators;
	const token = await apiToken(request, stack.baseURL, ana);
	const id = await createBusiness(request, stack.baseURL, token, {
		name: 'Açaí do Seu Rai',
		segment: 'açaí',
		city: 'Belém',
		state: 'PA',
		neighbourhood: 'Jurunas',
		services: [
			{ name: 'açaí grosso (litro)', price_brl: 32 },
			{ name: 'combo açaí com peixe frito', price_brl: 38 }
		],
		facts: ['o açaí chega de barco das ilhas pela feira do Ver-o-Peso']
	});

	await fake.reset();
	await fake.script([{ fault: 'invented_price' }]);
	await page.goto(`/app/clientes/${id}`);
	await expect(page).toHaveURL(/\/entrar\?next=/);
	await login(page, ana);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Açaí do Seu Rai');
	await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('o açaí grosso de hoje veio do Combu');
	await page.getByRole('button', { name: 'Gerar post' }).click();
	await expect(page.getByText('1 post pronto.')).toBeVisible({ timeout: 60_000 });
	expect(await fake.pending()).toBe(0);

	const post = page.locator('article[data-post]').first();
	// The caption is the fake's post written from this profile and brief…
	await expect(post.locator('.caption')).toContainText('Jurunas');
	await expect(post.locator('.caption')).toContainText('R$ 37,90');
	// …and the badge names the check and the invented price, as an error.
	const check = post.locator('li[data-check="nothing_invented"]');
	await expect(check).toHaveClass(/error/);
	await expect(check.locator('.badge')).toContainText('Precisa ajustar:');
	await expect(check.locator('.badge')).toContainText('Nada inventado');
	await expect(check.locator('.reason')).toHaveText(
		'Não está no perfil nem no pedido: preço “R$ 37,90”. Confirme com o dono ou tire da legenda.'
	);
	// The other content checks pass on the same post, and are listed as passed.
	await post.getByText(/Ver checagens aprovadas/).click();
	for (const passed of ['specific_to_business', 'no_stock_phrases']) {
		await expect(post.locator(`li[data-check="${passed}"] .badge.ok`)).toBeVisible();
	}
	// A first post of a single-post request has no earlier opening and no
	// sibling to compare with: those checks do not apply, and are not
	// counted as passed.
	const summary = post.locator('.checks .summary');
	await expect(summary).toHaveText(/^\d+ de \d+ checagens ok, \d+ não se aplicam$/);
	await post.getByText(/Ver checagens que não se aplicam/).click();
	for (const na of ['new_hook', 'distinct_posts']) {
		await expect(post.locator(`li[data-check="${na}"][data-not-applicable] .badge.na`)).toBeVisible();
		await expect(post.locator(`li[data-check="${na}"] .badge.ok`)).toHaveCount(0);
	}
	await snap(page, 'invented-price-check');
	await expectAccessible(page, 'post with a failed check');

	// Stored that way: the server's record, not just what the page shows.
	const postId = await post.getAttribute('data-post');
	const stored = await request.get(`${stack.baseURL}/api/collections/posts/records/${postId}`, {
		headers: { Authorization: token }
	});
	expect(stored.ok()).toBe(true);
	const record = (await stored.json()) as { status: string; checks: { id: string; passed: boolean; severity: string; reason: string }[] };
	expect(record.status).toBe('ready');
	const invented = record.checks.find((c) => c.id === 'nothing_invented');
	expect(invented).toMatchObject({ passed: false, severity: 'error' });
	expect(invented?.reason).toContain('R$ 37,90');

	// Fixing the caption re-runs the checks: the price goes, the badge goes.
	await post.getByRole('button', { name: 'Editar' }).click();
	const caption = post.getByLabel('Legenda');
	const text = (await caption.inputValue()).replace(/\n\n[^\n]*R\$ 37,90[^\n]*/, '');
	expect(text).not.toContain('R$ 37,90');
	await caption.fill(text);
	await post.getByRole('button', { name: 'Salvar' }).click();
	await expect(post.getByRole('status')).toHaveText('Alterações salvas.');
	await expect(post.locator('li[data-check="nothing_invented"].error')).toHaveCount(0);
	// Nothing fails now, yet the card does not say "Todas as 17": it counts
	// what does not apply apart.
	await expect(summary).toHaveText(/^\d+ checagens ok, \d+ não se aplicam$/);
	await expect(summary).not.toContainText('Todas');
	await snap(page, 'checks-not-applicable');
});

test('a claim the client confirmed is stored on the post and added to the profile in one tap', async ({
	page,
	request,
	stack,
	fake
}) => {
	const [ana] = stack.operators;
	const token = await apiToken(request, stack.baseURL, ana);
	const id = await createBusiness(request, stack.baseURL, token, {
		name: 'Açaí da Mana',
		segment: 'açaí',
		city: 'Belém',
		state: 'PA',
		neighbourhood: 'Jurunas',
		services: [{ name: 'açaí grosso', price_brl: 32, unit: 'litro' }],
		facts: ['o açaí chega de barco pela feira do Ver-o-Peso']
	});

	// The model claims a delivery the profile does not mention.
	const caption =
		'O açaí grosso de hoje chegou do Combu pela feira do Ver-o-Peso, aqui no Jurunas.\n\nEntregamos na sua casa: é só chamar no WhatsApp.';
	await fake.reset();
	await fake.script([
		{
			content: JSON.stringify([
				{
					role: 'produto',
					hook: 'O açaí grosso de hoje chegou do Combu pela feira do Ver-o-Peso, aqui no Jurunas.',
					caption,
					hashtags: ['#acaidamana', '#jurunas', '#acaidebelem'],
					production_note: 'Foto da cuia de açaí grosso no balcão, luz da manhã.'
				}
			])
		}
	]);
	await page.goto(`/app/clientes/${id}`);
	await expect(page).toHaveURL(/\/entrar\?next=/);
	await login(page, ana);
	await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('o açaí grosso de hoje veio do Combu');
	await page.getByRole('button', { name: 'Gerar post' }).click();
	await expect(page.getByText('1 post pronto.')).toBeVisible({ timeout: 60_000 });

	const post = page.locator('article[data-post]').first();
	const check = post.locator('li[data-check="claims_backed"]');
	await expect(check).toHaveClass(/warning/);
	await expect(check.locator('.reason')).toContainText('entrega ou busca “entregamos”');
	await check.getByRole('button', { name: 'Confirmou e adicionar ao perfil' }).click();
	await expect(post.getByRole('status')).toHaveText('Confirmado e adicionado ao perfil.');
	await expect(post.locator('li[data-check="claims_backed"].warning')).toHaveCount(0);
	await expect(post.locator('[data-confirmed]')).toHaveText('O cliente confirmou: «entregamos».');

	// Stored on the post, and in the profile's facts.
	const postId = await post.getAttribute('data-post');
	const stored = (await (
		await request.get(`${stack.baseURL}/api/collections/posts/records/${postId}`, { headers: { Authorization: token } })
	).json()) as { confirmed_claims: string[]; checks: { id: string; passed: boolean }[] };
	expect(stored.confirmed_claims).toEqual(['entregamos']);
	expect(stored.checks.find((c) => c.id === 'claims_backed')?.passed).toBe(true);
	const biz = (await (
		await request.get(`${stack.baseURL}/api/collections/businesses/records/${id}`, { headers: { Authorization: token } })
	).json()) as { facts: string[] };
	expect(biz.facts).toContain('entregamos');
	await expectAccessible(page, 'post with a confirmed claim');
});

test('the business form stores units, delivery areas and opening hours for the checks', async ({ page, request, stack }) => {
	const [ana] = stack.operators;
	await page.goto('/app/clientes/novo');
	await expect(page).toHaveURL(/\/entrar\?next=/);
	await login(page, ana);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Novo cliente');
	await page.getByLabel(/Nome do negócio/).fill('Pão da Serra');
	await page.getByLabel(/Ramo/).fill('padaria');
	await page.getByLabel(/Cidade/).fill('Juiz de Fora');
	await page.getByLabel(/Estado/).selectOption('MG');
	await page.getByRole('button', { name: '+ Adicionar serviço' }).click();
	await page.getByLabel('Serviço 1').fill('Pão de queijo');
	await page.getByLabel('Preço (R$)').nth(0).fill('80');
	await page.getByLabel('Por', { exact: true }).nth(0).fill('cento');
	await page.getByLabel('Onde entrega').fill('São Mateus, Centro, São Mateus');
	await page.getByLabel('Dias e horários').fill('segunda a sábado, 6h às 20h');
	await page.getByRole('button', { name: 'Cadastrar cliente' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Pão da Serra');
	const id = new URL(page.url()).pathname.split('/').pop() as string;

	const token = await apiToken(request, stack.baseURL, ana);
	const stored = (await (
		await request.get(`${stack.baseURL}/api/collections/businesses/records/${id}`, { headers: { Authorization: token } })
	).json()) as { services: { name: string; price_brl: number; unit: string }[]; delivery_areas: string[]; opening_hours: string };
	expect(stored.services).toEqual([{ name: 'Pão de queijo', price_brl: 80, unit: 'cento' }]);
	expect(stored.delivery_areas).toEqual(['São Mateus', 'Centro']);
	expect(stored.opening_hours).toBe('segunda a sábado, 6h às 20h');

	await page.getByRole('link', { name: 'Editar perfil' }).click();
	await expect(page.getByLabel('Por', { exact: true }).nth(0)).toHaveValue('cento');
	await expect(page.getByLabel('Onde entrega')).toHaveValue('São Mateus, Centro');
	await expect(page.getByLabel('Dias e horários')).toHaveValue('segunda a sábado, 6h às 20h');
	await expectAccessible(page, 'business form with the claim fields');
});
