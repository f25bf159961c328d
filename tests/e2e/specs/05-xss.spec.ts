import { expect, test } from '@playwright/test';
import { logPage } from '../support/pages.js';
import { createOrder, login } from '../support/wp.js';

const HOSTILE = '<img src=x onerror=window.__xss=1>';

test('a product name made of HTML is shown as text in the delivery details and never runs', async ({ page }) => {
  await login(page);
  const log = logPage(page);
  await log.open();

  const order = createOrder({ email: 'eve.hacker@example.com', productName: HOSTILE });
  const row = log.deliveryRow(order.number);
  await expect(row.getByText('Sent', { exact: true })).toBeVisible({ timeout: 30_000 });
  await row.getByRole('button', { name: 'Details', exact: true }).click();

  await expect(log.root.getByText(HOSTILE, { exact: false }).first()).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
});
