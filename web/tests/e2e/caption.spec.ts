// A post cannot be saved without a caption: the form says so before sending.
import { test, expect } from './fixtures';
import { seed } from './seed';

test('an empty caption is refused in the form', { tag: '@local-stack' }, async ({
	page,
	request,
	stack
}) => {
	const { business, post } = await seed(page, request, stack, 'rui@example.com');
	await page.goto(`/app/clientes/${business}`);
	const card = page.locator(`article[data-post="${post}"]`);
	await card.getByRole('button', { name: 'Editar' }).click();
	await card.getByLabel('Legenda').fill(' \u200b\ufe0f ');
	await card.getByRole('button', { name: 'Salvar' }).click();
	await expect(card.getByText('A legenda não pode ficar vazia.')).toBeVisible();
	await expect(card.getByLabel('Legenda')).toHaveAttribute('aria-invalid', 'true');
	await expect(card.getByText('Alterações salvas.')).toHaveCount(0);
	await page.reload();
	await expect(page.locator(`article[data-post="${post}"] .caption`)).toContainText('Tapioca de coalho');
});
