// The brief form counts invisible characters (every Default_Ignorable_Code_Point)
// as nothing, like the server (web/src/lib/blank.gen.ts from eval/text).
import { test, expect } from './fixtures';
import { seed } from './seed';

test('a brief of invisible marks is blank in the form', { tag: '@local-stack' }, async ({ page, request, stack }) => {
	const { business } = await seed(page, request, stack, 'bia@example.com');
	await page.goto(`/app/clientes/${business}`);
	// Variation selectors, the combining grapheme joiner, Khmer inherent vowels: nothing to send.
	await page.getByLabel('O que aconteceu ou o que quer divulgar?').fill('\ufe0f\u034f\u17b4\u17b5\u{e0100}');
	await page.getByRole('button', { name: 'Gerar post' }).click();
	await expect(page.getByText('Escreva o que aconteceu ou o que quer divulgar.')).toBeVisible();
	await expect(page.locator('article[data-post]')).toHaveCount(1);
});
