import { expect, test } from '@playwright/test';
import { ZIP_PATH } from '../support/env.js';
import { login, PLUGIN_FILE, PLUGIN_NAME, wpPhp } from '../support/wp.js';

test('an administrator uploads the built zip, activates it and finds both pages under WooCommerce', async ({ page }) => {
  await login(page);

  await page.locator('#adminmenu').getByRole('link', { name: 'Plugins', exact: false }).first().click();
  // "Add New" (WordPress 6.6: "Add New Plugin"), "Add Plugin" in WordPress 7.
  await page.locator('#adminmenu').getByRole('link', { name: /^Add (New( Plugin)?|Plugin)$/ }).click();
  await page.getByRole('button', { name: 'Upload Plugin' }).click();
  await page.getByLabel('Plugin zip file').setInputFiles(ZIP_PATH);
  await page.getByRole('button', { name: 'Install Now' }).click();

  await expect(page.getByText('Plugin installed successfully.')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Activate Plugin' }).click();
  await expect(page.getByText('Plugin activated.')).toBeVisible();

  const row = page.locator('#the-list tr[data-plugin="' + PLUGIN_FILE + '"]');
  await expect(row).toHaveClass(/\bactive\b/);
  await expect(row.getByRole('link', { name: new RegExp(`Deactivate ${PLUGIN_NAME}`) })).toBeVisible();
  expect(wpPhp<string>(`echo in_array( '${PLUGIN_FILE}', (array) get_option( 'active_plugins', array() ), true ) ? 'active' : 'inactive';`)).toBe('active');

  const woo = page.locator('#toplevel_page_woocommerce');
  await woo.hover();
  await expect(woo.getByRole('link', { name: 'Klaviyo', exact: true })).toBeVisible();
  await expect(woo.getByRole('link', { name: 'Klaviyo Sync Log', exact: true })).toBeVisible();
});
