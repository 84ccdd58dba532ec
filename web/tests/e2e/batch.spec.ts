// "Gerar para vários clientes" at phone size: a date from the calendar's
// coming dates preselects the clients it fits, the batch for three clients
// runs on the server with one client's LLM calls failing (fakellm matched
// on that client's name), progress shows as items finish, the failure is
// listed and "Tentar de novo" writes it, its progress shown by realtime.
import { test, expect, newOperatorAsSuperuser, signInAs, ownClient } from './fixtures';

// Generates: a client address of its own for the per-IP limits (ownClient).
test.use(ownClient(21));

interface ComingDate {
	occasion_id: string;
	name: string;
	date: string;
	clients: { id: string }[];
}

test('a batch for three clients with one failing, then its retry', { tag: '@local-stack' }, async ({ page, request, stack, fake }) => {
	const base = stack.baseURL;
	const { headers, ...user } = await newOperatorAsSuperuser(request, stack, 'lote@example.com', 'senha-longa-do-lote');
	const names = ['Doceria Um', 'Doceria Dois', 'Doceria Três'];
	const ids: string[] = [];
	for (const name of names) {
		const res = await request.post(`${base}/api/collections/businesses/records`, {
			headers,
			data: { owner: user.id, name, segment: 'confeitaria', city: 'Recife', state: 'PE', services: [{ name: 'bolo de pote', price_brl: 15 }] }
		});
		expect(res.ok(), await res.text()).toBe(true);
		ids.push(((await res.json()) as { id: string }).id);
	}
	const impersonated = await request.post(`${base}/api/collections/users/impersonate/${user.id}`, { headers });
	const token = ((await impersonated.json()) as { token: string }).token;
	const datesRes = await request.get(`${base}/api/rekan/dates?days=60`, { headers: { Authorization: token } });
	expect(datesRes.ok(), await datesRes.text()).toBe(true);
	const { dates } = (await datesRes.json()) as { dates: ComingDate[] };
	expect(dates.length, 'confeitarias have dates in any 60 days').toBeGreaterThan(0);
	const date = dates[0];
	const fitting = new Set(date.clients.map((c) => c.id));

	await signInAs(page, request, stack, user.id, headers);
	await page.goto('/app/clientes');
	await page.getByRole('button', { name: 'Gerar para vários clientes' }).click();
	await page.getByLabel('Data do calendário').selectOption(`${date.occasion_id}|${date.date}`);
	const boxes = names.map((n) => page.getByRole('checkbox', { name: n }));
	for (const [i, box] of boxes.entries()) {
		await expect(box).toBeChecked({ checked: fitting.has(ids[i]) });
		await box.check();
	}

	await fake.reset();
	await fake.script([{ match: 'Doceria Três', status: 500, times: 50 }]);
	await page.getByRole('button', { name: 'Gerar para 3 clientes' }).click();
	await expect(page.locator('[data-progress]')).toHaveText('3 de 3 clientes concluídos');
	await expect(page.locator('li[data-item="done"]')).toHaveCount(2);
	const failed = page.locator('li[data-item="failed"]');
	await expect(failed).toHaveCount(1);
	await expect(failed).toContainText('Doceria Três');
	await expect(failed).toContainText('O provedor de IA falhou');

	// The retried item's LLM reply waits until the page shows it being
	// written, so its outcome can only reach the page through realtime
	// (not the fetch that follows subscribing).
	await fake.reset();
	await fake.script([{ match: 'Doceria Três', hold: true }]);
	await page.getByRole('button', { name: 'Tentar de novo' }).click();
	await expect.poll(() => fake.held()).toBe(1);
	await expect(page.locator('li[data-item="running"]')).toContainText('Doceria Três');
	await fake.release();
	await expect(page.locator('li[data-item="done"]')).toHaveCount(3);
	await expect(page.locator('li[data-item="failed"]')).toHaveCount(0);
	await expect(page.locator('[data-progress]')).toHaveText('3 de 3 clientes concluídos');

	// Each client got one request, carrying the date's occasion: the retry
	// wrote the failed client's request again, not a second one.
	const requests = await request.get(`${base}/api/collections/requests/records`, {
		headers: { Authorization: token },
		params: { filter: `occasion = "${date.occasion_id}"`, perPage: 50 }
	});
	const stored = ((await requests.json()) as { items: { business: string }[] }).items;
	expect(stored.map((r) => r.business).sort()).toEqual([...ids].sort());
});
