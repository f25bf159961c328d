<?php
/**
 * The WooCommerce stand-in itself (skipped with the real WooCommerce): its payloads have the shape of real
 * WooCommerce 10.0.2 deliveries, and its admin-only REST API fires signed deliveries the sidecar accepts.
 */

final class StandinTest extends WckTestCase {

	protected function setUp(): void {
		parent::setUp();
		if ( ! self::is_standin() ) {
			$this->markTestSkipped( 'stand-in only' );
		}
	}

	private static function fixture( string $name ): ?array {
		$file = dirname( __DIR__, 4 ) . '/shared/fixtures/woocommerce-10.0.2/' . $name;
		return is_readable( $file ) ? json_decode( (string) file_get_contents( $file ), true ) : null;
	}

	public function test_order_and_customer_payloads_have_the_real_keys_in_the_real_order(): void {
		$order_fixture    = self::fixture( '11-order-created.json' );
		$customer_fixture = self::fixture( '07-customer-created.json' );
		if ( null === $order_fixture || null === $customer_fixture ) {
			$this->markTestSkipped( 'shared fixtures not present beside the repository' );
		}
		$id    = wc_standin_create_order( array( 'billing' => array( 'email' => 'shape@example.com' ) ) );
		$order = rest_do_request( new WP_REST_Request( 'GET', "/wc/v3/orders/$id" ) )->get_data();
		$real  = json_decode( $order_fixture['body'], true );
		$this->assertSame( array_keys( $real ), array_keys( $order ) );
		$this->assertSame( array_keys( $real['billing'] ), array_keys( $order['billing'] ) );
		$this->assertSame( array_keys( $real['line_items'][0] ), array_keys( $order['line_items'][0] ) );

		$user     = wc_standin_create_customer( array( 'email' => 'shape-' . wp_generate_password( 5, false, false ) . '@example.com' ) );
		$customer = rest_do_request( new WP_REST_Request( 'GET', "/wc/v3/customers/$user" ) )->get_data();
		$real     = json_decode( $customer_fixture['body'], true );
		$this->assertSame( array_keys( $real ), array_keys( $customer ), 'as an administrator (meta_data included)' );
		$this->assertEqualsCanonicalizing( array_keys( $real['billing'] ), array_keys( $customer['billing'] ) );

		wp_set_current_user( 0 );
		$denied = rest_do_request( new WP_REST_Request( 'GET', "/wc/v3/orders/$id" ) );
		$this->assertSame( 401, $denied->get_status(), 'user 0 gets the REST error WooCommerce would deliver' );
		$this->assertSame( 'woocommerce_rest_cannot_view', $denied->as_error()->get_error_code() );
		wp_set_current_user( 1 );
	}

	public function test_rest_api_creates_an_order_and_the_sidecar_accepts_the_signed_delivery(): void {
		$this->configure();
		$base = 'http://127.0.0.1:' . getenv( 'WP_PORT' );
		$auth = 'Basic ' . base64_encode( 'nobody:nothing' ); // phpcs:ignore
		$anon = wp_remote_post( $base . '/wp-json/wc-standin/v1/orders', array( 'headers' => array( 'Authorization' => $auth ), 'body' => '{}' ) );
		$this->assertSame( 401, wp_remote_retrieve_response_code( $anon ), 'admin only' );

		$email   = 'rest+' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
		$payload = array( 'billing' => array( 'email' => $email, 'first_name' => 'Rita' ) );
		$out     = $this->wp_php(
			'wp_set_current_user( 1 ); $r = new WP_REST_Request( "POST", "/wc-standin/v1/orders" ); $r->set_header( "content-type", "application/json" ); $r->set_body( ' . var_export( (string) wp_json_encode( $payload ), true ) . ' ); echo wp_json_encode( rest_do_request( $r )->get_data() );'
		);
		$data = json_decode( substr( $out, (int) strpos( $out, '{' ) ), true );
		$this->assertIsArray( $data, $out );
		$this->assertSame( array( array( 'webhookId' => get_option( 'wc_klaviyo_sync_webhooks' )['order.created'], 'topic' => 'order.created', 'code' => 200, 'error' => null ) ), $data['deliveries'] );
		$delivery = $this->wait_for_delivery( static fn( $d ) => 'order.created' === $d['topic'] && $data['id'] === (int) $d['resourceId'] );
		$this->assertSame( 'succeeded', $delivery['status'] );
		$this->wait_for_event( 'Placed Order', $email );

		// The sidecar verified (or it would have answered 401) WooCommerce's signature: base64 HMAC-SHA256 of the exact body.
		$log  = array_values( array_filter( get_option( 'wc_standin_webhook_deliveries' ), static fn( $d ) => 'order.created' === $d['topic'] ) );
		$sent = end( $log );
		$sig  = base64_encode( hash_hmac( 'sha256', $sent['body'], (string) get_option( 'wc_klaviyo_sync_webhook_secret' ), true ) ); // phpcs:ignore
		$this->assertSame( $sig, $sent['headers']['X-WC-Webhook-Signature'] );
		$this->assertSame( 'order', $sent['headers']['X-WC-Webhook-Resource'] );
		$this->assertSame( home_url( '/' ), $sent['headers']['X-WC-Webhook-Source'] );
		$full = $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/deliveries/' . $delivery['id'] );
		$this->assertSame( $email, $full['payload']['billing']['email'] ?? null, 'the sidecar stored the payload that was sent' );
	}
}
