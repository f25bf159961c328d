<?php
/**
 * Klaviyo flow webhooks acting on the store, end to end: the double sends the flow's webhook to the sidecar, the
 * sidecar calls the plugin's signed route, WooCommerce changes, and the double's profile gets what Klaviyo would.
 */

use WcKlaviyoSync\Flows\FlowActionRoute;
use WcKlaviyoSync\Flows\FlowActions;

final class FlowActionsTest extends WckTestCase {

	protected function setUp(): void {
		parent::setUp();
		$this->configure();
	}

	/** Waits for the sync-log entry of a flow webhook to settle. */
	private function wait_for_flow( string $id ): array {
		return $this->wait_for_delivery( fn( $item ) => $item['id'] === $id, 30.0 );
	}

	/** The double's profile for an email. */
	private function profile( string $email ): ?array {
		foreach ( $this->double( 'GET', '/__double/state' )['profiles'] ?? array() as $profile ) {
			if ( strtolower( $email ) === strtolower( (string) ( $profile['email'] ?? '' ) ) ) {
				return $profile;
			}
		}
		return null;
	}

	/** A signed call to the plugin's route, as the sidecar makes it. */
	private function signed_call( array $body, ?string $signature = null ): array {
		$raw      = wp_json_encode( $body );
		$sig      = $signature ?? base64_encode( hash_hmac( 'sha256', $raw, \WcKlaviyoSync\Plugin::instance()->settings()->webhook_secret(), true ) );
		$response = wp_remote_post(
			home_url( '/?rest_route=/' . FlowActionRoute::NAMESPACE . '/flow-actions' ),
			array(
				'headers' => array(
					'Content-Type'    => 'application/json',
					'X-WCK-Signature' => $sig,
				),
				'body'    => $raw,
				'timeout' => 20,
			)
		);
		$this->assertNotWPError( $response );
		return array( wp_remote_retrieve_response_code( $response ), (array) json_decode( wp_remote_retrieve_body( $response ), true ) );
	}

	private function user_tags( int $user_id ): array {
		wp_cache_flush();
		return array_map( 'strval', (array) get_user_meta( $user_id, FlowActions::TAG_META, false ) );
	}

	public function test_the_signed_route_refuses_a_wrong_signature_and_a_stale_request_and_checks_no_capability(): void {
		$user_id = wp_create_user( 'sig-' . wp_generate_password( 6, false ), 'pw-' . wp_generate_password( 12, false ), 'sig@example.com' );
		$body    = array( 'action' => 'tag', 'key' => 'k1', 'email' => 'sig@example.com', 'tag' => 'VIP', 'op' => 'add', 'target' => 'customer', 'sentAt' => gmdate( 'c' ) );
		list( $status, $answer ) = $this->signed_call( $body, base64_encode( str_repeat( 'x', 32 ) ) );
		$this->assertSame( 401, $status );
		$this->assertSame( 'wck_invalid_signature', $answer['code'] );
		list( $status, $answer ) = $this->signed_call( $body, '' );
		$this->assertSame( 401, $status );
		$this->assertSame( 'wck_missing_signature', $answer['code'] );
		list( $status, $answer ) = $this->signed_call( array_merge( $body, array( 'sentAt' => gmdate( 'c', time() - 3600 ) ) ) );
		$this->assertSame( 401, $status );
		$this->assertSame( 'wck_stale_request', $answer['code'] );
		$this->assertSame( array(), $this->user_tags( $user_id ), 'nothing changed' );
		// Signed, with no user logged in at all: the route does not ask for manage_woocommerce.
		list( $status, $answer ) = $this->signed_call( $body );
		$this->assertSame( 200, $status, wp_json_encode( $answer ) );
		$this->assertSame( array( 'VIP' ), $answer['tags'] );
		$this->assertSame( array( 'VIP' ), $this->user_tags( $user_id ) );
		wp_delete_user( $user_id );
	}

	public function test_tag_adds_and_removes_a_customer_tag_end_to_end_and_the_users_screen_shows_it(): void {
		$email   = strtolower( 'tagged-' . wp_generate_password( 6, false, false ) . '@example.com' );
		$user_id = wp_create_user( 'tag-' . wp_generate_password( 6, false ), 'pw-' . wp_generate_password( 12, false ), $email );
		$sent    = $this->flow_webhook( 'tag', array( 'email' => $email, 'tag' => 'VIP' ) );
		$this->assertSame( 200, $sent['status'], wp_json_encode( $sent ) );
		$entry = $this->wait_for_flow( $sent['body']['id'] );
		$this->assertSame( 'succeeded', $entry['status'], wp_json_encode( $entry ) );
		$this->assertSame( 'klaviyo.flow.tag', $entry['topic'] );
		$this->assertSame( array( 'VIP' ), $this->user_tags( $user_id ) );

		// The Users screen: a "Klaviyo tags" column with the tag as a filter link, escaped.
		$tags = new \WcKlaviyoSync\Admin\CustomerTags();
		$this->assertArrayHasKey( 'wck_tags', $tags->columns( array() ) );
		$this->assertStringContainsString( 'wck_tag=VIP', $tags->cell( '', 'wck_tags', $user_id ) );
		$query = new WP_User_Query( array( 'meta_key' => FlowActions::TAG_META, 'meta_value' => 'VIP', 'fields' => 'ID' ) );
		$this->assertContains( (string) $user_id, array_map( 'strval', $query->get_results() ) );

		$removed = $this->flow_webhook( 'tag', array( 'email' => $email, 'tag' => 'VIP', 'op' => 'remove' ) );
		$this->assertSame( 'succeeded', $this->wait_for_flow( $removed['body']['id'] )['status'] );
		$this->assertSame( array(), $this->user_tags( $user_id ) );

		// No account with that email: dead, with WordPress's reason in the sync log.
		$nobody = $this->flow_webhook( 'tag', array( 'email' => 'nobody-' . wp_generate_password( 6, false, false ) . '@example.com', 'tag' => 'VIP' ) );
		$dead   = $this->wait_for_flow( $nobody['body']['id'] );
		$this->assertSame( 'dead', $dead['status'] );
		$this->assertStringContainsString( 'No customer account has the email', $dead['error']['message'] );
		wp_delete_user( $user_id );
	}

	public function test_tag_as_an_order_note_lands_on_the_customers_latest_order_once_per_flow_message(): void {
		if ( self::is_standin() ) {
			$this->markTestSkipped( 'The stand-in has no WooCommerce order objects or notes; run with WC=real.' );
		}
		$email  = strtolower( 'noted-' . wp_generate_password( 6, false, false ) . '@example.com' );
		$older  = $this->place_order( $email );
		$latest = $this->place_order( $email );
		$this->assertGreaterThan( $older, $latest );
		$body = array( 'email' => $email, 'tag' => 'Winback', 'target' => 'order_note', 'note' => 'Klaviyo: win-back <b>sent</b>' );
		$sent = $this->flow_webhook( 'tag', $body );
		$this->assertSame( 200, $sent['status'], wp_json_encode( $sent ) );
		$entry = $this->wait_for_flow( $sent['body']['id'] );
		$this->assertSame( 'succeeded', $entry['status'], wp_json_encode( $entry ) );
		$this->assertSame( 'klaviyo.flow.tag', $entry['topic'] );
		$this->fresh();
		$notes = fn( int $id ) => array_map( fn( $n ) => $n->content, wc_get_order_notes( array( 'order_id' => $id ) ) );
		$this->assertContains( 'Klaviyo: win-back sent', $notes( $latest ), 'the note, without markup, on the latest order' );
		$this->assertNotContains( 'Klaviyo: win-back sent', $notes( $older ) );

		// Klaviyo retries the webhook: a duplicate. A replay from the sync log: still one note.
		$again = $this->flow_webhook( 'tag', $body );
		$this->assertSame( 'duplicate', $this->wait_for_flow( $again['body']['id'] )['status'] );
		$replay = $this->sidecar_call( 'POST', '/v1/stores/' . $this->store_id() . '/deliveries/' . $sent['body']['id'] . '/replay?all=1', array() );
		$this->assertSame( 200, $replay[0], wp_json_encode( $replay[1] ) );
		usleep( 500000 );
		$this->wait_for_flow( $sent['body']['id'] );
		$this->fresh();
		$this->assertCount( 1, array_keys( $notes( $latest ), 'Klaviyo: win-back sent', true ), 'one note per flow message' );

		// Without a note text, the default names the tag; a customer with no order: dead with the reason.
		$default = $this->flow_webhook( 'tag', array( 'email' => $email, 'tag' => 'VIP', 'target' => 'order_note' ) );
		$this->assertSame( 'succeeded', $this->wait_for_flow( $default['body']['id'] )['status'] );
		$this->fresh();
		$this->assertContains( 'Klaviyo flow: VIP', $notes( $latest ) );
		$none = $this->flow_webhook( 'tag', array( 'email' => 'no-orders-' . wp_generate_password( 6, false, false ) . '@example.com', 'tag' => 'VIP', 'target' => 'order_note' ) );
		$dead = $this->wait_for_flow( $none['body']['id'] );
		$this->assertSame( 'dead', $dead['status'] );
		$this->assertStringContainsString( 'No order has the billing email', $dead['error']['message'] );
	}

	public function test_profile_properties_end_to_end_nested_paths_become_top_level_and_a_missing_path_is_skipped(): void {
		// The merchant saves the paths on the settings page (the plugin's route, proxied to the sidecar).
		$saved = $this->rest(
			'POST',
			'/flow-webhooks',
			array(
				'profilePaths' => array(
					array( 'path' => 'event.extra.tier', 'property' => 'LoyaltyTier' ),
					array( 'path' => 'event.items.0.name', 'property' => 'FirstItem' ),
					array( 'path' => 'event.extra.missing', 'property' => 'Nope' ),
				),
			)
		);
		$this->assertSame( 200, $saved->get_status(), wp_json_encode( $saved->get_data() ) );
		$email = strtolower( 'nested-' . wp_generate_password( 6, false, false ) . '@example.com' );
		$sent  = $this->flow_webhook( 'profile-properties', array( 'email' => $email, 'event' => array( 'extra' => array( 'tier' => 'gold' ), 'items' => array( array( 'name' => 'Blue mug' ) ) ) ) );
		$this->assertSame( 200, $sent['status'], wp_json_encode( $sent ) );
		$entry = $this->wait_for_flow( $sent['body']['id'] );
		$this->assertSame( 'succeeded', $entry['status'], wp_json_encode( $entry ) );
		$this->assertStringContainsString( 'Not in the body, skipped: event.extra.missing', (string) $entry['note'] );
		$profile = $this->profile( $email );
		$this->assertNotNull( $profile, 'the double has the profile' );
		$this->assertSame( array( 'LoyaltyTier' => 'gold', 'FirstItem' => 'Blue mug' ), $profile['attributes']['properties'] );
	}

	public function test_a_wrong_flow_secret_is_refused_and_changes_nothing(): void {
		$sent = $this->flow_webhook( 'tag', array( 'email' => 'x@example.com', 'tag' => 'VIP' ), 'wckf_not-the-secret' );
		$this->assertSame( 401, $sent['status'] );
		$this->assertSame( 'invalid_flow_secret', $sent['body']['error']['code'] );
		$this->assertSame( 1, $sent['attempts'], 'a 401 is not retried' );
	}

	public function test_coupon_end_to_end_one_coupon_however_often_klaviyo_retries_and_the_profile_gets_the_code(): void {
		if ( self::is_standin() ) {
			$this->markTestSkipped( 'The stand-in has no WooCommerce coupons; run with WC=real.' );
		}
		$email = strtolower( 'winback-' . wp_generate_password( 6, false, false ) . '@example.com' );
		$body  = array( 'email' => $email, 'discount_type' => 'percent', 'amount' => '15', 'expiry_days' => 14, 'minimum_amount' => '20' );
		$sent  = $this->flow_webhook( 'coupon', $body );
		$this->assertSame( 200, $sent['status'], wp_json_encode( $sent ) );
		$entry = $this->wait_for_flow( $sent['body']['id'] );
		$this->assertSame( 'succeeded', $entry['status'], wp_json_encode( $entry ) );

		$ids = get_posts( array( 'post_type' => 'shop_coupon', 'post_status' => 'any', 'meta_key' => FlowActions::COUPON_KEY_META, 'numberposts' => -1, 'fields' => 'ids', 's' => '' ) );
		$mine = array_values( array_filter( array_map( fn( $id ) => new WC_Coupon( $id ), $ids ), fn( $c ) => in_array( $email, $c->get_email_restrictions(), true ) ) );
		$this->assertCount( 1, $mine );
		$coupon = $mine[0];
		$this->assertSame( 'percent', $coupon->get_discount_type() );
		$this->assertEquals( 15, (float) $coupon->get_amount() );
		$this->assertSame( 1, $coupon->get_usage_limit() );
		$this->assertSame( array( $email ), $coupon->get_email_restrictions() );
		$this->assertEquals( 20, (float) $coupon->get_minimum_amount() );
		$this->assertEqualsWithDelta( time() + 14 * DAY_IN_SECONDS, $coupon->get_date_expires()->getTimestamp(), 120 );

		$profile = $this->profile( $email );
		$this->assertNotNull( $profile, 'the double has the profile' );
		$this->assertSame( $coupon->get_code(), $profile['attributes']['properties']['WooCouponCode'] );
		$this->assertSame( gmdate( 'Y-m-d\TH:i:s\Z', $coupon->get_date_expires()->getTimestamp() ), $profile['attributes']['properties']['WooCouponExpires'] );

		// Klaviyo retries the same webhook: a duplicate, no second coupon. A replay from the sync log: the same coupon.
		$again = $this->flow_webhook( 'coupon', $body );
		$this->assertSame( 'duplicate', $this->wait_for_flow( $again['body']['id'] )['status'] );
		$replay = wp_remote_post( getenv( 'SIDECAR_URL' ) . '/v1/stores/' . $this->store_id() . '/deliveries/' . $sent['body']['id'] . '/replay?all=1', array( 'headers' => array( 'Authorization' => 'Bearer ' . getenv( 'ADMIN_TOKEN' ), 'Content-Type' => 'application/json' ), 'body' => '{}' ) );
		$this->assertSame( 200, wp_remote_retrieve_response_code( $replay ) );
		$this->wait_for_flow( $sent['body']['id'] );
		usleep( 500000 );
		$this->wait_for_flow( $sent['body']['id'] );
		wp_cache_flush();
		$after = array_filter( get_posts( array( 'post_type' => 'shop_coupon', 'post_status' => 'any', 'numberposts' => -1, 'fields' => 'ids' ) ), fn( $id ) => in_array( $email, ( new WC_Coupon( $id ) )->get_email_restrictions(), true ) );
		$this->assertCount( 1, $after, 'one coupon per flow message' );
		$this->assertSame( $coupon->get_code(), $this->profile( $email )['attributes']['properties']['WooCouponCode'] );

		$this->check_checkout_restriction( $coupon->get_code(), $email );
	}

	/**
	 * The Store API (what the block checkout calls): the coupon is refused for a shopper with another billing email and
	 * applies for the one it was made for.
	 */
	private function check_checkout_restriction( string $code, string $email ): void {
		$product = new WC_Product_Simple();
		$product->set_name( 'Flow mug' );
		$product->set_regular_price( '30' );
		$product->set_status( 'publish' );
		$product->save();
		foreach ( array( 'someone-else@example.com' => false, $email => true ) as $shopper => $allowed ) {
			$cart  = wp_remote_get( rest_url( 'wc/store/v1/cart' ) );
			$token = wp_remote_retrieve_header( $cart, 'cart-token' );
			$nonce = wp_remote_retrieve_header( $cart, 'nonce' );
			$this->assertNotEmpty( $token );
			$call = function ( string $path, array $body ) use ( $token, $nonce ) {
				$r = wp_remote_post( rest_url( 'wc/store/v1/' . $path ), array( 'headers' => array( 'Content-Type' => 'application/json', 'Cart-Token' => $token, 'Nonce' => $nonce ), 'body' => wp_json_encode( $body ), 'timeout' => 20 ) );
				return array( wp_remote_retrieve_response_code( $r ), (array) json_decode( wp_remote_retrieve_body( $r ), true ) );
			};
			$this->assertSame( 201, $call( 'cart/add-item', array( 'id' => $product->get_id(), 'quantity' => 1 ) )[0] );
			$this->assertSame( 200, $call( 'cart/update-customer', array( 'billing_address' => array( 'email' => $shopper, 'country' => 'US' ) ) )[0] );
			list( $status, $answer ) = $call( 'cart/apply-coupon', array( 'code' => $code ) );
			if ( $allowed ) {
				$this->assertSame( 200, $status, wp_json_encode( $answer ) );
				$this->assertSame( strtolower( $code ), strtolower( $answer['coupons'][0]['code'] ) );
			} else {
				$this->assertSame( 400, $status, wp_json_encode( $answer ) );
				$this->assertSame( 'woocommerce_rest_cart_coupon_error', $answer['code'] );
			}
		}
	}
}
