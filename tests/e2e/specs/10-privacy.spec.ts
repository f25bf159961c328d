import { expect, test } from '@playwright/test';
import { double } from '../support/double.js';
import { createOrder, login } from '../support/wp.js';

const EMAIL = 'erase.me.e2e@example.com';

test('privacy: erasing a customer from Tools → Erase Personal Data reaches the sidecar and Klaviyo', async ({ page }) => {
  await login(page);
  const order = createOrder({ email: EMAIL, productName: 'Red Cup' });
  const hasEvent = async () => (await double.events()).some((e) => String(e.profile.email).toLowerCase() === EMAIL && Number(e.properties.OrderId) === order.id);
  await expect.poll(hasEvent, { timeout: 45_000 }).toBe(true);

  // An erasure request without the confirmation email is confirmed at once; "Erase personal data" runs every eraser.
  await page.goto('/wp-admin/erase-personal-data.php');
  await page.getByLabel('Username or email address').fill(EMAIL);
  await page.getByLabel('Send personal data erasure confirmation email.').uncheck();
  await page.getByRole('button', { name: 'Send Request' }).click();
  const row = page.locator('tr', { hasText: EMAIL }).first();
  await row.getByRole('button', { name: 'Erase personal data' }).click();
  await expect(row.locator('.remove-personal-data-success')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('asked Klaviyo to delete the profile and its events')).toBeVisible();

  // The sidecar's worker sends Klaviyo's deletion; the double then holds no event of the customer.
  await expect.poll(async () => (await double.state()).deletions.map((d) => d.identifier.email), { timeout: 30_000 }).toContain(EMAIL);
  expect(await hasEvent()).toBe(false);
  const invalid = (await double.state()).invalid.filter((r) => r.path === '/api/data-privacy-deletion-jobs');
  expect(invalid).toEqual([]);
});
