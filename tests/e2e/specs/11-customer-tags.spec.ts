import { expect, test } from '@playwright/test';
import { DOUBLE_URL, WC_MODE } from '../support/env.js';
import { settingsPage } from '../support/pages.js';
import { login, wpPhp } from '../support/wp.js';

/**
 * Klaviyo tags on WooCommerce → Customers (real WordPress 7.1 + WooCommerce 10.0.2 only: the stand-in has no
 * wc-admin). A flow's tag webhook, sent by the double with the header read off the settings page, tags a customer;
 * the wc-admin Customers report shows the "Klaviyo tags" column with the tag, and its "Klaviyo tag" filter
 * (`wck_tag` in the page's URL, as the dropdown sets it) lists only that customer.
 */
test.skip(WC_MODE !== 'real', 'needs the real WooCommerce (WC=real): the stand-in has no wc-admin Customers report');

test('customer tags: a flow tags a customer, WooCommerce → Customers shows the column and filters by the tag', async ({ page }) => {
  const run = Date.now().toString(36);
  const tagged = `tagged-${run}@example.com`;
  const plain = `plain-${run}@example.com`;
  // Two customer accounts, in the analytics lookup table as WooCommerce puts them on registration.
  wpPhp(`
foreach ( array( ${JSON.stringify(tagged)} => 'Tara', ${JSON.stringify(plain)} => 'Pete' ) as $email => $first ) {
  $id = wc_create_new_customer( $email, '', 'Pass-' . wp_generate_password( 12, false ), array( 'first_name' => $first, 'last_name' => ${JSON.stringify(run)} ) );
  \\Automattic\\WooCommerce\\Admin\\API\\Reports\\Customers\\DataStore::update_registered_customer( $id );
}
echo 'null';`);

  await login(page);
  const s = settingsPage(page);
  await s.open();
  const panel = s.root.locator('.wck-flow-webhooks');
  const [name, secret] = ((await panel.locator('.wck-flow-header').textContent()) ?? '').split(': ');
  const url = (await panel.locator('tr[data-action="tag"] code').textContent()) ?? '';
  const sent = await (await fetch(`${DOUBLE_URL}/__double/flow-webhook`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, headers: { [name!]: secret }, body: { email: tagged, tag: `VIP-${run}` } }),
  })).json() as { status: number };
  expect(sent.status).toBe(200);
  await expect.poll(() => wpPhp<string[]>(`
$u = get_user_by( 'email', ${JSON.stringify(tagged)} );
echo wp_json_encode( array_values( get_user_meta( $u->ID, '_wck_tag', false ) ) );`), { timeout: 60_000 }).toEqual([`VIP-${run}`]);

  // The Customers report: the column, with the tag on the tagged customer's row only.
  await page.goto(`/wp-admin/admin.php?page=wc-admin&path=${encodeURIComponent('/customers')}&search=${run}`);
  const table = page.locator('.woocommerce-table');
  await expect(table.getByRole('columnheader', { name: 'Klaviyo tags' })).toBeVisible({ timeout: 60_000 });
  const row = (email: string) => table.locator('tbody tr', { hasText: email });
  await expect(row(tagged)).toContainText(`VIP-${run}`, { timeout: 30_000 });
  await expect(row(plain)).toBeVisible();
  await expect(row(plain)).not.toContainText('VIP-');

  // The filter: only the tagged customer.
  await page.goto(`/wp-admin/admin.php?page=wc-admin&path=${encodeURIComponent('/customers')}&wck_tag=${encodeURIComponent(`VIP-${run}`)}`);
  await expect(row(tagged)).toBeVisible({ timeout: 60_000 });
  await expect(table.locator('tbody tr', { hasText: '@example.com' })).toHaveCount(1);
  await expect(page.getByText('Klaviyo tag', { exact: false }).first()).toBeVisible();
});
