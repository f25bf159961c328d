/** The plugin's two admin pages, by the roles and labels a user sees. */
import type { Page } from '@playwright/test';

export const SETTINGS_PATH = '/wp-admin/admin.php?page=wc-klaviyo-sync';
export const LOG_PATH = '/wp-admin/admin.php?page=wc-klaviyo-sync-log';

export function settingsPage(page: Page) {
  const root = page.locator('#wc-klaviyo-sync-settings');
  return {
    root,
    open: () => page.goto(SETTINGS_PATH),
    connectionCode: root.getByLabel('Connection code'),
    useAdminToken: root.getByLabel(/Connect with the sidecar admin token instead/),
    sidecarUrl: root.getByLabel('Sidecar URL'),
    adminToken: root.getByLabel('Sidecar admin token'),
    rotate: root.getByRole('button', { name: 'Rotate credential' }),
    klaviyoKey: root.getByLabel(/Klaviyo private (API )?key/i),
    list: root.getByLabel('Klaviyo list', { exact: true }),
    testConnection: root.getByRole('button', { name: /Test connection/i }),
    save: root.getByRole('button', { name: /^(Save settings|Saving)/i }),
  };
}

export function logPage(page: Page) {
  const root = page.locator('#wc-klaviyo-sync-log');
  const deliveries = root.getByRole('table', { name: 'Deliveries, newest first' });
  return {
    root,
    deliveries,
    open: () => page.goto(LOG_PATH),
    /** The sync log's row of one delivery: an order (shown as "Order #42") and a topic (order.created). */
    deliveryRow: (orderNumber: string, topic = 'order.created') =>
      deliveries.locator('tbody tr[data-delivery-id]').filter({ hasText: new RegExp(`Order #${orderNumber}(?!\\d)`) }).filter({ hasText: topic }),
  };
}
