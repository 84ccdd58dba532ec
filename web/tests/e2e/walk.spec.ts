// The walk a reviewer takes on a phone (390x844), as the operator and as the
// client. Every screen on the way must fit the width (no sideways scroll),
// give a finger 44 px to every button, and draw checkboxes as small boxes:
// the rough edges a phone user hits first. REKAN_WALK_SHOTS=DIR also keeps
// each screen (PNG slices and its text) for a person to look at.
import { writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { test, expect, login, apiSession, ownClient, deleteClientAfterEach } from './fixtures';
import { readStack } from './stack';
import { paintPhoto } from './synthetic-photo';

// Logs in through the form: a client address of its own for the per-IP limits.
test.use(ownClient(27));

const deleteAfter = deleteClientAfterEach();

/** Fails when the page scrolls sideways, has small tap targets or oversized checkboxes. */
async function expectFits(page: Page, screen: string): Promise<void> {
	const dir = process.env.REKAN_WALK_SHOTS;
	if (dir) {
		// In slices a screen tall or so, which stay legible when viewed.
		writeFileSync(`${dir}/${screen}.txt`, await page.evaluate(() => document.body.innerText));
		const height = await page.evaluate(() => document.documentElement.scrollHeight);
		for (let y = 0, i = 0; y < height; y += 1200, i++) {
			const clip = { x: 0, y, width: 390, height: Math.min(1200, height - y) };
			await page.screenshot({ path: `${dir}/${screen}-${i}.png`, fullPage: true, clip });
		}
	}
	// Buttons and the like are tapped with a finger (links inside sentences are not held to it).
	const small = await page.evaluate(() =>
		[...document.querySelectorAll('button, .btn, summary, select, a.back')]
			// Seven days across 390 px leave each 43 px wide; they stay 44 px tall.
			.filter((e) => !e.closest('.month .grid'))
			.filter((e) => {
				const r = e.getBoundingClientRect();
				return r.width > 0 && r.height > 0 && Math.min(r.width, r.height) < 44;
			})
			.map((e) => `${e.tagName.toLowerCase()} «${(e.textContent ?? '').trim().slice(0, 40)}» ${Math.round(e.getBoundingClientRect().width)}x${Math.round(e.getBoundingClientRect().height)} px`)
	);
	expect(small, `${screen} has tap targets under 44 px`).toEqual([]);
	// A checkbox is a small box beside its words, whatever their length.
	const boxes = await page.evaluate(() =>
		[...document.querySelectorAll('input[type=checkbox]')]
			.map((e) => e.getBoundingClientRect())
			.filter((r) => r.width > 32 || r.height > 32)
			.map((r) => `${Math.round(r.width)}x${Math.round(r.height)}`)
	);
	expect(boxes, `${screen} has checkboxes drawn oversized`).toEqual([]);
	const widths = await page.evaluate(() => ({
		page: document.documentElement.scrollWidth,
		screen: window.innerWidth,
		// The innermost elements past the right edge, to name the culprit in the failure.
		past: [...document.querySelectorAll('body *')]
			.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
			.filter((e) => ![...e.children].some((c) => c.getBoundingClientRect().right > window.innerWidth + 0.5))
			.slice(0, 5)
			.map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} «${(e.textContent ?? '').trim().slice(0, 40)}»`)
	}));
	expect(widths.page, `${screen} scrolls sideways on a phone: ${widths.past.join(', ')}`).toBeLessThanOrEqual(widths.screen);
}

test('the phone walk: login, agenda, client, posts with photos, edit, approval, publish; the client approves', async ({
	page,
	browser,
	request,
	stack
}) => {
	const [ana] = stack.operators;
	const session = await apiSession(request, readStack().baseURL, ana);
	const res = await request.post('/api/collections/businesses/records', {
		headers: { Authorization: session.token },
		data: {
			owner: session.record.id,
			name: 'Confeitaria Maria Antonieta dos Bolos Caseiros',
			segment: 'confeitaria artesanal e salgados para festas',
			city: 'São José dos Campos',
			state: 'SP',
			phone: '(12) 3233-4455',
			owner_name: 'Antonieta',
			owner_whatsapp: '(12) 99876-1234',
			services: [{ name: 'Bolo de pote', price_brl: 12.5 }]
		}
	});
	expect(res.ok(), await res.text()).toBe(true);
	const businessId = ((await res.json()) as { id: string }).id;
	deleteAfter(businessId, session.token);

	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expectFits(page, '00-landing');
	await page.goto('/entrar');
	await expectFits(page, '01-login');
	await login(page, ana);
	await expect(page).toHaveURL(/\/app$/);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expectFits(page, '02-agenda');

	await page.getByRole('banner').getByRole('link', { name: 'Clientes' }).click();
	await expect(page.getByRole('link', { name: /^Confeitaria Maria Antonieta dos Bolos Caseiros / })).toBeVisible();
	await expectFits(page, '03-clients');
	await page.getByRole('button', { name: 'Gerar para vários clientes' }).click();
	await expect(page.getByLabel('Confeitaria Maria Antonieta dos Bolos Caseiros')).toBeVisible();
	await expectFits(page, '03a-batch');
	await page.getByRole('link', { name: '+ Novo cliente' }).click();
	await page.getByRole('button', { name: 'Cadastrar cliente' }).click();
	await expect(page.getByRole('alert')).toBeVisible();
	await expectFits(page, '03b-new-client-errors');
	await page.goto(`/app/clientes/${businessId}/editar`);
	await expect(page.getByRole('button', { name: 'Salvar alterações' })).toBeVisible();
	await expectFits(page, '03c-edit-client');
	await page.getByRole('banner').getByRole('link', { name: 'Clientes' }).click();
	await page.getByRole('link', { name: /^Confeitaria Maria Antonieta dos Bolos Caseiros / }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Confeitaria Maria Antonieta dos Bolos Caseiros');
	await expectFits(page, '04-client');

	const photo = Buffer.from(await page.evaluate(paintPhoto, { width: 800, height: 1000, seed: 3 }), 'base64');
	await page.getByLabel('Adicionar fotos', { exact: true }).setInputFiles([
		{ name: 'IMG_20260412_183045_bolo_de_pote_ninho_morango.jpg', mimeType: 'image/jpeg', buffer: photo },
		{ name: 'bolo2.jpg', mimeType: 'image/jpeg', buffer: photo }
	]);
	await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('bolo de pote de ninho com morango, R$ 12,50');
	await page.getByRole('radio', { name: '2' }).check();
	await expectFits(page, '05-brief');
	await page.getByRole('button', { name: 'Gerar 2 posts' }).click();
	const cards = page.locator('article[data-post]');
	await expect(cards).toHaveCount(2, { timeout: 60_000 });
	await expect(page.getByText('2 posts prontos.')).toBeVisible({ timeout: 60_000 });
	await expectFits(page, '06-posts');

	const first = cards.nth(0);
	await first.getByRole('button', { name: 'Editar' }).click();
	await first.getByLabel('Legenda').fill('Bolo de pote de ninho com morango, feito hoje cedo. Peça pelo WhatsApp!');
	await expectFits(page, '07-edit');
	await first.getByRole('button', { name: 'Salvar' }).click();
	await expect(first.getByRole('status')).toHaveText('Alterações salvas.');

	await first.getByLabel('Incluir na aprovação').check();
	await cards.nth(1).getByLabel('Incluir na aprovação').check();
	await page.getByRole('button', { name: 'Enviar para aprovação (2)' }).click();
	const wa = page.getByRole('link', { name: 'Enviar pelo WhatsApp' });
	await expect(wa).toBeVisible();
	await expectFits(page, '08-sent');
	const link = new URL((await wa.getAttribute('href'))!).searchParams.get('text')!.match(/https?:\/\/\S+\/aprovar#\S+/)![0];

	const client = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'pt-BR' });
	const phone = await client.newPage();
	await phone.goto(link);
	await expect(phone.locator('article.post')).toHaveCount(2);
	await expectFits(phone, '09-approval');
	const posts = phone.locator('article.post');
	await posts.nth(0).getByRole('button', { name: 'Aprovar' }).click();
	await posts.nth(1).getByRole('button', { name: 'Pedir ajuste' }).click();
	await expectFits(phone, '10-approval-note');
	await posts.nth(1).getByLabel('O que precisa mudar?').fill('tira o preço');
	await posts.nth(1).getByRole('button', { name: 'Enviar pedido de ajuste' }).click();
	await expect(phone.getByRole('heading', { name: /Obrigado/ })).toBeVisible();
	await expectFits(phone, '11-approval-thanks');
	// A link that is wrong (cut by the messenger, or cancelled) says so, in words.
	await phone.goto('about:blank');
	await phone.goto('/aprovar#abc');
	await expect(phone.getByRole('heading', { level: 1 })).toBeVisible();
	await expectFits(phone, '11b-approval-bad-link');
	await phone.goto('/aprovar');
	await expect(phone.getByRole('heading', { level: 1 })).toBeVisible();
	await expectFits(phone, '11c-approval-no-token');
	await client.close();

	await page.reload();
	await expect(first.getByTestId('approval-state')).toHaveText(/^Aprovado em/);
	await first.getByRole('button', { name: 'Marcar como publicado' }).click();
	await expect(first.getByRole('button', { name: 'Marcar como publicado' })).toHaveCount(0);
	await expectFits(page, '12-published');

	await page.goto('/app');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expectFits(page, '13-agenda-after');
});
