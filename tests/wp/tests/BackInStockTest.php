<?php
/**
 * Back in stock: the "Notify me when available" form on an out-of-stock product's page (classic hook and the block
 * theme's Add to Cart form block), the shop's public signup route (nonce, checked input, a clear message, nothing
 * queued on bad input), and the durable path to the sidecar: Action Scheduler, then Klaviyo's (the double's)
 * back-in-stock subscriptions. Stand-in: products of the stand-in, delivered to the sidecar signed as WooCommerce
 * would; real WooCommerce 10.0.2: real products whose webhooks WooCommerce delivers.
 */

use WcKlaviyoSync\BackInStock\BackInStockForm;
use WcKlaviyoSync\BackInStock\BackInStockRoute;
use WcKlaviyoSync\BackInStock\BackInStockSender;
use WcKlaviyoSync\Consent\ConsentSettings;
use WcKlaviyoSync\Plugin;

final class BackInStockTest extends WckTestCase {

	protected function setUp(): void {
		parent::setUp();
		delete_option( 'wc_standin_actions' );
		delete_option( ConsentSettings::OPTION );
		if ( ! self::is_standin() && function_exists( 'as_unschedule_all_actions' ) ) {
			as_unschedule_all_actions( BackInStockSender::HOOK );
		}
		$this->configure();
	}

	/**
	 * A simple product (out of stock or not) the sidecar knows: its id. Stand-in: stored in the stand-in and its
	 * webhook body delivered to the sidecar, signed; real: made in another process, WooCommerce delivers its webhook.
	 */
	private function simple( string $stock ): int {
		if ( self::is_standin() ) {
			$id = random_int( 1000, 900000 );
			wc_standin_put_product( array( 'id' => $id, 'type' => 'simple', 'stock_status' => $stock ) );
			$this->deliver_product( array( 'id' => $id, 'name' => "Mug $id", 'type' => 'simple', 'status' => 'publish', 'stock_status' => $stock, 'sku' => "BIS-$id", 'price' => '9.50', 'permalink' => "http://shop.example/p/$id/", 'categories' => array(), 'variations' => array() ) );
			return $id;
		}
		$out = $this->wp_php( '$p = new WC_Product_Simple(); $p->set_name( "BIS Mug" ); $p->set_regular_price( "9.50" ); $p->set_sku( "BIS-" . wp_generate_password( 6, false, false ) ); $p->set_stock_status( ' . var_export( $stock, true ) . ' ); $p->set_status( "publish" ); echo "ID=" . $p->save();' );
		$this->run_action_scheduler();
		return $this->id_from( $out );
	}

	/** A variable product with one variation out of stock and one in stock (both known by the sidecar): [ product, out, in ]. */
	private function variable(): array {
		if ( self::is_standin() ) {
			$id = random_int( 1000, 900000 );
			wc_standin_put_product( array( 'id' => $id, 'type' => 'variable', 'children' => array( $id + 1, $id + 2 ) ) );
			wc_standin_put_product( array( 'id' => $id + 1, 'type' => 'variation', 'parent_id' => $id, 'stock_status' => 'outofstock' ) );
			wc_standin_put_product( array( 'id' => $id + 2, 'type' => 'variation', 'parent_id' => $id, 'stock_status' => 'instock' ) );
			$this->deliver_product( array( 'id' => $id, 'name' => 'Tee', 'type' => 'variable', 'status' => 'publish', 'sku' => "T-$id", 'price' => '10', 'permalink' => 'http://shop.example/tee/', 'categories' => array(), 'variations' => array( $id + 1, $id + 2 ) ) );
			foreach ( array( 1 => 'outofstock', 2 => 'instock' ) as $n => $stock ) {
				$this->deliver_product( array( 'id' => $id + $n, 'parent_id' => $id, 'name' => "Tee $n", 'type' => 'variation', 'status' => 'publish', 'stock_status' => $stock, 'sku' => "T-$id-$n", 'price' => '10', 'permalink' => "http://shop.example/tee/?attribute_size=$n", 'categories' => array() ) );
			}
			return array( $id, $id + 1, $id + 2 );
		}
		$out = $this->wp_php(
			'$a = new WC_Product_Attribute(); $a->set_name( "Size" ); $a->set_options( array( "S", "L" ) ); $a->set_visible( true ); $a->set_variation( true );'
			. '$p = new WC_Product_Variable(); $p->set_name( "BIS Tee" ); $p->set_attributes( array( $a ) ); $p->set_status( "publish" ); $pid = $p->save();'
			. '$ids = array( $pid ); foreach ( array( "S" => "outofstock", "L" => "instock" ) as $size => $stock ) { $v = new WC_Product_Variation(); $v->set_parent_id( $pid ); $v->set_attributes( array( "size" => $size ) ); $v->set_regular_price( "10" ); $v->set_stock_status( $stock ); $ids[] = $v->save(); }'
			. 'WC_Product_Variable::sync( $pid ); echo "ID=" . implode( ",", $ids );'
		);
		$this->run_action_scheduler();
		preg_match( '/ID=([\d,]+)/', $out, $m );
		return array_map( 'intval', explode( ',', $m[1] ?? '0,0,0' ) );
	}

	private function id_from( string $out ): int {
		preg_match( '/ID=(\d+)/', $out, $m );
		return (int) ( $m[1] ?? 0 );
	}

	/** Delivers a product webhook body to the sidecar as WooCommerce would (signed with the webhook secret). */
	private function deliver_product( array $product ): void {
		$settings = Plugin::instance()->settings();
		$body     = (string) wp_json_encode( $product + array( 'catalog_visibility' => 'visible', 'description' => '', 'short_description' => '', 'manage_stock' => false, 'backorders' => 'no', 'date_modified_gmt' => gmdate( 'Y-m-d\TH:i:s' ), 'images' => array() ) );
		$response = wp_remote_post(
			$settings->webhook_url(),
			array(
				'headers' => array(
					'Content-Type'           => 'application/json',
					'X-WC-Webhook-Topic'     => 'product.created',
					'X-WC-Webhook-Resource'  => 'product',
					'X-WC-Webhook-Event'     => 'created',
					'X-WC-Webhook-Signature' => base64_encode( hash_hmac( 'sha256', $body, $settings->webhook_secret(), true ) ),
					'X-WC-Webhook-ID'        => '1',
				),
				'body'    => $body,
				'timeout' => 10,
			)
		);
		$this->assertSame( 200, wp_remote_retrieve_response_code( $response ), wp_remote_retrieve_body( $response ) );
	}

	/** The shop route, in this process, as a logged-out shopper. */
	private function signup( array $body, ?string $nonce = null ): WP_REST_Response {
		$user = get_current_user_id();
		wp_set_current_user( 0 );
		$request = new WP_REST_Request( 'POST', '/' . BackInStockRoute::NAMESPACE . BackInStockRoute::ROUTE );
		$request->set_header( 'content-type', 'application/json' );
		$request->set_header( 'X-WCK-Nonce', $nonce ?? wp_create_nonce( BackInStockRoute::NONCE ) );
		$request->set_body( (string) wp_json_encode( $body ) );
		$response = rest_do_request( $request );
		wp_set_current_user( $user );
		$this->fresh();
		return $response;
	}

	private function pending(): int {
		if ( ! self::is_standin() && function_exists( 'as_get_scheduled_actions' ) ) {
			return count( as_get_scheduled_actions( array( 'hook' => BackInStockSender::HOOK, 'status' => 'pending', 'per_page' => -1 ) ) );
		}
		return count( array_filter( wc_standin_actions(), static fn ( $a ) => BackInStockSender::HOOK === $a['hook'] && 'pending' === $a['status'] ) );
	}

	/** Waits until the double holds a back-in-stock subscription for $email. */
	private function wait_for_signup( string $email, float $seconds = 15.0 ): array {
		$deadline = microtime( true ) + $seconds;
		do {
			foreach ( $this->double( 'GET', '/__double/state' )['backInStock'] ?? array() as $s ) {
				if ( $email === $s['email'] ) {
					return $s;
				}
			}
			usleep( 200000 );
		} while ( microtime( true ) < $deadline );
		$this->fail( "Klaviyo (the double) never received a back-in-stock subscription for $email" );
	}

	/** What the page prints for $product through the plugin's registered hooks: [ classic, block ]. */
	private function page( $product ): array {
		$GLOBALS['product'] = $product;
		if ( ! self::is_standin() ) {
			$GLOBALS['post'] = get_post( $product->get_id() ); // WooCommerce's own summary callbacks read the post.
			setup_postdata( $GLOBALS['post'] );
		}
		ob_start();
		do_action( 'woocommerce_single_product_summary' );
		$classic = (string) ob_get_clean();
		if ( ! self::is_standin() ) {
			wp_reset_postdata();
			unset( $GLOBALS['post'] );
		}
		$form    = new BackInStockForm( static fn () => ( new ConsentSettings() )->enabled( 'sms' ) );
		$block   = (string) $form->render_block( '<form class="cart"></form>', array( 'blockName' => 'woocommerce/add-to-cart-form' ) );
		unset( $GLOBALS['product'] );
		return array( $classic, $block );
	}

	public function test_the_form_appears_only_when_out_of_stock_in_classic_and_block_themes_with_a_phone_only_when_sms_is_enabled(): void {
		[ $classic, $block ] = $this->page( wc_get_product( $this->simple( 'instock' ) ) );
		$this->assertStringNotContainsString( 'wck-back-in-stock', $classic . $block, 'in stock: no form' );
		$this->assertSame( '<form class="cart"></form>', $block, 'the block is left as it was' );

		$out                 = $this->simple( 'outofstock' );
		[ $classic, $block ] = $this->page( wc_get_product( $out ) );
		foreach ( array( 'classic' => $classic, 'block' => $block ) as $where => $html ) {
			$this->assertStringContainsString( 'Notify me when available', $html, $where );
			$this->assertStringContainsString( 'data-product-id="' . $out . '"', $html, $where );
			$this->assertStringContainsString( 'name="email"', $html, $where );
			$this->assertStringContainsString( 'name="phone"', $html, "$where: SMS is enabled by default" );
			$this->assertMatchesRegularExpression( '/name="nonce" value="[0-9a-f]{10}"/', $html, $where );
			$this->assertStringContainsString( 'wc-klaviyo-sync-shop/v1/back-in-stock', $html, $where );
		}
		$this->assertStringStartsWith( '<form class="cart"></form><form class="wck-back-in-stock"', $block, 'after the Add to Cart form' );
		$this->assertSame( 1, substr_count( $classic, 'wck-back-in-stock"' ), 'once a page' );

		update_option( ConsentSettings::OPTION, array( 'sms_enabled' => false ) );
		[ , $block ] = $this->page( wc_get_product( $out ) );
		$this->assertStringNotContainsString( 'name="phone"', $block, 'SMS off: no phone field' );

		if ( ! self::is_standin() ) {
			// The real product page over HTTP, in the site's theme (a block theme: the single-product template's Add to Cart form block).
			$theme = trim( $this->wp_php( 'echo get_stylesheet() . ( wp_is_block_theme() ? " block" : " classic" );' ) );
			$html  = wp_remote_retrieve_body( wp_remote_get( get_permalink( $out ), array( 'timeout' => 30 ) ) );
			$this->assertStringContainsString( 'Notify me when available', $html, "the product page ($theme) shows the form" );
			$this->assertSame( 1, substr_count( $html, 'class="wck-back-in-stock"' ), "once ($theme)" );
			if ( \WcKlaviyoSync\Admin\AdminPages::is_built( 'back-in-stock' ) ) {
				$this->assertStringContainsString( 'build/back-in-stock.js', $html, 'with its script' );
			}
			$in_page = wp_remote_retrieve_body( wp_remote_get( get_permalink( $this->simple( 'instock' ) ), array( 'timeout' => 30 ) ) );
			$this->assertStringContainsString( 'BIS Mug', $in_page );
			$this->assertStringNotContainsString( 'wck-back-in-stock', $in_page, "an in-stock product's page has no form ($theme)" );
		}

		[ $product, , ] = $this->variable();
		[ $classic ]    = $this->page( wc_get_product( $product ) );
		$this->assertMatchesRegularExpression( '/<form class="wck-back-in-stock"[^>]*data-variable="1" hidden>/', $classic, 'a variable product: hidden until an out-of-stock variation is picked' );
		$this->assertStringContainsString( 'name="product_id" value=""', $classic );
	}

	public function test_a_signup_is_queued_then_reaches_the_doubles_back_in_stock_subscriptions_and_subscribes_nobody(): void {
		$out   = $this->simple( 'outofstock' );
		$email = 'bis-' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
		$res   = $this->signup( array( 'email' => strtoupper( $email ), 'product_id' => $out ) );
		$this->assertSame( 200, $res->get_status(), wp_json_encode( $res->get_data() ) );
		$this->assertSame( 'Thank you! We will let you know when it is back in stock.', $res->get_data()['message'] );
		$this->assertSame( 1, $this->pending(), 'queued in Action Scheduler' );
		$this->assertSame( array(), $this->double( 'GET', '/__double/state' )['backInStock'], 'nothing sent from the shopper\'s request' );
		$this->run_action_scheduler();
		$sub = $this->wait_for_signup( $email );
		$this->assertSame( '$custom:::$default:::' . $out, $sub['variantId'] );
		$this->assertSame( array( 'EMAIL' ), $sub['channels'] );
		$this->assertSame( 0, $this->double( 'GET', '/__double/state' )['subscriptions'], 'no marketing subscription' );
		$entry = $this->wait_for_delivery( static fn ( $d ) => 'back_in_stock.signup' === $d['topic'] && $email === $d['email'] );
		$this->assertSame( 'succeeded', $entry['status'] );

		[ $product, $variation ] = $this->variable();
		$phone                   = 'bis-sms-' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
		$res                     = $this->signup( array( 'email' => $phone, 'phone' => '+44 7911 123456', 'product_id' => $variation ) );
		$this->assertSame( 200, $res->get_status(), wp_json_encode( $res->get_data() ) );
		$this->run_action_scheduler();
		$sub = $this->wait_for_signup( $phone );
		$this->assertSame( '$custom:::$default:::' . $variation, $sub['variantId'], "the variation of product $product" );
		$this->assertSame( '+447911123456', $sub['phone_number'] );
		$this->assertSame( array( 'EMAIL', 'SMS' ), $sub['channels'] );
	}

	public function test_bad_input_gets_a_clear_message_and_sends_nothing(): void {
		$out                  = $this->simple( 'outofstock' );
		$in                   = $this->simple( 'instock' );
		[ $product, , $other ] = $this->variable();
		$cases                = array(
			array( array( 'product_id' => $out ), 400, 'Please enter your email address.' ),
			array( array( 'email' => 'not-an-email', 'product_id' => $out ), 400, 'Please enter a valid email address.' ),
			array( array( 'email' => 'a@example.com', 'phone' => 'call me', 'product_id' => $out ), 400, 'Please enter a valid phone number, or leave it empty.' ),
			array( array( 'email' => 'a@example.com', 'product_id' => 0 ), 400, 'This product is not available.' ),
			array( array( 'email' => 'a@example.com', 'product_id' => 987654321 ), 400, 'This product is not available.' ),
			array( array( 'email' => 'a@example.com', 'product_id' => $product ), 400, 'Please choose an option first.' ),
			array( array( 'email' => 'a@example.com', 'product_id' => $in ), 400, 'This product is in stock: you can order it now.' ),
			array( array( 'email' => 'a@example.com', 'product_id' => $other ), 400, 'This product is in stock: you can order it now.' ),
		);
		foreach ( $cases as [ $body, $status, $message ] ) {
			$res = $this->signup( $body );
			$this->assertSame( $status, $res->get_status(), wp_json_encode( $body ) );
			$this->assertSame( $message, $res->get_data()['message'], wp_json_encode( $body ) );
		}
		$bad = $this->signup( array( 'email' => 'a@example.com', 'product_id' => $out ), 'not-a-nonce' );
		$this->assertSame( 403, $bad->get_status() );
		$this->assertSame( 'This page has expired. Reload it and try again.', $bad->get_data()['message'] );
		$this->assertSame( 0, $this->pending(), 'nothing queued' );
		$this->run_action_scheduler();
		usleep( 500000 );
		$this->assertSame( array(), $this->double( 'GET', '/__double/state' )['backInStock'], 'nothing sent' );
	}
}
