import { expect, test } from '@playwright/test';
import { double } from '../support/double.js';
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

  // Both what WooCommerce sent and what went to Klaviyo hold the name; both are shown as text.
  const details = log.deliveries.locator('tr.wck-details-row');
  await expect(details.getByText(HOSTILE, { exact: false }).first()).toBeVisible();
  expect(await details.getByText(HOSTILE, { exact: false }).count()).toBeGreaterThanOrEqual(2);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();

  // The name reached Klaviyo unchanged: nothing was stripped on the way, it is only never run.
  const placed = (await double.events()).find((e) => e.metric === 'Placed Order' && Number(e.properties.OrderId) === order.id);
  expect(placed?.properties.ItemNames).toEqual([HOSTILE]);
});
