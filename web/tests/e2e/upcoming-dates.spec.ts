// The calendar on a client's page at phone size: the dates coming for a
// confeitaria in SP with "comece até", ideas for one date through fakellm
// (a failing provider first, then its retry), and an idea turned into a
// generation carrying the occasion. The server's clock decides "today",
// so the expected date is read from the dates route, not hard-coded.
// Last, the date is planned for the client, and the agenda's "Datas chegando" says so.
// Runs after the journey (file order), whose first step needs ana without clients.
import { test, expect, login, apiToken, snap, expectAccessible, ownClient } from './fixtures';

// Generates: a client address of its own for the per-IP limits (ownClient).
test.use(ownClient(24));

interface UpcomingDate {
	occasion_id: string;
	name: string;
	date: string;
	start_by: string;
}

const ddmm = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;

test('a client sees the dates coming, asks ideas for one and writes a post from an idea', async ({ page, request, stack, fake }) => {
	const [ana] = stack.operators;
	const token = await apiToken(request, stack.baseURL, ana);
	const anaId = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).id as string;
	const created = await request.post(`${stack.baseURL}/api/collections/businesses/records`, {
		headers: { Authorization: token },
		data: {
			owner: anaId,
			name: 'Bolos da Tereza',
			segment: 'Confeitaria artesanal',
			city: 'Campinas',
			state: 'SP',
			posts_per_month: 12,
			services: [{ name: 'bolo de pote', price_brl: 15 }],
			facts: ['tudo feito com manteiga de verdade']
		}
	});
	expect(created.ok(), await created.text()).toBe(true);
	const business = (await created.json()) as { id: string; segment_tags: string[] };
	expect(business.segment_tags).toEqual(['alimentacao', 'confeitaria']);

	const datesRes = await request.get(`${stack.baseURL}/api/rekan/businesses/${business.id}/dates?days=60`, {
		headers: { Authorization: token }
	});
	expect(datesRes.ok(), await datesRes.text()).toBe(true);
	const { dates } = (await datesRes.json()) as { dates: UpcomingDate[] };
	expect(dates.length, 'a confeitaria in SP has dates in any 60 days').toBeGreaterThan(0);
	const first = dates[0];

	await page.goto(`/app/clientes/${business.id}`);
	await expect(page).toHaveURL(/\/entrar\?next=/);
	await login(page, ana);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bolos da Tereza');

	const section = page.getByRole('region', { name: 'Datas chegando' });
	await expect(section).toBeVisible();
	await expect(section.locator('[data-plan]')).toContainText('0 de 12 em');
	const item = section.locator(`li[data-occasion="${first.occasion_id}"]`).first();
	await expect(item).toContainText(first.name);
	await expect(item).toContainText(`comece até ${ddmm(first.start_by)}`);
	await expect(item).toContainText('nada planejado');

	await item.getByRole('button', { name: 'Ideias para esta data' }).click();
	await expect(item).toContainText('Nenhuma ideia guardada para esta data.');

	// The provider fails every attempt: the same message as a failed generation, nothing stored.
	await fake.reset();
	await fake.script([{ status: 500, times: 4 }]);
	await item.getByRole('button', { name: 'Pedir ideias à IA' }).click();
	const problem = item.locator('[data-problem="provider"]');
	await expect(problem).toContainText('O provedor de IA falhou');

	await problem.getByRole('button', { name: 'Tentar de novo' }).click();
	const ideas = item.locator('li[data-idea]');
	await expect(ideas).toHaveCount(4);
	await expect(ideas.first()).toContainText(first.name);
	await expect(item.locator('[data-problem]')).toHaveCount(0);
	const stored = await request.get(`${stack.baseURL}/api/collections/ideas/records`, {
		headers: { Authorization: token },
		params: { filter: `business = "${business.id}"` }
	});
	expect(((await stored.json()) as { totalItems: number }).totalItems).toBe(4);
	await expectAccessible(page, 'client page with ideas');
	await snap(page, 'client-dates-ideas');

	const ideaBrief = (await ideas.first().locator('p').textContent())?.trim() ?? '';
	expect(ideaBrief).not.toBe('');
	await ideas.first().getByRole('button', { name: 'Usar esta ideia' }).click();
	await expect(page.getByLabel('O que aconteceu ou o que quer divulgar?')).toHaveValue(ideaBrief);
	const chip = page.locator('[data-occasion-chip]');
	await expect(chip).toContainText(`Para ${first.name}`);

	const [generate] = await Promise.all([
		page.waitForRequest((r) => r.url().includes('/posts:generate')),
		page.getByRole('button', { name: 'Gerar post' }).click()
	]);
	const sent = generate.postDataJSON() as { brief: string; occasion: string; publish_on: string };
	expect(sent.brief).toBe(ideaBrief);
	expect(sent.occasion).toBe(first.occasion_id);
	expect(sent.publish_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
	await expect(page.getByText('1 post pronto.')).toBeVisible();
	await expect(chip).toHaveCount(0);

	// The generation carried the occasion: the date is planned for this client now, on its
	// dates and across clients on the agenda (whose link to a client's ideas agenda.spec.ts follows).
	const after = await request.get(`${stack.baseURL}/api/rekan/businesses/${business.id}/dates?days=60`, {
		headers: { Authorization: token }
	});
	const planned = ((await after.json()) as { dates: (UpcomingDate & { planned: boolean; requests: string[] })[] }).dates.find(
		(d) => d.occasion_id === first.occasion_id && d.date === first.date
	);
	expect(planned?.planned).toBe(true);
	expect(planned?.requests).toHaveLength(1);
	await page.goto('/app');
	// Nothing is there before the app renders, so "no longer loading" and
	// "no link" held at once: wait for the agenda itself, then its dates.
	await expect(page).toHaveTitle(/^Agenda/);
	const coming = page.getByRole('region', { name: 'Datas chegando' });
	await expect(coming).toBeVisible();
	await expect(coming.getByText('Carregando…')).toHaveCount(0);
	await expect(
		coming.locator(`li[data-coming="${first.occasion_id}"]`).getByRole('link', { name: 'Bolos da Tereza' })
	).toHaveCount(0);
	await expectAccessible(page, 'agenda after a generation for the date');
});
