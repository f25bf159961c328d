import { expect, test, type Page } from '@playwright/test';
import { double } from '../support/double.js';
import { WC_MODE } from '../support/env.js';
import { runActionScheduler, wpPhp } from '../support/wp.js';

/**
 * Back in stock on the real WooCommerce 10.0.2 product pages (WC=real only: the stand-in has no product pages): in the
 * block theme (twentytwentyfive) an out-of-stock simple product shows "Notify me when available"; a bad email gets the
 * route's message on the page, a good one the thanks, and the double then holds the back-in-stock subscription for the
 * product's variant. In a classic theme (twentytwentyone) a variable product shows the form only while an out-of-stock
 * variation is picked, and the subscription names that variation.
 */
test.skip(WC_MODE !== 'real', 'needs the real WooCommerce (WC=real): the stand-in has no product pages');

interface Subscription { variantId: string; email: string | null; channels: string[] }

async function subscriptionFor(email: string): Promise<Subscription> {
  let found: Subscription | undefined;
  await expect.poll(async () => {
    runActionScheduler();
    const state = await double.state() as unknown as { backInStock: Subscription[] };
    found = state.backInStock.find((s) => s.email === email);
    return !!found;
  }, { timeout: 60_000, intervals: [500, 1000, 2000] }).toBe(true);
  return found!;
}

async function signUp(page: Page, email: string, expected: string): Promise<void> {
  const form = page.locator('form.wck-back-in-stock');
  await form.getByLabel('Email address').fill(email);
  await form.getByRole('button', { name: 'Notify me' }).click();
  await expect(form.locator('.wck-back-in-stock__message')).toHaveText(expected, { timeout: 30_000 });
}

test('back in stock: the block theme\'s simple product and the classic theme\'s variation reach Klaviyo\'s back-in-stock subscriptions', async ({ browser }) => {
  const run = Date.now().toString(36);
  const ids = wpPhp<{ simple: number; simpleUrl: string; variable: number; variableUrl: string; out: number; theme: string }>(`
$theme = get_stylesheet();
$s = new WC_Product_Simple(); $s->set_name( 'Sold-out kettle ${run}' ); $s->set_regular_price( '40.00' ); $s->set_stock_status( 'outofstock' ); $s->set_status( 'publish' ); $sid = $s->save();
$a = new WC_Product_Attribute(); $a->set_name( 'Size' ); $a->set_options( array( 'S', 'L' ) ); $a->set_visible( true ); $a->set_variation( true );
$p = new WC_Product_Variable(); $p->set_name( 'Apron ${run}' ); $p->set_attributes( array( $a ) ); $p->set_status( 'publish' ); $pid = $p->save();
$out = 0;
foreach ( array( 'S' => 'outofstock', 'L' => 'instock' ) as $size => $stock ) { $v = new WC_Product_Variation(); $v->set_parent_id( $pid ); $v->set_attributes( array( 'size' => $size ) ); $v->set_regular_price( '15.00' ); $v->set_stock_status( $stock ); $id = $v->save(); if ( 'outofstock' === $stock ) { $out = $id; } }
WC_Product_Variable::sync( $pid );
echo wp_json_encode( array( 'simple' => $sid, 'simpleUrl' => get_permalink( $sid ), 'variable' => $pid, 'variableUrl' => get_permalink( $pid ), 'out' => $out, 'theme' => $theme ) );`);
  runActionScheduler(); // the product webhooks: the sidecar learns the products and Klaviyo's catalog gets them

  try {
    wpPhp(`switch_theme( 'twentytwentyfive' ); echo '{}';`);
    const shopper = await browser.newContext();
    const page = await shopper.newPage();
    await page.goto(ids.simpleUrl);
    await expect(page.getByText('Notify me when available')).toBeVisible();
    await signUp(page, 'not-an-email', 'Please enter a valid email address.');
    const email = `kettle-${run}@example.com`;
    await signUp(page, email, 'Thank you! We will let you know when it is back in stock.');
    const sub = await subscriptionFor(email);
    expect(sub.variantId).toBe(`$custom:::$default:::${ids.simple}`);
    expect(sub.channels[0]).toBe('EMAIL');

    wpPhp(`switch_theme( 'twentytwentyone' ); echo '{}';`);
    await page.goto(ids.variableUrl);
    const form = page.locator('form.wck-back-in-stock');
    await expect(form).toBeHidden();
    await page.locator('select#size').selectOption('L');
    await expect(form).toBeHidden();
    await page.locator('select#size').selectOption('S');
    await expect(form).toBeVisible();
    const apron = `apron-${run}@example.com`;
    await signUp(page, apron, 'Thank you! We will let you know when it is back in stock.');
    expect((await subscriptionFor(apron)).variantId).toBe(`$custom:::$default:::${ids.out}`);
    await shopper.close();
  } finally {
    wpPhp(`switch_theme( ${JSON.stringify(ids.theme)} ); echo '{}';`);
  }
});
