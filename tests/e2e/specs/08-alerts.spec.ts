import { expect, test } from '@playwright/test';
import { double } from '../support/double.js';
import { GOOD_KEY, SIDECAR_ADMIN_TOKEN, SIDECAR_URL, WC_MODE } from '../support/env.js';
import { settingsPage } from '../support/pages.js';
import { createOrder, login, wpPhp } from '../support/wp.js';

async function sidecarPaused(): Promise<boolean> {
  const storeId = wpPhp<{ store_id?: string }>("echo wp_json_encode( get_option( 'wc_klaviyo_sync_settings' ) );").store_id;
  const res = await fetch(`${SIDECAR_URL}/v1/stores/${storeId}/status`, { headers: { authorization: `Bearer ${SIDECAR_ADMIN_TOKEN}` } });
  return ((await res.json()) as { paused: boolean }).paused;
}

/** What the WP-Cron event does every five minutes, run now. */
function runAlertCheck(): void {
  wpPhp("do_action( 'wc_klaviyo_sync_check_alerts' ); echo '{}';");
}

test('alerts: a key Klaviyo refuses pauses the store, every admin page says so, saving a good key clears it', async ({ page }) => {
  await login(page);
  await double.revokeKey(GOOD_KEY);
  let order: { id: number; number: string };
  try {
    order = createOrder({ email: 'alert.revoked@example.com', productName: 'Green Cup' });
    await expect.poll(sidecarPaused, { timeout: 45_000 }).toBe(true);
    runAlertCheck();

    await page.goto('/wp-admin/index.php');
    const notice = page.locator('.wck-alert[data-wck-alert="key_refused"]');
    await expect(notice).toContainText('Klaviyo refused the private API key, so sending to Klaviyo is paused');
    await expect(notice).toContainText('order emails and flows do not start');
    await page.goto('/wp-admin/edit.php?post_type=page');
    await expect(notice).toBeVisible();
    await notice.getByRole('link', { name: 'Save a working Klaviyo private key' }).click();
  } finally {
    await double.restoreKey(GOOD_KEY);
  }

  // The one action: save a working key. The save re-checks at once; the notice is gone on the next page.
  const s = settingsPage(page);
  await s.klaviyoKey.fill(GOOD_KEY);
  await s.save.click();
  await expect(s.root.getByText('Settings saved. Webhooks are registered and delivering.')).toBeVisible();
  await expect.poll(sidecarPaused, { timeout: 15_000 }).toBe(false);
  await page.goto('/wp-admin/index.php');
  await expect(page.locator('#wpadminbar')).toBeVisible();
  await expect(page.locator('.wck-alert')).toHaveCount(0);

  if (WC_MODE === 'real') {
    // The order screen (HPOS on WooCommerce 10.0.2) has the Klaviyo box with what was sent for this order.
    await page.goto(`/wp-admin/admin.php?page=wc-orders&action=edit&id=${order.id}`);
    const box = page.locator('#wc-klaviyo-sync-order');
    await expect(box.getByRole('heading', { name: 'Klaviyo' })).toBeVisible();
    await expect(box.locator('.wck-order-delivery').first()).toBeVisible();
    await expect(box.getByRole('button', { name: 'Send again' }).first()).toBeVisible();
  }
});
