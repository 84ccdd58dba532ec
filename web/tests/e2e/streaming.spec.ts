// Posts appear as the model writes them (issue 23 §1), in the tab that asked
// and in another tab of the same operator, which also follows the stored
// posts without a reload (issue 22).
import { test, expect, newOperatorAsSuperuser, signInAs, ownClient, realtimeSubscribed } from './fixtures';

// Generates: a client address of its own for the per-IP limits (ownClient).
test.use(ownClient(22));

test('a held stream shows the caption so far, then the post, in both tabs', { tag: '@local-stack' }, async ({ page, request, stack, fake }) => {
	const { headers, ...user } = await newOperatorAsSuperuser(request, stack, 'stream.op@example.com', 'senha-longa-para-os-testes');
	const created = await request.post(`${stack.baseURL}/api/collections/businesses/records`, {
		headers,
		data: { owner: user.id, name: 'Tapiocaria do Cais', segment: 'tapiocaria', city: 'Recife', state: 'PE' }
	});
	expect(created.ok(), await created.text()).toBe(true);
	const business = ((await created.json()) as { id: string }).id;
	await page.goto('/termos');
	await signInAs(page, request, stack, user.id, headers);
	// Both tabs follow the text being written and the stored posts only
	// once they listen: the generation starts after that.
	const topics = [`rekan/posts/${business}`, 'posts/*'];
	const listening = realtimeSubscribed(page, ...topics);
	await page.goto(`/app/clientes/${business}`);
	const other = await page.context().newPage();
	const otherListening = realtimeSubscribed(other, ...topics);
	await other.goto(`/app/clientes/${business}`);
	await expect(other.getByRole('heading', { level: 1 })).toHaveText('Tapiocaria do Cais');
	await expect(other.locator('article[data-post]')).toHaveCount(0);
	await Promise.all([listening, otherListening]);

	await fake.reset();
	// 200 runes of the model's raw reply end inside the first caption.
	await fake.stream({ tokens_per_second: 400, hold_after_chars: 200 });
	await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('tapioca de queijo coalho com mel de engenho');
	await page.getByRole('button', { name: 'Gerar post' }).click();
	await expect.poll(() => fake.held(), { timeout: 30_000 }).toBe(1);

	// The request is still pending: the form says "Gerando…" and shows the text so far.
	await expect(page.getByRole('button', { name: 'Gerando…' })).toBeDisabled();
	const formText = page.getByTestId('form-writing');
	await expect(formText).toHaveCount(1);
	const partial = (await formText.textContent())!.trim();
	expect(partial.length).toBeGreaterThan(0);
	// The card of the post being written, here and in the other tab, without a reload.
	await expect(page.getByTestId('writing')).toContainText(partial);
	await expect(other.getByTestId('writing')).toContainText(partial);
	await expect(other.locator('article[data-post]')).toHaveCount(1);

	await fake.release();
	await expect(page.getByText('1 post pronto.')).toBeVisible({ timeout: 30_000 });
	for (const tab of [page, other]) {
		await expect(tab.getByTestId('writing')).toHaveCount(0);
		const card = tab.locator('article[data-post]').first();
		await expect(card).toContainText(partial);
		await expect(card).not.toContainText('Gerando…');
	}
	const final = (await page.locator('article[data-post]').first().textContent())!;
	expect(final.length).toBeGreaterThan(partial.length);
	await fake.reset();
	await other.close();
});
