import { expect, test } from '@playwright/test';
import { double, orderEventRequests } from '../support/double.js';
import { logPage } from '../support/pages.js';
import { createOrder, login } from '../support/wp.js';

test('a delivery Klaviyo keeps failing shows as failed with Klaviyo\'s words, and Replay sends it exactly once', async ({ page }) => {
  await login(page);
  const log = logPage(page);
  await log.open();
  await expect(log.root.getByRole('table')).toBeVisible();

  // Klaviyo answers 500 to every event until the fault is cleared: the sidecar tries twice (MAX_ATTEMPTS=2)
  // and dead-letters the jobs.
  await double.failWith(500, ['/api/events']);
  let order;
  try {
    order = createOrder({ email: `bob.${Date.now()}@example.com`, productName: 'Red Kettle' });
    const row = log.orderRow(order.number).filter({ hasText: 'order.created' });
    await expect(row.getByText('Failed')).toBeVisible({ timeout: 45_000 });
    await row.getByRole('button', { name: /Details|Show/i }).first().click();
    await expect(log.root.getByText(/Something went wrong on our side/).first()).toBeVisible();
  } finally {
    await double.clearFaults();
  }

  const failed = orderEventRequests(await double.requests(), 'Placed Order', order.id);
  expect(failed.length).toBeGreaterThan(0);
  expect(failed.every((r) => r.status === 500)).toBe(true);
  expect((await double.events()).filter((e) => Number(e.properties.OrderId) === order.id)).toHaveLength(0);

  await log.root.getByRole('button', { name: /^Replay/ }).first().click();
  const row = log.orderRow(order.number).filter({ hasText: 'order.created' });
  await expect(row.getByText('Sent')).toBeVisible({ timeout: 30_000 });

  const after = orderEventRequests(await double.requests(), 'Placed Order', order.id);
  expect(after.filter((r) => r.status === 202)).toHaveLength(1);
  expect((await double.events()).filter((e) => e.metric === 'Placed Order' && Number(e.properties.OrderId) === order.id)).toHaveLength(1);
});
