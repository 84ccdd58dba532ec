// The operator's agenda at phone size, on the server frozen on a Monday
// (REKAN_TEST_NOW, see global-setup): after login the operator lands on the
// posts of all their clients by when they go out (atrasados, hoje, próximos
// 7 dias, depois) and the undated ones still in progress (sem data), a month view, each client's plan progress, and beside it
// "Datas chegando" with the clients that have nothing for a date, linking to
// that client's ideas. The clients list stays one tap away.
import { test, expect, login, apiToken, snap, expectAccessible } from './fixtures';
import { createBusiness, seedPost, superuserToken } from './records';

test('the agenda on a Monday: every bucket, the month, plans and a date with clients lacking posts', { tag: '@local-stack' }, async ({ page, request, stack }) => {
	if (!stack.mondayURL || !stack.mondayToday || !stack.mondaySuperuser) throw new Error('needs the Monday server that the local setup starts');
	const base = stack.mondayURL;
	expect(stack.mondayToday).toBe('2026-04-20');
	const [ana] = stack.operators;
	const token = await apiToken(request, base, ana);
	const suToken = await superuserToken(request, base, stack.mondaySuperuser);

	const doces = await createBusiness(request, base, token, {
		name: 'Doces da Lia', segment: 'Confeitaria artesanal', city: 'Campinas', state: 'SP', posts_per_month: 8
	});
	const barbearia = await createBusiness(request, base, token, { name: 'Barbearia Navalha', segment: 'barbearia', city: 'Campinas', state: 'SP' });
	const bolos = await createBusiness(request, base, token, { name: 'Bolos do Beto', segment: 'confeitaria', city: 'Campinas', state: 'SP' });

	const post = (business: string, hook: string, publish_on: string, stage: string) => ({
		business,
		brief: hook.toLowerCase(),
		caption: `${hook}\nFeito aqui no bairro, com carinho.`,
		hashtags: ['#campinas', '#doces'],
		production_note: 'Foto de cima, luz da janela.',
		role: 'produto',
		hook,
		status: 'ready',
		checks: [],
		publish_on,
		stage
	});
	const late = await seedPost(request, base, suToken, post(doces, 'Bolo de cenoura com brigadeiro', '2026-04-17', 'rascunho'));
	const published = await seedPost(request, base, suToken, post(doces, 'Brigadeiro de colher', '2026-04-15', 'publicado'));
	const today = await seedPost(request, base, suToken, post(barbearia, 'Corte na navalha hoje', '2026-04-20', 'aprovado'));
	const soon = await seedPost(request, base, suToken, post(doces, 'Encomendas para o Dia das Mães', '2026-04-24', 'enviado'));
	const later = await seedPost(request, base, suToken, post(barbearia, 'Barba e cabelo em maio', '2026-05-05', 'rascunho'));
	// Without a publish date: on the agenda under "Sem data", newest first,
	// unless the post is done.
	const undatedOld = await seedPost(request, base, suToken, post(bolos, 'Pão de mel sem data', '', 'rascunho'));
	const undatedNew = await seedPost(request, base, suToken, post(doces, 'Torta de limão a ajustar', '', 'ajuste'));
	const undatedDone = await seedPost(request, base, suToken, post(doces, 'Pudim já publicado', '', 'publicado'));

	await page.goto(`${base}/entrar`);
	await login(page, ana);
	await expect(page).toHaveURL(`${base}/app`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Agenda');

	await test.step('each post in its bucket, with its client, first line, stage and date', async () => {
		const bucket = (key: string) => page.locator(`section[data-bucket="${key}"]`);
		const entry = (key: string, id: string) => bucket(key).locator(`li[data-agenda-post="${id}"]`);
		await expect(bucket('atrasados').getByRole('heading')).toHaveText('Atrasados 1');
		await expect(entry('atrasados', late)).toContainText('Doces da Lia');
		await expect(entry('atrasados', late)).toContainText('Bolo de cenoura com brigadeiro');
		await expect(entry('atrasados', late)).toContainText('17/04');
		// Published on its day: done, not late.
		await expect(page.locator(`section[data-bucket] li[data-agenda-post="${published}"]`)).toHaveCount(0);
		await expect(bucket('hoje').getByRole('heading')).toHaveText('Hoje 1');
		await expect(entry('hoje', today)).toContainText('Barbearia Navalha');
		await expect(entry('hoje', today)).toContainText('Aprovado');
		await expect(bucket('proximos').getByRole('heading')).toHaveText('Próximos 7 dias 1');
		await expect(entry('proximos', soon)).toContainText('Enviado');
		await expect(bucket('depois').getByRole('heading')).toHaveText('Depois 1');
		await expect(entry('depois', later)).toContainText('05/05');
		const undated = bucket('sem-data');
		await expect(undated.getByRole('heading')).toHaveText('Sem data 2');
		await expect(undated.locator('li[data-agenda-post]')).toHaveCount(2);
		await expect(undated.locator('li[data-agenda-post]').first()).toHaveAttribute('data-agenda-post', undatedNew);
		await expect(undated.locator('li[data-agenda-post]').nth(1)).toHaveAttribute('data-agenda-post', undatedOld);
		await expect(entry('sem-data', undatedNew)).toContainText('Doces da Lia');
		await expect(entry('sem-data', undatedNew)).toContainText('Ajuste pedido');
		await expect(entry('sem-data', undatedOld)).toContainText('Pão de mel sem data');
		await expect(page.locator(`li[data-agenda-post="${undatedDone}"]`)).toHaveCount(0);
		await expectAccessible(page, 'agenda');
		await snap(page, 'agenda');
	});

	await test.step('the month view: April, today marked, a day lists its posts', async () => {
		const month = page.getByRole('region', { name: 'Abril de 2026' });
		await expect(month.locator('button[data-day="2026-04-20"]')).toHaveAttribute('aria-pressed', 'true');
		await expect(month.locator('li[data-agenda-post]')).toHaveCount(1);
		await month.getByRole('button', { name: '15/04: 1 post' }).click();
		await expect(month.locator(`li[data-agenda-post="${published}"]`)).toContainText('Publicado');
		await month.getByRole('button', { name: 'Próximo mês' }).click();
		const may = page.getByRole('region', { name: 'Maio de 2026' });
		await expect(may.getByRole('button', { name: '05/05: 1 post' })).toBeVisible();
		await may.getByRole('button', { name: 'Mês anterior' }).click();
		await expect(page.getByRole('region', { name: 'Abril de 2026' })).toBeVisible();
	});

	await test.step("plans: the client's posts in April against its plan", async () => {
		const plans = page.getByRole('region', { name: 'Planos de abril' });
		await expect(plans.locator(`li[data-plan="${doces}"]`)).toContainText('3 de 8 em abril');
		await expect(plans.locator(`li[data-plan="${bolos}"]`)).toHaveCount(0);
	});

	await test.step('Datas chegando: Dia das Mães with the confeitarias that have nothing planned', async () => {
		const coming = page.getByRole('region', { name: 'Datas chegando' }).locator('li[data-coming="dia-das-maes"]');
		await expect(coming).toContainText('Dia das Mães');
		await expect(coming).toContainText('em 20 dias');
		// Doces da Lia has a post in the date's lead window; Bolos do Beto has nothing.
		await expect(coming).toContainText('1 cliente sem nada planejado');
		await expect(coming.getByRole('link', { name: 'Doces da Lia' })).toHaveCount(0);
		await coming.getByRole('link', { name: 'Bolos do Beto' }).click();
		await expect(page).toHaveURL(`${base}/app/clientes/${bolos}#datas`);
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bolos do Beto');
	});

	await test.step('the clients list stays one tap away', async () => {
		await page.getByRole('banner').getByRole('link', { name: 'Clientes' }).click();
		await expect(page).toHaveURL(`${base}/app/clientes`);
		await expect(page.getByRole('link', { name: /^Barbearia Navalha / })).toBeVisible();
		await page.getByRole('banner').getByRole('link', { name: 'Agenda' }).click();
		await expect(page.getByRole('heading', { level: 1 })).toHaveText('Agenda');
	});
});
