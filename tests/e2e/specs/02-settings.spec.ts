import { expect, test } from '@playwright/test';
import { double } from '../support/double.js';
import { GOOD_KEY, LIST_ID, LIST_NAME, MALFORMED_KEY, REJECTED_KEY, SIDECAR_ADMIN_TOKEN, SIDECAR_URL } from '../support/env.js';
import { logPage, settingsPage } from '../support/pages.js';
import { E2E_STORE_ID, makeConnectCode, storeStatusWith } from '../support/sidecar.js';
import { login, pluginWebhooks, wpPhp } from '../support/wp.js';

const TOPICS = ['order.created', 'order.updated', 'order.deleted', 'order.restored', 'customer.created', 'customer.updated', 'customer.deleted', 'product.created', 'product.updated', 'product.deleted', 'product.restored'];

/** How many rows of wp_options hold the sidecar's admin token anywhere (name or value). */
const optionsHoldingAdminToken = () => wpPhp<{ n: number }>(`global $wpdb; echo wp_json_encode( array( 'n' => (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->options} WHERE option_value LIKE %s OR option_name LIKE %s", '%${SIDECAR_ADMIN_TOKEN}%', '%${SIDECAR_ADMIN_TOKEN}%' ) ) ) );`).n;
/** The store credential the plugin holds (decrypted in PHP; the browser never sees it). */
const heldCredential = () => wpPhp<{ c: string }>("echo wp_json_encode( array( 'c' => \\WcKlaviyoSync\\Plugin::instance()->settings()->credential() ) );").c;

test('settings: a pasted connection code connects, a wrong key is refused clearly, the right one saves and registers a webhook per topic', async ({ page }) => {
  await login(page);
  const s = settingsPage(page);
  await s.open();
  await expect(s.root.getByText('Not connected yet: paste a connection code below.')).toBeVisible();

  // A code that is not one: refused in the form, before anything is sent.
  await s.connectionCode.fill('hello');
  await s.klaviyoKey.fill(GOOD_KEY);
  await s.save.click();
  await expect(s.root.getByText(/This is not a connection code/).first()).toBeVisible();

  // The operator makes a code for the store (the admin route); the merchant pastes it.
  await s.connectionCode.fill(await makeConnectCode());

  // Not a private key: refused in the form, before anything is sent.
  await s.klaviyoKey.fill(MALFORMED_KEY);
  await s.save.click();
  await expect(s.root.getByText(/A Klaviyo private API key starts with "pk_"/)).toBeVisible();

  // A private key Klaviyo answers 401 for: a plain-words error, and no webhook registered. The code connected the
  // site before Klaviyo was asked, so the page now shows the connection and the (spent) code is gone from the form.
  const accountsBefore = (await double.requests()).filter((r) => r.path === '/api/accounts').length;
  await s.klaviyoKey.fill(REJECTED_KEY);
  await s.save.click();
  await expect(s.root.getByText(/Klaviyo refused/).first()).toBeVisible();
  const refused = (await double.requests()).filter((r) => r.path === '/api/accounts').slice(accountsBefore);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.every((r) => r.status === 401)).toBe(true);
  expect(pluginWebhooks()).toHaveLength(0);
  await expect(s.root.getByText(`Connected as store ${E2E_STORE_ID} to the sync service at ${SIDECAR_URL}.`)).toBeVisible();
  await expect(s.connectionCode).toHaveValue('');

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

  // What WordPress stored: one active webhook per topic pointing at the sidecar.
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
  await expect(s.root.getByText(`Connected as store ${E2E_STORE_ID} to the sync service at ${SIDECAR_URL}.`)).toBeVisible();
  await expect(s.klaviyoKey).toHaveAttribute('placeholder', `Saved key ending in ${GOOD_KEY.slice(-4)}`);
  await expect(s.list).toHaveValue(LIST_ID);
});

test('connect: the database holds no admin token, the page and its answers show no credential, the log works, and rotating stops the old credential', async ({ page }) => {
  await login(page);
  expect(optionsHoldingAdminToken()).toBe(0);
  const credential = heldCredential();
  expect(credential).toMatch(/^wcks_/);
  expect(wpPhp<Record<string, unknown>>("echo wp_json_encode( get_option( 'wc_klaviyo_sync_settings' ) );")).not.toHaveProperty('admin_token');

  const answers: string[] = [];
  page.on('response', async (r) => {
    if (r.url().includes('wc-klaviyo-sync')) answers.push(await r.text().catch(() => ''));
  });
  const s = settingsPage(page);
  await s.open();
  await expect(s.rotate).toBeVisible();
  expect(await page.content()).not.toContain(credential);

  // The sync log answers through the plugin with the store credential.
  const log = logPage(page);
  await log.open();
  await expect(log.deliveries).toBeVisible();
  await expect(log.root.getByText(/could not reach|refused/i)).toHaveCount(0);
  expect(await storeStatusWith(credential)).toBe(200);

  // Rotate: the old credential is refused by the sidecar at once; the new one is sealed and the page still works.
  await s.open();
  await s.rotate.click();
  await expect(s.root.getByText('A new store credential is saved; the old one no longer works.')).toBeVisible();
  const rotated = heldCredential();
  expect(rotated).toMatch(/^wcks_/);
  expect(rotated).not.toBe(credential);
  expect(await storeStatusWith(credential)).toBe(403);
  expect(await storeStatusWith(rotated)).toBe(200);
  await log.open();
  await expect(log.deliveries).toBeVisible();
  for (const text of answers) {
    expect(text).not.toContain(credential);
    expect(text).not.toContain(rotated);
    expect(text).not.toContain(SIDECAR_ADMIN_TOKEN);
  }
  expect(answers.length).toBeGreaterThan(0);
  expect(optionsHoldingAdminToken()).toBe(0);
});
