import { expect, test } from '@playwright/test';
import { double, orderEventRequests, uniqueIdOf } from '../support/double.js';
import { logPage } from '../support/pages.js';
import { createOrder, login, type CreatedOrder } from '../support/wp.js';

test('a delivery Klaviyo keeps failing shows as failed with Klaviyo\'s words, and Replay sends it exactly once', async ({ page }) => {
  await login(page);
  const log = logPage(page);
  await log.open();
  await expect(log.deliveries).toBeVisible();

  // Klaviyo answers 500 to every event until the fault is cleared: the sidecar tries twice (MAX_ATTEMPTS=2)
  // and dead-letters the jobs.
  const mark = (await double.requests()).at(-1)?.id ?? 0;
  await double.failWith(500, ['/api/events']);
  let order: CreatedOrder;
  try {
    order = createOrder({ email: 'bob.stone@example.com', productName: 'Red Kettle' });
    const row = log.deliveryRow(order.number);
    await expect(row.getByText('Failed', { exact: true })).toBeVisible({ timeout: 45_000 });
    // Klaviyo's own words (the double's 500 body) are shown in the row.
    await expect(row.getByText(/Something went wrong on our side/).first()).toBeVisible();
  } finally {
    await double.clearFaults();
  }

  // The double refused every attempt before reading it (a fault is answered before the body is parsed).
  const failed = (await double.requests()).filter((r) => r.id > mark && r.path === '/api/events');
  expect(failed.length).toBeGreaterThanOrEqual(2);
  expect(failed.every((r) => r.status === 500 && r.fault === 'status 500')).toBe(true);
  const lastFailed = failed.at(-1)?.id ?? mark;
  expect((await double.events()).filter((e) => Number(e.properties.OrderId) === order.id)).toHaveLength(0);

  const row = log.deliveryRow(order.number);
  await row.getByRole('button', { name: 'Replay', exact: true }).click();
  await expect(row.getByText('Sent', { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(row.getByRole('button', { name: 'Replay', exact: true })).toHaveCount(0);

  // After Replay: each dead job was sent once more and accepted, the Placed Order exactly once.
  const sent = (await double.requests()).filter((r) => r.id > lastFailed && r.path === '/api/events');
  expect(sent.length).toBeGreaterThan(0);
  expect(sent.every((r) => r.status === 202)).toBe(true);
  const keys = sent.map(uniqueIdOf);
  expect(new Set(keys).size).toBe(keys.length);
  expect(orderEventRequests(sent, 'Placed Order', order.id)).toHaveLength(1);
  const placed = (await double.events()).filter((e) => e.metric === 'Placed Order' && Number(e.properties.OrderId) === order.id);
  expect(placed).toHaveLength(1);
  expect(placed[0]?.profile.email).toBe(order.email);
});
