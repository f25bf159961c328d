<?php
/**
 * Carts: the durable, signed path to the sidecar (stand-in and real), the restore link's refusals (both), and on the
 * real WooCommerce 10.0.2 (WC=real) Started Checkout from the block checkout (Store API over HTTP) and the classic
 * checkout (update_order_review), for a guest and a logged-in customer, the same cart twice, a changed cart, Added
 * to Cart, the link restoring the cart in another session, and Placed Order after Started Checkout.
 */

use WcKlaviyoSync\Cart\CartCapture;
use WcKlaviyoSync\Cart\CartLinks;
use WcKlaviyoSync\Cart\CartRestore;
use WcKlaviyoSync\Cart\CartSender;
use WcKlaviyoSync\Plugin;

final class CartTest extends WckTestCase {

	protected function setUp(): void {
		parent::setUp();
		delete_option( 'wc_standin_actions' );
		if ( ! self::is_standin() && function_exists( 'as_unschedule_all_actions' ) ) {
			as_unschedule_all_actions( CartSender::HOOK ); // A retry another test left scheduled (by hook alone: with a group it would match empty args only).
		}
		$this->configure();
	}

	private function sender(): CartSender {
		return new CartSender( Plugin::instance()->settings() );
	}

	/** A cart payload as CartCapture builds it, with a stored cart for its token. */
	private function payload( string $email, array $overrides = array() ): array {
		$token   = CartLinks::new_token();
		$expires = time() + 3600;
		CartLinks::put( $token, array( 'email' => $email, 'expires' => $expires, 'items' => array( array( 'product_id' => 11, 'variation_id' => 0, 'quantity' => 2, 'variation' => array() ) ) ) );
		return array_merge(
			array(
				'cart_token'      => $token,
				'email'           => $email,
				'customer_id'     => 0,
				'first_name'      => 'Ann',
				'last_name'       => '',
				'currency'        => 'USD',
				'total'           => '25.00',
				'line_items'      => array( array( 'id' => 1, 'name' => 'Blue Mug', 'product_id' => 11, 'variation_id' => 0, 'quantity' => 2, 'subtotal' => '25.00', 'total' => '25.00', 'sku' => 'MUG-BLUE', 'image' => array( 'src' => '' ), 'parent_name' => null, 'meta_data' => array() ) ),
				'checkout_url'    => CartLinks::url( $token, $expires ),
				'captured_at_gmt' => gmdate( 'Y-m-d\TH:i:s\Z' ),
				'source'          => 'block_checkout',
			),
			$overrides
		);
	}

	/** The outbox entries the queue still holds. */
	private function outbox(): int {
		global $wpdb;
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->options} WHERE option_name LIKE %s", $wpdb->esc_like( CartSender::OUTBOX_PREFIX ) . '%' ) );
	}

	private function events( string $metric, string $email ): array {
		$events = $this->double( 'GET', '/__double/state' )['events'] ?? array();
		return array_values( array_filter( $events, static fn ( $e ) => $metric === $e['metric'] && $email === ( $e['profile']['email'] ?? null ) ) );
	}

	/** The jobs Action Scheduler holds pending for the cart queue (each action's one argument). */
	private function pending_jobs(): array {
		if ( ! self::is_standin() && function_exists( 'as_get_scheduled_actions' ) ) {
			$actions = as_get_scheduled_actions( array( 'hook' => CartSender::HOOK, 'group' => CartSender::GROUP, 'status' => 'pending', 'per_page' => -1, 'orderby' => 'date', 'order' => 'ASC' ) );
			return array_values( array_map( static fn ( $a ) => $a->get_args()[0], $actions ) );
		}
		$pending = array_filter( wc_standin_actions(), static fn ( $a ) => CartSender::HOOK === $a['hook'] && 'pending' === $a['status'] );
		return array_values( array_map( static fn ( $a ) => $a['args'][0], $pending ) );
	}

	public function test_a_queued_cart_is_one_action_sent_from_action_scheduler_signed_and_shows_in_the_sync_log(): void {
		$payload = $this->payload( 'queue-cart@example.com' );
		$record  = CartLinks::record( $payload['cart_token'] );
		delete_transient( CartLinks::TRANSIENT . $payload['cart_token'] );
		$this->sender()->enqueue( 'cart.checkout_started', $payload, array( 'token' => $payload['cart_token'], 'record' => $record ) );
		$this->assertSame( array(), $this->events( 'Started Checkout', 'queue-cart@example.com' ), 'nothing is sent before the queue runs' );
		$jobs = $this->pending_jobs();
		$this->assertCount( 1, $jobs );
		$this->assertSame( 'queue-cart@example.com', $jobs[0]['payload']['email'], 'the action carries the payload itself' );
		$this->assertSame( 0, $this->outbox(), 'no option of its own' );
		$this->assertNull( CartLinks::record( $payload['cart_token'] ), 'the cart is stored by the action, not in the shopper\'s request' );
		$this->run_action_scheduler();
		$event = $this->wait_for_event( 'Started Checkout', 'queue-cart@example.com' );
		$this->assertSame( 25, (int) $event['value'] );
		$entry = $this->wait_for_delivery( static fn ( $d ) => 'cart.checkout_started' === $d['topic'] && 'queue-cart@example.com' === $d['email'] );
		$this->assertSame( 'succeeded', $entry['status'] );
		$this->assertSame( 'cart', $entry['resource'] );
		$this->fresh();
		$this->assertSame( $record, CartLinks::record( $payload['cart_token'] ), 'the action stored the cart for its link' );
		$this->assertSame( array(), $this->pending_jobs() );
	}

	public function test_the_durable_path_retries_while_the_sidecar_is_down_and_sends_once_it_is_back(): void {
		$sender = $this->sender();
		$sender->enqueue( 'cart.checkout_started', $this->payload( 'down-cart@example.com' ) );
		$job      = $this->pending_jobs()[0];
		$settings = get_option( 'wc_klaviyo_sync_settings' );
		$good     = $settings['webhook_url'];
		// The sidecar is down: nothing answers at the delivery address.
		$settings['webhook_url'] = (string) preg_replace( '#//127\.0\.0\.1:\d+#', '//127.0.0.1:9', $good );
		update_option( 'wc_klaviyo_sync_settings', $settings, false );
		$this->fresh();
		$this->assertSame( 'retry', $sender->send( $job ) );
		$again = array( 'attempt' => 1 ) + $job;
		$this->assertNotFalse( as_next_scheduled_action( CartSender::HOOK, array( array_diff_key( $job, array( 'attempt' => 1 ) ) + array( 'attempt' => 1 ) ), CartSender::GROUP ), 'scheduled again with the same payload' );
		$this->assertSame( array(), $this->events( 'Started Checkout', 'down-cart@example.com' ) );

		$settings['webhook_url'] = $good;
		update_option( 'wc_klaviyo_sync_settings', $settings, false );
		$this->fresh();
		$this->assertSame( 'sent', $sender->send( $again ) );
		$this->wait_for_event( 'Started Checkout', 'down-cart@example.com' );
	}

	public function test_a_payload_too_long_for_action_scheduler_waits_in_an_option_and_leaves_it_once_sent(): void {
		$sender  = $this->sender();
		$payload = $this->payload( 'long-cart@example.com' );
		$item    = $payload['line_items'][0];
		$payload['line_items'] = array();
		for ( $i = 1; $i <= 40; $i++ ) {
			$payload['line_items'][] = array( 'id' => $i, 'name' => 'Long Mug ' . $i . ' ' . str_repeat( 'x', 150 ) ) + $item;
		}
		$sender->enqueue( 'cart.checkout_started', $payload );
		$job = $this->pending_jobs()[0];
		$this->assertSame( array( 'id', 'attempt' ), array_keys( $job ), 'the action carries only the option\'s id' );
		$this->assertSame( 1, $this->outbox() );
		$this->run_action_scheduler();
		$this->assertCount( 40, $this->wait_for_event( 'Started Checkout', 'long-cart@example.com' )['properties']['Items'] );
		$this->assertSame( 0, $this->outbox(), 'the sent payload leaves the queue' );
		$this->assertSame( 'gone', $sender->send( $job ), 'a stale retry sends nothing again' );
	}

	public function test_a_cart_ordered_before_its_queued_capture_ran_keeps_the_order(): void {
		$payload = $this->payload( 'early-order@example.com' );
		$token   = $payload['cart_token'];
		$record  = CartLinks::record( $token );
		delete_transient( CartLinks::TRANSIENT . $token );
		$this->sender()->enqueue( 'cart.checkout_started', $payload, array( 'token' => $token, 'record' => $record ) );
		CartLinks::mark_ordered( $token, 4242 );
		$this->run_action_scheduler();
		$this->wait_for_delivery( static fn ( $d ) => 'cart.checkout_started' === $d['topic'] && 'early-order@example.com' === $d['email'] );
		$this->fresh();
		$this->assertSame( 4242, CartLinks::record( $token )['order_id'], 'the queued capture did not undo the order' );
		$query = array();
		wp_parse_str( (string) wp_parse_url( $payload['checkout_url'], PHP_URL_QUERY ), $query );
		$refused = CartLinks::verify( $query['wck_cart'], $query['wck_exp'], $query['wck_sig'] );
		$this->assertInstanceOf( WP_Error::class, $refused );
		$this->assertSame( 'wck_cart_link_used', $refused->get_error_code() );
	}

	public function test_a_cart_the_sidecar_refuses_for_good_is_not_retried(): void {
		$sender = $this->sender();
		$sender->enqueue( 'cart.checkout_started', $this->payload( 'bad-cart@example.com', array( 'line_items' => array_fill( 0, 2001, 1 ) ) ) );
		$this->assertSame( 'refused', $sender->send( $this->pending_jobs()[0] ) );
		$entry = $this->wait_for_delivery( static fn ( $d ) => 'cart.checkout_started' === $d['topic'] && 'rejected' === $d['status'] );
		$this->assertSame( 'rejected', $entry['status'], 'the refusal is in the sync log' );
	}

	/** Option names with a prefix. */
	private function option_names( string $prefix ): array {
		global $wpdb;
		return $wpdb->get_col( $wpdb->prepare( "SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE %s ORDER BY option_id", $wpdb->esc_like( $prefix ) . '%' ) );
	}

	public function test_a_tampered_expired_or_ordered_link_is_refused_with_a_clear_reason(): void {
		$token   = CartLinks::new_token();
		$expires = time() + 3600;
		CartLinks::put( $token, array( 'email' => 'link@example.com', 'expires' => $expires, 'items' => array() ) );
		$sig = CartLinks::signature( $token, $expires );
		$this->assertIsArray( CartLinks::verify( $token, (string) $expires, $sig ), 'the good link verifies' );

		$this->assertSame( 'wck_cart_link_invalid', CartLinks::verify( $token, (string) $expires, strrev( $sig ) )->get_error_code(), 'changed signature' );
		$this->assertSame( 'wck_cart_link_invalid', CartLinks::verify( $token, (string) ( $expires + 86400 ), $sig )->get_error_code(), 'lengthened expiry' );
		$other = CartLinks::new_token();
		$this->assertSame( 'wck_cart_link_invalid', CartLinks::verify( $other, (string) $expires, $sig )->get_error_code(), 'another cart' );

		$old = time() - 10;
		$this->assertSame( 'wck_cart_link_expired', CartLinks::verify( $token, (string) $old, CartLinks::signature( $token, $old ) )->get_error_code() );

		CartLinks::mark_ordered( $token, 42 );
		$used = CartLinks::verify( $token, (string) $expires, $sig );
		$this->assertSame( 'wck_cart_link_used', $used->get_error_code() );
		$this->assertSame( 410, $used->get_error_data()['status'] );
	}

	public function test_the_shopper_sees_the_refusal_on_a_page_of_its_own(): void {
		$token   = CartLinks::new_token();
		$expires = time() + 3600;
		CartLinks::put( $token, array( 'email' => 'link@example.com', 'expires' => $expires, 'items' => array() ) );
		$url      = add_query_arg( array( 'wck_cart' => $token, 'wck_exp' => $expires, 'wck_sig' => str_repeat( 'a', 64 ) ), 'http://127.0.0.1:' . getenv( 'WP_PORT' ) . '/' );
		$response = wp_remote_get( $url, array( 'timeout' => 30, 'redirection' => 0 ) );
		$this->assertSame( 403, wp_remote_retrieve_response_code( $response ) );
		$body = wp_remote_retrieve_body( $response );
		$this->assertStringContainsString( 'This cart link is not valid', $body );
		$this->assertStringContainsString( 'Continue shopping', $body );

		$old      = time() - 5;
		$response = wp_remote_get( CartLinks::url( $token, $old ), array( 'timeout' => 30, 'redirection' => 0 ) );
		$this->assertSame( 410, wp_remote_retrieve_response_code( $response ) );
		$this->assertStringContainsString( 'This cart link has expired', wp_remote_retrieve_body( $response ) );
	}

	// ---- the real WooCommerce ------------------------------------------------------------------------------------

	private function need_real(): void {
		if ( self::is_standin() || ! class_exists( 'WC_Product_Simple' ) ) {
			$this->markTestSkipped( 'needs the real WooCommerce (WC=real): the stand-in has no cart or checkout' );
		}
	}

	private function product( string $name, string $price ): int {
		$product = new WC_Product_Simple();
		$product->set_name( $name );
		$product->set_regular_price( $price );
		$product->set_sku( strtoupper( str_replace( ' ', '-', $name ) ) . '-' . wp_generate_password( 4, false, false ) );
		$product->set_status( 'publish' );
		return $product->save();
	}

	/** A fresh Store API session: [ base URL, headers ]. */
	private function store_api(): array {
		$base = 'http://127.0.0.1:' . getenv( 'WP_PORT' ) . '/wp-json/wc/store/v1';
		$cart = wp_remote_get( $base . '/cart', array( 'timeout' => 30 ) );
		return array(
			$base,
			array(
				'Nonce'        => (string) wp_remote_retrieve_header( $cart, 'nonce' ),
				'Cart-Token'   => (string) wp_remote_retrieve_header( $cart, 'cart-token' ),
				'Content-Type' => 'application/json',
			),
		);
	}

	private function post( array $api, string $path, array $body, int $status = 200 ): array {
		$response = wp_remote_post( $api[0] . $path, array( 'timeout' => 60, 'headers' => $api[1], 'body' => (string) wp_json_encode( $body ) ) );
		$this->assertSame( $status, wp_remote_retrieve_response_code( $response ), $path . ': ' . wp_remote_retrieve_body( $response ) );
		return (array) json_decode( wp_remote_retrieve_body( $response ), true );
	}

	private static function address( string $email ): array {
		return array( 'first_name' => 'Bea', 'last_name' => 'Block', 'address_1' => '1 High St', 'city' => 'London', 'postcode' => 'SW1A 1AA', 'country' => 'GB', 'email' => $email, 'phone' => '' );
	}

	public function test_block_checkout_guest_started_checkout_once_per_cart_then_a_restore_link_and_placed_order_after_it(): void {
		$this->need_real();
		update_option( 'woocommerce_cod_settings', array( 'enabled' => 'yes', 'title' => 'Cash on delivery' ) );
		$mug   = $this->product( 'Cart Mug', '9.50' );
		$plate = $this->product( 'Cart Plate', '4.00' );
		$email = 'block-cart-' . strtolower( wp_generate_password( 5, false, false ) ) . '@example.com';
		$api   = $this->store_api();
		$cart  = $this->post( $api, '/cart/add-item', array( 'id' => $mug, 'quantity' => 1 ), 201 );
		$this->run_action_scheduler();
		$this->assertSame( array(), $this->events( 'Added to Cart', $email ), 'an anonymous guest adds without an event' );

		$this->post( $api, '/cart/update-customer', array( 'billing_address' => self::address( $email ), 'shipping_address' => self::address( $email ) ) );
		$this->post( $api, '/cart/update-customer', array( 'billing_address' => self::address( $email ), 'shipping_address' => self::address( $email ) ) );
		$this->run_action_scheduler();
		$first = $this->wait_for_event( 'Started Checkout', $email );
		$this->assertSame( get_woocommerce_currency(), $first['valueCurrency'] );
		$this->assertSame( 'block_checkout', $first['properties']['Source'] );
		$this->assertSame( array( 'Cart Mug' ), $first['properties']['ItemNames'] );
		$this->assertSame( $mug, $first['properties']['Items'][0]['ProductID'] );
		$this->assertEquals( 9.5, $first['properties']['Items'][0]['ItemPrice'] );
		$this->assertSame( 1, $first['properties']['Items'][0]['Quantity'] );
		$this->assertStringContainsString( 'wck_cart=', $first['properties']['CheckoutURL'] );
		$this->assertCount( 1, $this->events( 'Started Checkout', $email ), 'the same cart twice is one Started Checkout' );

		// The email is known now: adding is Added to Cart; the changed cart at the next customer update is a new Started Checkout.
		$this->post( $api, '/cart/add-item', array( 'id' => $plate, 'quantity' => 2 ), 201 );
		$this->post( $api, '/cart/update-customer', array( 'billing_address' => self::address( $email ), 'shipping_address' => self::address( $email ) ) );
		$this->run_action_scheduler();
		$added = $this->wait_for_event( 'Added to Cart', $email );
		$this->assertSame( $plate, $added['properties']['AddedItemProductID'] );
		$this->assertSame( 2, $added['properties']['AddedItemQuantity'] );
		$deadline = microtime( true ) + 15;
		while ( count( $this->events( 'Started Checkout', $email ) ) < 2 && microtime( true ) < $deadline ) {
			usleep( 200000 );
		}
		$started = $this->events( 'Started Checkout', $email );
		$this->assertCount( 2, $started, 'a changed cart is a new Started Checkout' );
		$link = $started[1]['properties']['CheckoutURL'];

		// Another browser (no cookies) opens the link: the cart is restored and the shopper lands on the checkout.
		$open = wp_remote_get( $link, array( 'timeout' => 30, 'redirection' => 0 ) );
		$this->assertSame( 302, wp_remote_retrieve_response_code( $open ), wp_remote_retrieve_body( $open ) );
		$this->assertSame( wc_get_checkout_url(), wp_remote_retrieve_header( $open, 'location' ) );
		$other = wp_remote_get( $api[0] . '/cart', array( 'timeout' => 30, 'cookies' => wp_remote_retrieve_cookies( $open ) ) );
		$items = json_decode( wp_remote_retrieve_body( $other ), true )['items'];
		$got   = array();
		foreach ( $items as $item ) {
			$got[ $item['id'] ] = $item['quantity'];
		}
		ksort( $got );
		$this->assertSame( array( $mug => 1, $plate => 2 ), $got, 'the other session has the same cart' );
		$this->run_action_scheduler();
		$this->assertCount( 1, $this->events( 'Added to Cart', $email ), 'restoring the cart is no Added to Cart' );

		// The first session places the order: Placed Order follows Started Checkout, and the link is spent.
		$order = $this->post( $api, '/checkout', array( 'billing_address' => self::address( $email ), 'shipping_address' => self::address( $email ), 'payment_method' => 'cod' ) );
		$this->run_action_scheduler();
		$this->wait_for_event( 'Placed Order', $email );
		$all     = $this->double( 'GET', '/__double/state' )['events'];
		$metrics = array_values( array_map( static fn ( $e ) => $e['metric'], array_filter( $all, static fn ( $e ) => $email === ( $e['profile']['email'] ?? null ) && in_array( $e['metric'], array( 'Started Checkout', 'Placed Order' ), true ) ) ) );
		$this->assertSame( array( 'Started Checkout', 'Started Checkout', 'Placed Order' ), $metrics );
		$this->assertGreaterThan( 0, (int) $order['order_id'] );
		$spent = wp_remote_get( $link, array( 'timeout' => 30, 'redirection' => 0 ) );
		$this->assertSame( 410, wp_remote_retrieve_response_code( $spent ) );
		$this->assertStringContainsString( 'already been ordered', wp_remote_retrieve_body( $spent ) );
	}

	/** The WooCommerce session, customer and cart in this process, for the user given. */
	private function load_cart( int $user_id ): void {
		wp_set_current_user( $user_id );
		wc_load_cart();
		WC()->customer = new WC_Customer( $user_id, true );
		WC()->session->set( CartCapture::SESSION_TOKEN, null );
		WC()->session->set( CartCapture::SESSION_SENT, null );
		WC()->cart->empty_cart();
	}

	public function test_classic_checkout_guest_started_checkout_from_update_order_review(): void {
		$this->need_real();
		$this->load_cart( 0 );
		WC()->customer->set_billing_email( '' );
		WC()->cart->add_to_cart( $this->product( 'Classic Bowl', '12.00' ), 2 );
		$email = 'classic-cart-' . strtolower( wp_generate_password( 5, false, false ) ) . '@example.com';
		do_action( 'woocommerce_checkout_update_order_review', 'billing_first_name=Cy&billing_email=' . rawurlencode( $email ) . '&billing_country=GB' );
		do_action( 'woocommerce_checkout_update_order_review', 'billing_first_name=Cy&billing_email=' . rawurlencode( $email ) . '&billing_country=GB' );
		$this->run_action_scheduler();
		$event = $this->wait_for_event( 'Started Checkout', $email );
		$this->assertSame( 'classic_checkout', $event['properties']['Source'] );
		$this->assertEquals( 24, $event['value'] );
		$this->assertSame( 2, $event['properties']['ItemCount'] );
		$this->assertCount( 1, $this->events( 'Started Checkout', $email ) );
	}

	public function test_logged_in_customer_added_to_cart_and_started_checkout_with_the_account_email(): void {
		$this->need_real();
		$user = $this->make_user( 'customer' );
		$this->load_cart( $user );
		$email = strtolower( get_userdata( $user )->user_email );
		WC()->cart->add_to_cart( $this->product( 'Account Jug', '7.25' ), 1 );
		do_action( 'woocommerce_checkout_update_order_review', 'billing_country=GB' );
		$this->run_action_scheduler();
		$added = $this->wait_for_event( 'Added to Cart', $email );
		$this->assertSame( $user, $added['profile']['properties']['WooCommerceCustomerId'] ?? null );
		$started = $this->wait_for_event( 'Started Checkout', $email );
		$this->assertEquals( 7.25, $started['value'] );
		$this->assertSame( 'Account Jug', $started['properties']['Items'][0]['ProductName'] );
		wp_set_current_user( 1 );
	}
}
