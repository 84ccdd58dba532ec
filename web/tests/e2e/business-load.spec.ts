// The business page's load (its +page.ts): a request that fails leaves the
// page to say why in place, with a retry that loads it. The operator is made
// by the superuser and signed in with an impersonation token, because
// superuser requests skip the rate limits the other tests' logins use up.
import { test, expect } from './fixtures';
import { seedPost } from './records';

test('a business that fails to load says why in place, and its retry loads it', { tag: '@local-stack' }, async ({
	page,
	request,
	stack
}) => {
	if (!stack.superuser) throw new Error('needs a superuser of the stack, which only the local setup creates');
	const base = stack.baseURL;
	const su = await request.post(`${base}/api/collections/_superusers/auth-with-password`, {
		data: { identity: stack.superuser.email, password: stack.superuser.password }
	});
	expect(su.ok(), await su.text()).toBe(true);
	const headers = { Authorization: ((await su.json()) as { token: string }).token };

	const password = 'senha-da-carla-para-os-testes';
	const operator = await request.post(`${base}/api/collections/users/records`, {
		headers,
		data: { email: 'carla@example.com', password, passwordConfirm: password }
	});
	expect(operator.ok(), await operator.text()).toBe(true);
	const carla = (await operator.json()) as { id: string };
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
	const impersonated = await request.post(`${base}/api/collections/users/impersonate/${carla.id}`, { headers });
	expect(impersonated.ok(), await impersonated.text()).toBe(true);
	const auth = (await impersonated.json()) as { token: string; record: unknown };

	await page.goto('/termos');
	await page.evaluate((value) => localStorage.setItem('pocketbase_auth', value), JSON.stringify(auth));

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
