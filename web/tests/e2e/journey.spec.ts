// The operator's day, end to end, against the real server binary serving the
// real build, the real BAML runtime, and fakellm as the LLM provider.
import { test, expect, snap, login, apiToken, expectAccessible } from './fixtures';
import { createBusiness, seedPost, superuserToken } from './records';

const BUSINESS = 'Doces da Cida';

test('operator journey: login, client, generation, edit, copy, failure, retry, logout, deep link', async ({
	page,
	stack,
	fake
}) => {
	const [ana] = stack.operators;
	let businessPath = '';

	await test.step('landing page with runtime config', async () => {
		await page.goto('/');
		await expect(page).toHaveTitle(/conteúdo para o Instagram/);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('De uma frase a um post pronto para o Instagram');
		await expect(page.getByRole('heading', { name: 'Como funciona' })).toBeVisible();
		// The contact number comes from GET /api/rekan/config, not from the build.
		await expect(page.getByRole('link', { name: '(11) 98765-4321' }).first()).toBeVisible();
		await snap(page, 'landing');
		await expectAccessible(page, 'landing');
	});

	await test.step('login: wrong password, then the right one', async () => {
		await page.getByRole('banner').getByRole('link', { name: 'Entrar' }).click();
		await expect(page).toHaveURL(/\/entrar$/);
		await login(page, { email: ana.email, password: 'not-the-password' });
		await expect(page.getByRole('alert')).toHaveText('E-mail ou senha incorretos.');
		await expect(page.getByLabel('Senha')).toHaveValue('');
		await snap(page, 'login-error');
		await expectAccessible(page, 'login with an error');
		await login(page, ana);
		await expect(page).toHaveURL(/\/app$/);
		await expect(page.getByRole('heading', { name: 'Nenhum cliente ainda' })).toBeVisible();
	});

	await test.step('create a business, with validation errors first', async () => {
		await page.getByRole('link', { name: '+ Novo cliente' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Novo cliente');
		await page.getByRole('button', { name: 'Cadastrar cliente' }).click();
		await expect(page.getByRole('alert')).toHaveText('Corrija os 4 campos destacados.');
		await expect(page.getByLabel(/Nome do negócio/)).toBeFocused();
		await expect(page.getByLabel(/Nome do negócio/)).toHaveAttribute('aria-invalid', 'true');

		await page.getByLabel(/Nome do negócio/).fill(BUSINESS);
		await page.getByLabel(/Ramo/).fill('confeitaria');
		await page.getByLabel(/Cidade/).fill('Campinas');
		await page.getByLabel(/Estado/).selectOption('SP');
		await page.getByLabel('Bairro').fill('Cambuí');
		await page.getByLabel('Telefone ou WhatsApp').fill('123');
		await page.getByRole('button', { name: '+ Adicionar serviço' }).click();
		await page.getByLabel('Serviço 1').fill('Bolo de pote');
		await page.getByLabel('Preço (R$)').nth(0).fill('12,5');
		await page.getByRole('button', { name: '+ Adicionar serviço' }).click();
		await page.getByLabel('Serviço 2').fill('Bolo de casamento');
		await page.getByLabel('Preço (R$)').nth(1).fill('R$ 1.200,00');
		await page.getByLabel('Público').fill('noivas e mães da região');
		await page.getByLabel('Jeito de falar do dono').fill('carinhosa, usa "meu bem", poucos emojis');
		await page.getByRole('button', { name: '+ Adicionar detalhe' }).click();
		await page.getByLabel('Detalhe 1').fill('receita da avó desde 1998');

		await page.getByRole('button', { name: 'Cadastrar cliente' }).click();
		await expect(page.getByText('Telefone inválido')).toBeVisible();
		await expect(page.getByLabel('Telefone ou WhatsApp')).toBeFocused();
		await page.getByLabel('Telefone ou WhatsApp').fill('(19) 99876-5432');
		await snap(page, 'business-form');
		await expectAccessible(page, 'business form with errors');

		await page.getByRole('button', { name: 'Cadastrar cliente' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(BUSINESS);
		await expect(page).toHaveURL(/\/app\/clientes\/(?!novo$)[a-z0-9]+$/);
		businessPath = new URL(page.url()).pathname;
		// Stored normalised by the server, shown formatted.
		await expect(page.getByText('(19) 99876-5432')).toBeVisible();
	});

	await test.step('the profile round-trips through the edit form', async () => {
		await page.getByRole('link', { name: 'Editar perfil' }).click();
		await expect(page.getByLabel('Preço (R$)').nth(0)).toHaveValue('12,50');
		await expect(page.getByLabel('Preço (R$)').nth(1)).toHaveValue('1.200,00');
		await expect(page.getByLabel(/Estado/)).toHaveValue('SP');
		await expect(page.getByLabel('Telefone ou WhatsApp')).toHaveValue('(19) 99876-5432');
		await page.getByLabel('Observações').fill('Entrega em Campinas e região.');
		await page.getByRole('button', { name: 'Salvar alterações' }).click();
		await expect(page).toHaveURL(new RegExp(`${businessPath}$`));
	});

	await test.step('generate 2 posts and see their checks', async () => {
		await fake.reset();
		await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('fiz um bolo de casamento rosa e dourado');
		await expect(page.getByText('39 de 2000 caracteres')).toBeVisible();
		await page.getByRole('radio', { name: '2' }).check();
		await page.getByRole('button', { name: 'Gerar 2 posts' }).click();
		await expect(page.getByText('2 posts prontos.')).toBeVisible({ timeout: 60_000 });
		expect((await fake.requests()).length).toBeGreaterThanOrEqual(1);

		const posts = page.locator('article[data-post]');
		await expect(posts).toHaveCount(2);
		await expect(page.getByLabel('O que aconteceu ou o que quer divulgar?')).toHaveValue('');
		for (const post of await posts.all()) {
			await expect(post.getByText('Novo', { exact: true })).toBeVisible();
			await expect(post.locator('.caption')).not.toBeEmpty();
			await expect(post.locator('.hashtags')).toContainText('#');
			await expect(post.getByText('Como fazer a foto ou o vídeo')).toBeVisible();
			await expect(post.getByText('Pedido: fiz um bolo de casamento rosa e dourado')).toBeVisible();
			const checks = post.getByRole('region', { name: 'Checagens de qualidade' });
			await expect(checks).toBeVisible();
			await expect(checks).toContainText('checagens ok');
		}
		// Every check the server ran is listed with its reason.
		const first = posts.first();
		await first.getByText(/Ver checagens aprovadas/).click();
		const checkItems = first.locator('[data-check]');
		await expect.poll(() => checkItems.count()).toBeGreaterThan(3);
		await expect(checkItems.first().locator('.reason')).not.toBeEmpty();
		await snap(page, 'business-posts');
		await expectAccessible(page, 'business page with posts');
	});

	let editedId = '';
	await test.step('edit a caption and see it persisted after a reload', async () => {
		const post = page.locator('article[data-post]').first();
		editedId = (await post.getAttribute('data-post'))!;
		await post.getByRole('button', { name: 'Editar' }).click();
		const caption = post.getByLabel('Legenda');
		await expect(caption).toBeFocused();
		await caption.fill('Bolo de casamento rosa e dourado, feito à mão para a Júlia e o Pedro. 💍\n\nEncomendas pelo WhatsApp.');
		await post.getByLabel('Hashtags').fill('bolodecasamento #confeitariacampinas, #rosaedourado');
		await snap(page, 'post-edit');
		await expectAccessible(page, 'post editor');
		await post.getByRole('button', { name: 'Salvar' }).click();
		await expect(post.getByRole('status')).toHaveText('Alterações salvas.');
		await expect(post.getByText('Editado', { exact: true })).toBeVisible();

		await page.reload();
		const reloaded = page.locator(`article[data-post="${editedId}"]`);
		await expect(reloaded.locator('.caption')).toHaveText(
			'Bolo de casamento rosa e dourado, feito à mão para a Júlia e o Pedro. 💍\n\nEncomendas pelo WhatsApp.'
		);
		await expect(reloaded.locator('.hashtags')).toHaveText('#bolodecasamento #confeitariacampinas #rosaedourado');
		await expect(reloaded.getByText('Editado', { exact: true })).toBeVisible();
	});

	await test.step('copy caption and hashtags to the clipboard', async () => {
		const post = page.locator(`article[data-post="${editedId}"]`);
		await post.getByRole('button', { name: 'Copiar legenda e hashtags' }).click();
		await expect(post.getByRole('status')).toHaveText('Legenda e hashtags copiadas.');
		const copied = await page.evaluate(() => navigator.clipboard.readText());
		expect(copied).toBe(
			'Bolo de casamento rosa e dourado, feito à mão para a Júlia e o Pedro. 💍\n\nEncomendas pelo WhatsApp.' +
				'\n\n#bolodecasamento #confeitariacampinas #rosaedourado'
		);
	});

	await test.step('a brief being typed survives a reload', async () => {
		const box = page.getByLabel('O que aconteceu ou o que quer divulgar?');
		await box.fill('promoção de bolo de pote no sábado: leve 3, pague 2');
		await page.reload();
		await expect(box).toHaveValue('promoção de bolo de pote no sábado: leve 3, pague 2');
	});

	await test.step('a lost connection keeps the brief', async () => {
		await page.context().setOffline(true);
		await page.getByRole('button', { name: 'Gerar post' }).click();
		const generator = page.getByRole('region', { name: 'Novo post' });
		await expect(generator.locator('[data-problem="offline"]')).toContainText('Sem conexão com o servidor');
		// What was on screen stays there.
		await expect(page.locator('article[data-post]')).toHaveCount(2);
		await expect(page.getByLabel('O que aconteceu ou o que quer divulgar?')).toHaveValue(
			'promoção de bolo de pote no sábado: leve 3, pague 2'
		);
		await page.context().setOffline(false);
	});

	await test.step('a provider failure shows the error and keeps the brief; retry succeeds', async () => {
		await fake.reset();
		// The writer client makes 1 attempt + 3 retries (eval/baml_src/clients.baml).
		await fake.script([{ status: 500, body: '{"error":{"message":"upstream exploded"}}', times: 4 }]);
		await page.getByRole('button', { name: 'Gerar post' }).click();
		const alert = page.locator('[data-problem="provider"]');
		await expect(alert).toContainText('Não foi possível gerar', { timeout: 60_000 });
		await expect(alert).toContainText('O provedor de IA falhou');
		expect((await fake.requests()).length).toBe(4);
		expect(await fake.pending()).toBe(0);
		await expect(page.getByLabel('O que aconteceu ou o que quer divulgar?')).toHaveValue(
			'promoção de bolo de pote no sábado: leve 3, pague 2'
		);
		const failed = page.locator('article[data-post].failed');
		await expect(failed).toHaveCount(1);
		await expect(failed).toContainText('Falhou');
		await expect(page.getByRole('button', { name: 'Tentar de novo' })).toHaveCount(1);
		await snap(page, 'generation-error');
		await expectAccessible(page, 'generation error');

		await fake.reset();
		await alert.getByRole('button', { name: 'Tentar de novo' }).click();
		await expect(page.getByText('1 post pronto.')).toBeVisible({ timeout: 60_000 });
		await expect(page.locator('article[data-post].failed')).toHaveCount(0);
		const retried = page.locator('article[data-post]').first();
		await expect(retried).toContainText('Pedido: promoção de bolo de pote no sábado: leve 3, pague 2');
		await expect(retried.locator('.caption')).not.toBeEmpty();
		await expect(page.getByLabel('O que aconteceu ou o que quer divulgar?')).toHaveValue('');
	});

	await test.step('delete a post', async () => {
		const posts = page.locator('article[data-post]');
		await expect(posts).toHaveCount(3);
		const victim = posts.last();
		const id = await victim.getAttribute('data-post');
		await victim.getByRole('button', { name: 'Excluir' }).click();
		await victim.getByRole('button', { name: 'Sim, excluir' }).click();
		await expect(page.locator(`article[data-post="${id}"]`)).toHaveCount(0);
		await page.reload();
		await expect(page.locator('article[data-post]')).toHaveCount(2);
	});

	await test.step('client list shows the client with its last post date', async () => {
		await page.getByRole('banner').getByRole('link', { name: 'Clientes' }).click();
		// The client's card (its name, then segment and city), not the links of "Datas chegando".
		const card = page.getByRole('link', { name: new RegExp(`^${BUSINESS} `) });
		await expect(card).toContainText(/Último post: \d{2}\/\d{2}\/\d{4}/);
		await page.getByLabel('Buscar cliente').fill('cambui');
		await expect(card).toBeVisible();
		await page.getByLabel('Buscar cliente').fill('barbearia');
		await expect(page.getByText('Nenhum cliente encontrado')).toBeVisible();
		await page.getByLabel('Buscar cliente').fill('');
		await snap(page, 'clients');
		await expectAccessible(page, 'client list');
	});

	await test.step('log out; a deep link goes through the login page and back', async () => {
		await page.getByRole('banner').getByRole('link', { name: 'Sair' }).click();
		await expect(page.getByRole('heading', { name: 'Você saiu' })).toBeVisible();
		await page.goto(businessPath);
		await expect(page).toHaveURL(`/entrar?next=${encodeURIComponent(businessPath)}`);
		await expect(page.getByText('Entre para continuar de onde parou.')).toBeVisible();
		await login(page, ana);
		await expect(page).toHaveURL(businessPath);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText(BUSINESS);
	});

	await test.step('an invalid session token is refused and sends to login', async () => {
		await page.evaluate(() => {
			const raw = localStorage.getItem('pocketbase_auth')!;
			const auth = JSON.parse(raw) as { token: string };
			// Same claims, broken signature: valid locally, refused by the server.
			auth.token = auth.token.slice(0, -4) + (auth.token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
			localStorage.setItem('pocketbase_auth', JSON.stringify(auth));
		});
		await page.goto(`${businessPath}/editar`);
		await expect(page).toHaveURL(`/entrar?next=${encodeURIComponent(`${businessPath}/editar`)}`);
	});

	await test.step('public pages: terms and 404', async () => {
		await page.goto('/termos');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Termos de uso e privacidade');
		await expect(page.getByText('LGPD').first()).toBeVisible();
		await snap(page, 'terms');
		await expectAccessible(page, 'terms');
		await page.goto('/isto-nao-existe');
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Página não encontrada');
		await snap(page, 'not-found');
		await expectAccessible(page, '404');
	});
});

test("a second operator cannot see or use the first one's clients", async ({ page, request, stack }) => {
	const [ana, bruno] = stack.operators;
	const anaToken = await apiToken(request, stack.baseURL, ana);
	// PocketBase tokens are JWTs whose payload carries the record id.
	const anaId = JSON.parse(Buffer.from(anaToken.split('.')[1], 'base64url').toString()).id as string;
	const created = await request.post(`${stack.baseURL}/api/collections/businesses/records`, {
		headers: { Authorization: anaToken },
		data: { owner: anaId, name: 'Barbearia Segredo', segment: 'barbearia', city: 'Recife', state: 'PE' }
	});
	expect(created.ok(), await created.text()).toBe(true);
	const secret = (await created.json()) as { id: string };

	await page.goto('/entrar');
	expect(await login(page, bruno)).toMatch(/^200 /);
	await expect(page).toHaveURL(/\/app$/);
	await expect(page.getByRole('heading', { name: 'Nenhum cliente ainda' })).toBeVisible();
	await expect(page.getByText('Barbearia Segredo')).toHaveCount(0);
	await expect(page.getByText(BUSINESS)).toHaveCount(0);

	await page.goto(`/app/clientes/${secret.id}`);
	await expect(page.locator('[data-problem="not_found"]')).toContainText('Não encontrado');
	await expect(page.getByText('Barbearia Segredo')).toHaveCount(0);

	// The same holds at the API level, where the browser's checks do not apply.
	const brunoToken = await apiToken(request, stack.baseURL, bruno);
	const list = await request.get(`${stack.baseURL}/api/collections/businesses/records`, {
		headers: { Authorization: brunoToken }
	});
	expect(((await list.json()) as { totalItems: number }).totalItems).toBe(0);
	const generate = await request.post(`${stack.baseURL}/api/rekan/businesses/${secret.id}/posts:generate`, {
		headers: { Authorization: brunoToken },
		data: { brief: 'corte de cabelo', count: 1 }
	});
	expect(generate.status()).toBe(404);
});

// @local-stack tests need what only the local setup starts; a run against an
// external stack deselects them (--grep-invert @local-stack) rather than
// reporting skips, and one that selects them without it fails.
test('without an LLM key the app says so and keeps the brief', { tag: '@local-stack' }, async ({ page, request, stack }) => {
	if (!stack.unconfiguredURL) throw new Error('needs the second server (no LLM key) that the local setup starts');
	const base = stack.unconfiguredURL;
	const [ana] = stack.operators;
	const token = await apiToken(request, base, ana);
	const anaId = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).id as string;
	const created = await request.post(`${base}/api/collections/businesses/records`, {
		headers: { Authorization: token },
		data: { owner: anaId, name: 'Forró do Zé', segment: 'banda de forró', city: 'Caruaru', state: 'PE' }
	});
	expect(created.ok(), await created.text()).toBe(true);
	const { id } = (await created.json()) as { id: string };

	await page.goto(`${base}/app/clientes/${id}`);
	await expect(page).toHaveURL(/\/entrar\?next=/);
	await login(page, ana);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Forró do Zé');
	// From GET /api/rekan/config: shown before anything is tried.
	const generator = page.getByRole('region', { name: 'Novo post' });
	await expect(generator.locator('p[data-problem="not_configured"]')).toContainText('Geração indisponível');

	const brief = 'show no sábado na praça, com participação da sanfoneira Lia';
	await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill(brief);
	await page.getByRole('button', { name: 'Gerar post' }).click();
	// The server's 503 llm_not_configured, in its own words.
	const notice = generator.locator('div[data-problem="not_configured"]');
	await expect(notice).toContainText('ainda não foi ativada neste servidor');
	await expect(notice).toContainText('Peça a quem instalou e administra o Rekan');
	await expect(notice).not.toContainText('LLM');
	await expect(page.getByLabel('O que aconteceu ou o que quer divulgar?')).toHaveValue(brief);
	await snap(page, 'llm-not-configured');
});

test('the history is paginated, newest first', { tag: '@local-stack' }, async ({ page, request, stack }) => {
	if (!stack.superuser) throw new Error('needs a superuser of the stack, which only the local setup creates');
	const base = stack.baseURL;
	const [ana] = stack.operators;
	const token = await apiToken(request, base, ana);
	const id = await createBusiness(request, base, token, { name: 'Chaveiro Seu Tonho', segment: 'chaveiro', city: 'Fortaleza', state: 'CE' });
	const suToken = await superuserToken(request, base, stack.superuser);
	// One more than a page; created one after the other, so "Pedido 11" is the newest.
	for (let i = 1; i <= 11; i++) {
		await seedPost(request, base, suToken, {
			business: id,
			brief: `Pedido ${i}`,
			caption: `Legenda do pedido ${i}, com cópia de chave na hora e atendimento no bairro.`,
			hashtags: ['#chaveiro', '#fortaleza', '#aldeota'],
			production_note: 'Foto das mãos cortando a chave na máquina, luz da porta.',
			role: 'produto',
			hook: `Gancho ${i}`,
			status: 'ready',
			checks: []
		});
	}

	await page.goto(`${base}/entrar?next=${encodeURIComponent(`/app/clientes/${id}`)}`);
	await login(page, ana);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Chaveiro Seu Tonho');
	const pager = page.getByRole('navigation', { name: 'Páginas do histórico' });
	const briefs = page.locator('article[data-post] p.brief');
	await expect(pager).toContainText('Página 1');
	await expect(briefs).toHaveCount(10);
	await expect(briefs.first()).toContainText('Pedido 11');
	await expect(briefs.last()).toContainText('Pedido 2');
	await expect(pager.getByRole('button', { name: '← Mais recentes' })).toBeDisabled();

	await pager.getByRole('button', { name: 'Anteriores →' }).click();
	await expect(pager).toContainText('Página 2');
	await expect(briefs).toHaveCount(1);
	await expect(briefs.first()).toContainText('Pedido 1');
	await expect(pager.getByRole('button', { name: 'Anteriores →' })).toBeDisabled();
	await snap(page, 'history-page-2');

	await pager.getByRole('button', { name: '← Mais recentes' }).click();
	await expect(pager).toContainText('Página 1');
	await expect(briefs.first()).toContainText('Pedido 11');
});
