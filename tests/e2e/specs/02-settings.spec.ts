import { expect, test } from '@playwright/test';
import { double } from '../support/double.js';
import { GOOD_KEY, LIST_ID, LIST_NAME, MALFORMED_KEY, REJECTED_KEY, SIDECAR_ADMIN_TOKEN, SIDECAR_URL } from '../support/env.js';
import { settingsPage } from '../support/pages.js';
import { login, pluginWebhooks, wpPhp } from '../support/wp.js';

const TOPICS = ['order.created', 'order.updated', 'order.deleted', 'order.restored', 'customer.created', 'customer.updated', 'customer.deleted'];

test('settings: a wrong key is refused clearly, the right one connects, and saving registers the seven webhooks', async ({ page }) => {
  await login(page);
  const s = settingsPage(page);
  await s.open();

  await s.sidecarUrl.fill(SIDECAR_URL);
  await s.adminToken.fill(SIDECAR_ADMIN_TOKEN);

  // Not a private key: refused in the form, before anything is sent.
  await s.klaviyoKey.fill(MALFORMED_KEY);
  await s.save.click();
  await expect(s.root.getByText(/A Klaviyo private API key starts with "pk_"/)).toBeVisible();

  // A private key Klaviyo answers 401 for: a plain-words error, and no webhook registered.
  const accountsBefore = (await double.requests()).filter((r) => r.path === '/api/accounts').length;
  await s.klaviyoKey.fill(REJECTED_KEY);
  await s.save.click();
  await expect(s.root.getByText(/Klaviyo refused/).first()).toBeVisible();
  const refused = (await double.requests()).filter((r) => r.path === '/api/accounts').slice(accountsBefore);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((r) => r.status === 401)).toBe(true);
  expect(pluginWebhooks()).toHaveLength(0);

  // The right key: the connection test succeeds; saving registers the webhooks; then the lists (all pages of
  // them: the double pages by 10) can be picked and saved.
  await s.klaviyoKey.fill(GOOD_KEY);
  await s.testConnection.click();
  await expect(s.root.getByText(/Sidecar: reachable/)).toBeVisible();
  await expect(s.root.getByText(/Klaviyo: the key works/)).toBeVisible();
  await s.save.click();
  await expect(s.root.getByText('Settings saved. Webhooks are registered and delivering.')).toBeVisible();
  await expect(s.list).toBeEnabled();
  await expect(s.list.locator('option', { hasText: LIST_NAME })).toHaveCount(1);
  await expect(s.list.locator('option', { hasText: 'List 23' })).toHaveCount(1);
  await s.list.selectOption({ label: LIST_NAME });
  await s.save.click();
  await expect(s.root.getByText('Settings saved. Webhooks are registered and delivering.')).toBeVisible();
  expect(wpPhp<{ list_id?: string }>("echo wp_json_encode( get_option( 'wc_klaviyo_sync_settings' ) );").list_id).toBe(LIST_ID);

  // What WordPress stored: seven active webhooks pointing at the sidecar.
  const hooks = pluginWebhooks();
  expect(hooks.map((h) => h.topic).sort()).toEqual([...TOPICS].sort());
  for (const h of hooks) {
    expect(h.status).toBe('active');
    expect(h.deliveryUrl).toMatch(new RegExp(`^${SIDECAR_URL}/v1/stores/[a-z0-9_-]+/webhooks/woocommerce$`));
  }

  // What Klaviyo received: the account check with the good key (the only key the double accepts).
  const accounts = (await double.requests()).filter((r) => r.method === 'GET' && r.path === '/api/accounts' && r.status === 200);
  expect(accounts.length).toBeGreaterThan(0);
  expect(accounts.at(-1)?.headers.authorization).toBe(`Klaviyo-API-Key ${GOOD_KEY.slice(0, 7)}***`);

  // The page keeps what was saved after a reload (the key only as its last four characters).
  await s.open();
  await expect(s.sidecarUrl).toHaveValue(SIDECAR_URL);
  await expect(s.klaviyoKey).toHaveAttribute('placeholder', `Saved key ending in ${GOOD_KEY.slice(-4)}`);
  await expect(s.list).toHaveValue(LIST_ID);
});
