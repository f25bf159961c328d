import { expect, test } from '@playwright/test';
import { logPage } from '../support/pages.js';
import { createOrder, login } from '../support/wp.js';

const HOSTILE = '<img src=x onerror=window.__xss=1>';

test('a product name made of HTML is shown as text in the delivery details and never runs', async ({ page }) => {
  await login(page);
  const log = logPage(page);
  await log.open();

  const order = createOrder({ email: `eve.${Date.now()}@example.com`, productName: HOSTILE });
  const row = log.orderRow(order.number).filter({ hasText: 'order.created' });
  await expect(row.getByText('Sent')).toBeVisible({ timeout: 30_000 });
  await row.getByRole('button', { name: /Details|Show/i }).first().click();

  await expect(log.root.getByText(HOSTILE, { exact: false }).first()).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
});
