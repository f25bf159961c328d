/** The plugin's two admin pages, by the roles and labels a user sees. */
import type { Page } from '@playwright/test';

export const SETTINGS_PATH = '/wp-admin/admin.php?page=wc-klaviyo-sync';
export const LOG_PATH = '/wp-admin/admin.php?page=wc-klaviyo-sync-log';

export function settingsPage(page: Page) {
  const root = page.locator('#wc-klaviyo-sync-settings');
  return {
    root,
    open: () => page.goto(SETTINGS_PATH),
    sidecarUrl: root.getByLabel('Sidecar URL'),
    adminToken: root.getByLabel('Sidecar admin token'),
    klaviyoKey: root.getByLabel(/Klaviyo private (API )?key/i),
    list: root.getByLabel(/^(Klaviyo )?list/i),
    testConnection: root.getByRole('button', { name: /Test connection/i }),
    save: root.getByRole('button', { name: /^Save/i }),
  };
}

export function logPage(page: Page) {
  const root = page.locator('#wc-klaviyo-sync-log');
  return {
    root,
    open: () => page.goto(LOG_PATH),
    /** The sync log's row for an order (by its number, shown as "#42"). */
    orderRow: (orderNumber: string) => root.getByRole('row').filter({ hasText: new RegExp(`#${orderNumber}\\b`) }),
  };
}
