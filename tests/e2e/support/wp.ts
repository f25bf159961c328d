/** WordPress helpers for the specs: logging in, and PHP run inside the site through tests/wp/bin/wp-php.sh. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { ADMIN_PASSWORD, ADMIN_USER, ROOT, runDir, WC_MODE, WP_DB, WP_PORT } from './env.js';

export const PLUGIN_FILE = 'wc-klaviyo-sync/wc-klaviyo-sync.php';
export const PLUGIN_NAME = 'Klaviyo Sync for WooCommerce';

/**
 * Runs PHP code inside WordPress (wp-load.php already required, user 1 current) and returns what it printed,
 * parsed as JSON when the code printed JSON.
 */
export function wpPhp<T = unknown>(code: string): T {
  const dir = mkdtempSync(join(runDir(), 'php-'));
  const file = join(dir, 'snippet.php');
  writeFileSync(file, `<?php\nwp_set_current_user( 1 );\n${code}\n`);
  try {
    const r = spawnSync('bash', [resolve(ROOT, 'tests/wp/bin/wp-php.sh'), file], {
      cwd: ROOT, encoding: 'utf8', timeout: 120_000,
      env: { ...process.env, WP_PORT: String(WP_PORT), WP_DB, WC: WC_MODE },
    });
    if (r.status !== 0) throw new Error(`wp-php.sh failed (exit ${r.status}): ${r.stderr}\n${r.stdout}`);
    const out = r.stdout.trim();
    // Notices printed before the JSON (deprecations of the real WooCommerce) are not the answer.
    const start = out.search(/[[{]/);
    try {
      return JSON.parse(start >= 0 ? out.slice(start) : out) as T;
    } catch {
      return out as T;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function login(page: Page): Promise<void> {
  await page.goto('/wp-login.php');
  await page.getByLabel('Username or Email Address').fill(ADMIN_USER);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Log In' }).click();
  await expect(page.locator('#wpadminbar')).toBeVisible();
}

export interface WebhookRow { id: number; topic: string; status: string; deliveryUrl: string; name: string }

/** The plugin's webhooks as WooCommerce stores them (ids from the option wc_klaviyo_sync_webhooks). */
export function pluginWebhooks(): WebhookRow[] {
  return wpPhp<WebhookRow[]>(`
$out = array();
foreach ( (array) get_option( 'wc_klaviyo_sync_webhooks', array() ) as $topic => $id ) {
  $w = wc_get_webhook( (int) $id );
  if ( ! $w ) { continue; }
  $out[] = array( 'id' => $w->get_id(), 'topic' => $w->get_topic(), 'status' => $w->get_status(), 'deliveryUrl' => $w->get_delivery_url(), 'name' => $w->get_name() );
}
echo wp_json_encode( $out );`);
}

export interface CreatedOrder { id: number; number: string; email: string }

/**
 * Creates a paid order with one line item, the way a checkout would, and returns once WooCommerce has delivered
 * its webhooks: the stand-in delivers synchronously; the real WooCommerce queues them in Action Scheduler,
 * which a later PHP process runs.
 */
export function createOrder(opts: { email: string; productName: string; price?: string; phone?: string }): CreatedOrder {
  const price = opts.price ?? '24.50';
  const billing = `array(
  'first_name' => 'Ann', 'last_name' => 'Lee', 'email' => ${phpString(opts.email)}, 'phone' => ${phpString(opts.phone ?? '')},
  'address_1' => '1 Main St', 'city' => 'Boston', 'state' => 'MA', 'postcode' => '02110', 'country' => 'US',
)`;
  const order = wpPhp<CreatedOrder>(`
if ( function_exists( 'wc_standin_create_order' ) ) {
  // The stand-in: stores the order, fires woocommerce_new_order and delivers the webhooks before returning.
  $id = wc_standin_create_order( array(
    'status' => 'processing', 'currency' => 'USD', 'billing' => ${billing}, 'payment_method_title' => 'Cash on delivery',
    'line_items' => array( array( 'name' => ${phpString(opts.productName)}, 'product_id' => 11, 'sku' => 'E2E-1', 'quantity' => 1, 'price' => (float) ${phpString(price)} ) ),
  ) );
  $o = wc_standin_get_order( $id );
  echo wp_json_encode( array( 'id' => $id, 'number' => (string) $id, 'email' => $o['billing']['email'] ) );
  return;
}
$product = new WC_Product_Simple();
$product->set_name( ${phpString(opts.productName)} );
$product->set_regular_price( ${phpString(price)} );
$product->set_status( 'publish' );
$product->save();
$order = wc_create_order();
$order->add_product( $product, 1 );
$order->set_address( ${billing}, 'billing' );
$order->set_currency( 'USD' );
$order->set_payment_method_title( 'Cash on delivery' );
$order->calculate_totals();
$order->payment_complete();
$order->save();
echo wp_json_encode( array( 'id' => $order->get_id(), 'number' => (string) $order->get_order_number(), 'email' => $order->get_billing_email() ) );`);
  if (WC_MODE === 'real') runActionScheduler();
  return order;
}

/** Real WooCommerce only: sends the webhook deliveries queued by earlier requests. */
export function runActionScheduler(): void {
  wpPhp(`ActionScheduler_QueueRunner::instance()->run(); echo '{}';`);
}

function phpString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
