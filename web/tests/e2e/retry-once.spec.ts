// After a failed generation the page offers one "Tentar de novo", not two.
import { test, expect } from './fixtures';
import { seed } from './seed';

test('after a failed generation there is one "Tentar de novo"', { tag: '@local-stack' }, async ({ page, request, stack, fake }) => {
	const { business } = await seed(page, request, stack, 'ana.maria@example.com');
	await page.goto(`/app/clientes/${business}`);
	await fake.reset();
	// The writer client makes 1 attempt + 3 retries (eval/baml_src/clients.baml).
	await fake.script([{ status: 500, body: '{"error":{"message":"upstream exploded"}}', times: 4 }]);
	await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('tapioca doce de banana com canela');
	await page.getByRole('button', { name: 'Gerar post' }).click();
	await expect(page.locator('[data-problem="provider"]')).toContainText('Não foi possível gerar', { timeout: 60_000 });
	await expect(page.locator('article[data-post].failed')).toHaveCount(1);
	await expect(page.getByRole('button', { name: 'Tentar de novo' })).toHaveCount(1);
	await fake.reset();
});
