<?php
/**
 * The "Klaviyo" box on the order screen: registered for the legacy screen (shop_order) and HPOS's
 * (woocommerce_page_wc-orders), showing what was sent for this order, the outcome, the error, and "Send again".
 */

use WcKlaviyoSync\Admin\OrderBox;

final class OrderBoxTest extends WckTestCase {

	/** The box's output for an order on a screen, after add_meta_boxes registered it there. */
	private function box( string $screen, $object ): string {
		global $wp_meta_boxes;
		$wp_meta_boxes = array();
		require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
		require_once ABSPATH . 'wp-admin/includes/screen.php';
		require_once ABSPATH . 'wp-admin/includes/template.php';
		do_action( 'add_meta_boxes', $screen, $object );
		$box = $wp_meta_boxes[ $screen ]['side']['default'][ OrderBox::ID ] ?? null;
		$this->assertNotNull( $box, "the box is registered on $screen" );
		$this->assertSame( 'Klaviyo', $box['title'] );
		ob_start();
		call_user_func( $box['callback'], $object, $box );
		return (string) ob_get_clean();
	}

	/** The order as the screen passes it: a WP_Post on the legacy screen, the WC_Order on HPOS. */
	private function screen_object( int $id ) {
		if ( self::is_standin() ) {
			return new WP_Post( (object) array( 'ID' => $id, 'post_type' => 'shop_order' ) );
		}
		return wc_get_order( $id );
	}

	private function screen(): string {
		if ( self::is_standin() ) {
			return 'shop_order';
		}
		return \Automattic\WooCommerce\Utilities\OrderUtil::custom_orders_table_usage_is_enabled() ? 'woocommerce_page_wc-orders' : 'shop_order';
	}

	public function test_the_box_shows_what_was_sent_and_sends_again(): void {
		$this->configure();
		$id = $this->place_order( 'box@example.com' );
		$this->wait_for_delivery( static fn( array $d ): bool => 'order' === $d['resource'] && $id === $d['resourceId'] && 'succeeded' === $d['status'] );
		$html = $this->box( $this->screen(), $this->screen_object( $id ) );
		$this->assertStringContainsString( 'data-order="' . $id . '"', $html );
		$this->assertStringContainsString( 'order.created', $html );
		$this->assertStringContainsString( 'data-status="succeeded"', $html );
		$this->assertStringContainsString( ': done (202)', $html );
		$this->assertStringContainsString( 'Send again', $html );

		$items = $this->rest( 'GET', '/orders/' . $id . '/deliveries' )->get_data()['items'];
		$this->assertNotEmpty( $items );
		foreach ( $items as $item ) {
			$this->assertSame( $id, $item['resourceId'] );
		}
		// Real WooCommerce also delivers order.updated for the new order; a repeat of content already sent sends
		// nothing and shows no "Send again". The entry that sent the order has it.
		$sent = array_values( array_filter( $items, static fn( array $d ): bool => array() !== $d['requests'] ) );
		$this->assertNotEmpty( $sent );
		$this->assertSame( count( $sent ), substr_count( $html, 'class="button wck-send-again"' ), 'one "Send again" per entry that sent something' );
		// "Send again" posts to the plugin's replay route (all jobs); the sidecar resets them and sends them again.
		$replay = $this->rest( 'POST', '/deliveries/' . $sent[0]['id'] . '/replay', null, array( 'all' => '1' ) );
		$this->assertSame( 200, $replay->get_status() );
		$this->assertGreaterThanOrEqual( 1, $replay->get_data()['replayed'] );
	}

	public function test_the_box_says_klaviyos_error_and_keeps_only_this_orders_entries(): void {
		$this->configure();
		// The sidecar's sync log as it answers for a dead delivery (DeliveryView), with an entry of another order
		// whose email matches the search too: only this order's entry is shown.
		$entry = static fn( int $order, string $status ): array => array(
			'id'          => (string) ( 900 + $order ),
			'receivedAt'  => '2026-12-01T10:00:00.000Z',
			'topic'       => 'order.created',
			'resource'    => 'order',
			'resourceId'  => $order,
			'orderNumber' => (string) $order,
			'email'       => 'n' . $order . '@example.com',
			'status'      => $status,
			'note'        => null,
			'error'       => 'dead' === $status ? array(
				'class'   => 'bad_request',
				'message' => 'Klaviyo answered 400',
				'klaviyo' => array( array( 'code' => 'invalid', 'title' => 'Invalid input.', 'detail' => 'The phone number provided is invalid.' ) ),
			) : null,
			'requests'    => array(
				array(
					'id'             => '1',
					'kind'           => 'event',
					'metric'         => 'Placed Order',
					'key'            => 'k' . $order,
					'status'         => 'dead' === $status ? 'dead' : 'done',
					'attempts'       => 1,
					'responseStatus' => 'dead' === $status ? 400 : 202,
					'error'          => null,
				),
			),
		);
		$page  = array(
			'items'      => array( $entry( 4242, 'dead' ), $entry( 74242, 'succeeded' ) ),
			'nextCursor' => null,
		);
		$seen  = array();
		add_filter(
			'pre_http_request',
			static function ( $pre, $args, $url ) use ( $page, &$seen ) {
				if ( ! str_contains( (string) $url, '/deliveries?' ) ) {
					return $pre;
				}
				$seen[] = $url;
				return array(
					'headers'  => array( 'content-type' => 'application/json' ),
					'body'     => wp_json_encode( $page ),
					'response' => array(
						'code'    => 200,
						'message' => 'OK',
					),
					'cookies'  => array(),
				);
			},
			10,
			3
		);
		$html = $this->box( 'shop_order', new WP_Post( (object) array( 'ID' => 4242, 'post_type' => 'shop_order' ) ) );
		remove_all_filters( 'pre_http_request' );
		$this->assertStringContainsString( 'q=4242', $seen[0] );
		$this->assertStringContainsString( 'data-status="dead"', $html );
		$this->assertStringContainsString( 'Placed Order: dead (400)', $html );
		$this->assertStringContainsString( 'Error: Klaviyo answered 400 — The phone number provided is invalid.', $html );
		$this->assertStringContainsString( 'data-delivery="5142"', $html );
		$this->assertStringNotContainsString( 'data-delivery="74242', $html );
		$this->assertStringNotContainsString( '75142', $html, 'the other order\'s entry is left out' );
	}

	public function test_nothing_sent_yet_and_not_for_other_screens_or_users(): void {
		$this->configure();
		$html = $this->box( 'shop_order', new WP_Post( (object) array( 'ID' => 987654, 'post_type' => 'shop_order' ) ) );
		$this->assertStringContainsString( 'Nothing was sent to Klaviyo for this order yet.', $html );
		$this->assertContains( 'woocommerce_page_wc-orders', OrderBox::screens() );

		global $wp_meta_boxes;
		$wp_meta_boxes = array();
		do_action( 'add_meta_boxes', 'post', new WP_Post( (object) array( 'ID' => 1 ) ) );
		$this->assertArrayNotHasKey( 'post', (array) $wp_meta_boxes );
		wp_set_current_user( $this->make_user( 'customer' ) );
		do_action( 'add_meta_boxes', 'shop_order', new WP_Post( (object) array( 'ID' => 1 ) ) );
		$this->assertArrayNotHasKey( 'shop_order', (array) $wp_meta_boxes );
	}
}
