// The business page's load (its +page.ts): a request that fails leaves the
// page to say why in place, with a retry that loads it. The operator is made
// by the superuser and signed in with an impersonation token, because
// superuser requests skip the rate limits the other tests' logins use up.
import { test, expect, newOperatorAsSuperuser, signInAs } from './fixtures';
import { seedPost } from './records';

test('a business that fails to load says why in place, and its retry loads it', { tag: '@local-stack' }, async ({
	page,
	request,
	stack
}) => {
	const base = stack.baseURL;
	const { headers, ...carla } = await newOperatorAsSuperuser(request, stack, 'carla@example.com', 'senha-da-carla-para-os-testes');
	const business = await request.post(`${base}/api/collections/businesses/records`, {
		headers,
		data: { owner: carla.id, name: 'Sorveteria da Carla', segment: 'sorveteria', city: 'Natal', state: 'RN' }
	});
	expect(business.ok(), await business.text()).toBe(true);
	const { id } = (await business.json()) as { id: string };
	await seedPost(request, base, headers.Authorization, {
		business: id,
		brief: 'picolé de cajá novo no cardápio',
		caption: 'Chegou o picolé de cajá, feito com a fruta da estação aqui em Natal.',
		hashtags: ['#sorveteria', '#natal'],
		production_note: 'Foto do picolé contra o céu, no fim da tarde.',
		role: 'produto',
		hook: 'Chegou o picolé de cajá',
		status: 'ready',
		checks: []
	});
	await page.goto('/termos');
	await signInAs(page, request, stack, carla.id, headers);

	// Only the business's own request loses the connection; the session check passes.
	const businessRecord = `**/api/collections/businesses/records/${id}*`;
	await page.route(businessRecord, (route) => route.abort('internetdisconnected'));
	await page.goto(`/app/clientes/${id}`);
	await expect(page).toHaveURL(`/app/clientes/${id}`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Cliente');
	const problem = page.locator('[data-problem="offline"]');
	await expect(problem).toContainText('Sem conexão com o servidor');
	await expect(page.getByRole('link', { name: '← Clientes' })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Novo post' })).toHaveCount(0);

	await page.unroute(businessRecord);
	await problem.getByRole('button', { name: 'Tentar de novo' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sorveteria da Carla');
	await expect(page).toHaveTitle(/^Sorveteria da Carla · /);
	await expect(page.locator('[data-problem]')).toHaveCount(0);
	await expect(page.getByRole('region', { name: 'Novo post' })).toBeVisible();
	await expect(page.locator('article[data-post] p.brief')).toContainText('picolé de cajá novo no cardápio');
});
