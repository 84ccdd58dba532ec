// Downloaded photos are named after the business and the post's date.
import { test, expect } from './fixtures';
import { seed } from './seed';

test('a downloaded photo is named after the business and the date', { tag: '@local-stack' }, async ({ page, request, stack }) => {
	const { business, post } = await seed(page, request, stack, 'ivo@example.com');
	await page.goto(`/app/clientes/${business}`);
	const card = page.locator(`article[data-post="${post}"]`);
	const [download] = await Promise.all([page.waitForEvent('download'), card.getByRole('button', { name: 'Baixar foto 1' }).click()]);
	expect(download.suggestedFilename()).toMatch(/^tapiocaria-sao-joao-\d{4}-\d{2}-\d{2}-\d{4}-foto-1\.jpg$/);
});
