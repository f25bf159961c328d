import { expect, test } from '@playwright/test';
import { double, orderEventRequests } from '../support/double.js';
import { GOOD_KEY } from '../support/env.js';
import { logPage } from '../support/pages.js';
import { createOrder, login } from '../support/wp.js';

test('an order placed while the sync log is open appears there without a reload, and Klaviyo gets its Placed Order', async ({ page }) => {
  await login(page);
  const log = logPage(page);
  await log.open();
  await expect(log.deliveries).toBeVisible();
  // Marks the document: if the page reloaded, the mark would be gone.
  await page.evaluate(() => { (window as unknown as { __wckNoReload: boolean }).__wckNoReload = true; });

  const order = createOrder({ email: 'ann.lee@example.com', productName: 'Blue Mug' });

  const row = log.deliveryRow(order.number);
  await expect(row).toBeVisible({ timeout: 30_000 });
  await expect(row.getByText('Sent', { exact: true })).toBeVisible({ timeout: 30_000 });
  expect(await page.evaluate(() => (window as unknown as { __wckNoReload?: boolean }).__wckNoReload)).toBe(true);

  const placed = orderEventRequests(await double.requests(), 'Placed Order', order.id);
  expect(placed.filter((r) => r.status === 202)).toHaveLength(1);
  const events = (await double.events()).filter((e) => e.metric === 'Placed Order' && Number(e.properties.OrderId) === order.id);
  expect(events).toHaveLength(1);
  expect(events[0]?.apiKey).toBe(GOOD_KEY);
  expect(events[0]?.profile.email).toBe(order.email);
  expect(events[0]?.value).toBe(24.5);
});
