// One phone formatter: the profile form shows the number as the header does.
import { test, expect } from './fixtures';
import { PHONE_DIGITS, PHONE_SHOWN, seed } from './seed';

test('the profile form shows the phone as the header does', { tag: '@local-stack' }, async ({ page, request, stack }) => {
	const { business } = await seed(page, request, stack, 'lia@example.com');
	await page.goto(`/app/clientes/${business}`);
	await expect(page.locator('.page-head')).toContainText(PHONE_SHOWN);
	await page.getByRole('link', { name: 'Editar perfil' }).click();
	await expect(page.getByLabel('Telefone ou WhatsApp')).toHaveValue(PHONE_SHOWN);
	// Saved as it is shown, the number stays the same.
	await page.getByRole('button', { name: 'Salvar alterações' }).click();
	await expect(page).toHaveURL(`/app/clientes/${business}`);
	const stored = await page.evaluate(async (id) => {
		const auth = JSON.parse(localStorage.getItem('pocketbase_auth')!) as { token: string };
		const res = await fetch(`/api/collections/businesses/records/${id}`, { headers: { Authorization: auth.token } });
		return ((await res.json()) as { phone: string }).phone;
	}, business);
	expect(stored).toBe(PHONE_DIGITS);
});
