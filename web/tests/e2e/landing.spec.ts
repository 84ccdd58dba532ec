// The landing page says what the app does today: photos and approval too.
import { test, expect } from './fixtures';

test('the landing page tells what photos and approval do', async ({ page }) => {
	await page.goto('/');
	const steps = page.locator('#como-funciona');
	await expect(steps).toContainText('fotos');
	await expect(steps).toContainText('aprovar');
});
