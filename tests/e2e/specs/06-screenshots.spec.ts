import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { SCREENSHOT_DIR } from '../support/env.js';
import { logPage, settingsPage } from '../support/pages.js';
import { login } from '../support/wp.js';

test('screenshots of the settings and sync log pages for the docs', async ({ page }) => {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await login(page);

  const s = settingsPage(page);
  await s.open();
  await expect(s.connectionCode).toBeVisible();
  await expect(s.save).toBeEnabled();
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'settings.png'), fullPage: true, animations: 'disabled', caret: 'hide' });

  const log = logPage(page);
  await log.open();
  await expect(log.deliveries.getByText('Sent', { exact: true }).first()).toBeVisible();
  await page.screenshot({ path: join(SCREENSHOT_DIR, 'sync-log.png'), fullPage: true, animations: 'disabled', caret: 'hide' });
});
