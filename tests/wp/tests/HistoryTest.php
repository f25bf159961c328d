<?php
/**
 * The history routes the sidecar reads the store's past from: signed like the flow-action route, each record exactly
 * the JSON WooCommerce's webhook carries, keyset-paged without a repeat or a gap; and a history sync run through the
 * sidecar bringing orders WooCommerce never delivered (our webhooks were paused) into Klaviyo as backfill events; and the
 * gap check recovering the orders placed while a webhook was disabled once it is re-enabled.
 */

use WcKlaviyoSync\Machine\SignedRequest;
use WcKlaviyoSync\Plugin;
use WcKlaviyoSync\WebhookOwnership;
use WcKlaviyoSync\WebhookRegistrar;

final class HistoryTest extends WckTestCase {

	protected function setUp(): void {
		parent::setUp();
		$this->configure();
	}

	/** A signed call to a history route, as the sidecar makes it: [status, body]. */
	private function page( string $resource, array $body, ?string $signature = null ): array {
		$raw      = (string) wp_json_encode( $body + array( 'sentAt' => gmdate( 'c' ) ) );
		$sig      = $signature ?? base64_encode( hash_hmac( 'sha256', $raw, \WcKlaviyoSync\Plugin::instance()->settings()->webhook_secret(), true ) );
		$response = wp_remote_post(
			home_url( '/?rest_route=/' . SignedRequest::NAMESPACE . '/history/' . $resource ),
			array(
				'headers' => array(
					'Content-Type'    => 'application/json',
					'X-WCK-Signature' => $sig,
				),
				'body'    => $raw,
				'timeout' => 30,
			)
		);
		$this->assertNotWPError( $response );
		return array( wp_remote_retrieve_response_code( $response ), (array) json_decode( wp_remote_retrieve_body( $response ), true ) );
	}

	public function test_order_pages_are_the_webhook_json_keyset_paged_once_each_and_signed(): void {
		$since  = gmdate( 'c', time() - 2 );
		$placed = array();
		for ( $i = 0; $i < 5; $i++ ) {
			$placed[] = $this->place_order( 'hist-page-' . $i . '-' . wp_generate_password( 5, false, false ) . '@example.com' );
		}
		list( $status, $answer ) = $this->page( 'orders', array( 'after' => null, 'modifiedAfter' => $since, 'limit' => 2 ), base64_encode( str_repeat( 'x', 32 ) ) );
		$this->assertSame( 401, $status );
		$this->assertSame( 'wck_invalid_signature', $answer['code'] );

		list( $status, $count ) = $this->page( 'orders', array( 'after' => null, 'modifiedAfter' => $since, 'limit' => 0 ) );
		$this->assertSame( 200, $status, wp_json_encode( $count ) );
		$this->assertSame( array(), $count['items'] );
		$this->assertGreaterThanOrEqual( 5, $count['total'] );

		$seen  = array();
		$keys  = array();
		$after = null;
		$pages = 0;
		do {
			list( $status, $answer ) = $this->page( 'orders', array( 'after' => $after, 'modifiedAfter' => $since, 'limit' => 2 ) );
			$this->assertSame( 200, $status, wp_json_encode( $answer ) );
			$this->assertLessThanOrEqual( 2, count( $answer['items'] ) );
			foreach ( $answer['items'] as $item ) {
				$seen[] = (int) $item['id'];
				$keys[] = array( $item['date_modified_gmt'], (int) $item['id'] );
			}
			$after = $answer['next'];
		} while ( null !== $after && ++$pages < 50 );
		$this->assertSame( count( $seen ), count( array_unique( $seen ) ), 'no order twice' );
		foreach ( $placed as $id ) {
			$this->assertContains( $id, $seen, 'every order once' );
		}
		$sorted = $keys;
		sort( $sorted );
		$this->assertSame( $sorted, $keys, 'ordered by modified date, then id' );

		// Each record is what WooCommerce's own webhook builds for the order (WC_Webhook::build_payload).
		$webhook = ( new WebhookOwnership() )->find( 'order.updated' );
		$this->assertNotNull( $webhook );
		list( , $first ) = $this->page( 'orders', array( 'after' => null, 'modifiedAfter' => $since, 'limit' => 1 ) );
		$this->assertSame( $webhook->build_payload( (int) $first['items'][0]['id'] ), $first['items'][0] );
	}

	public function test_customer_pages_are_the_webhook_json_paged_by_id(): void {
		$made = array( $this->create_customer( 'hist-cust-a-' . wp_generate_password( 5, false, false ) . '@example.com' ), $this->create_customer( 'hist-cust-b-' . wp_generate_password( 5, false, false ) . '@example.com' ) );
		$seen  = array();
		$after = null;
		$pages = 0;
		do {
			list( $status, $answer ) = $this->page( 'customers', array( 'after' => $after, 'modifiedAfter' => null, 'limit' => 1 ) );
			$this->assertSame( 200, $status, wp_json_encode( $answer ) );
			foreach ( $answer['items'] as $item ) {
				$seen[] = (int) $item['id'];
			}
			$after = $answer['next'];
		} while ( null !== $after && ++$pages < 500 );
		foreach ( $made as $id ) {
			$this->assertContains( $id, $seen );
		}
		$this->assertSame( count( $seen ), count( array_unique( $seen ) ) );
		$webhook = ( new WebhookOwnership() )->find( 'customer.updated' );
		list( , $one ) = $this->page( 'customers', array( 'after' => (string) ( $made[1] - 1 ), 'limit' => 1 ) );
		$this->assertSame( $webhook->build_payload( $made[1] ), $one['items'][0] );
	}

	public function test_product_pages_are_the_product_webhook_json_of_products_and_variations_in_id_order(): void {
		if ( self::is_standin() || ! class_exists( 'WC_Product_Variable' ) ) {
			$this->markTestSkipped( 'needs the real WooCommerce (WC=real): the stand-in has no products REST controller' );
		}
		$parent = new WC_Product_Variable();
		$parent->set_name( 'History Tee ' . wp_generate_password( 4, false, false ) );
		$parent->set_status( 'publish' );
		$parent_id = $parent->save();
		$variation = new WC_Product_Variation();
		$variation->set_parent_id( $parent_id );
		$variation->set_regular_price( '12.00' );
		$variation->set_status( 'publish' );
		$variation_id = $variation->save();

		list( $status, $count ) = $this->page( 'products', array( 'after' => null, 'modifiedAfter' => '2099-01-01T00:00:00Z', 'limit' => 0 ) );
		$this->assertSame( 200, $status, wp_json_encode( $count ) );
		$this->assertGreaterThanOrEqual( 2, $count['total'], 'products are counted whole, whatever modifiedAfter says' );
		$seen  = array();
		$after = null;
		$pages = 0;
		do {
			list( $status, $answer ) = $this->page( 'products', array( 'after' => $after, 'modifiedAfter' => null, 'limit' => 2 ) );
			$this->assertSame( 200, $status, wp_json_encode( $answer ) );
			foreach ( $answer['items'] as $item ) {
				$seen[ (int) $item['id'] ] = $item;
			}
			$after = $answer['next'];
		} while ( null !== $after && ++$pages < 500 );
		$this->assertArrayHasKey( $parent_id, $seen );
		$this->assertArrayHasKey( $variation_id, $seen );
		$ids = array_keys( $seen );
		$this->assertSame( $ids, array_values( array_unique( $ids ) ) );
		$this->assertLessThan( array_search( $variation_id, $ids, true ), array_search( $parent_id, $ids, true ), 'the variable product before its variation' );
		$this->assertSame( 'variation', $seen[ $variation_id ]['type'] );
		$this->assertSame( $parent_id, $seen[ $variation_id ]['parent_id'] );
		$webhook = ( new WebhookOwnership() )->find( 'product.updated' );
		$this->assertNotNull( $webhook );
		// WooCommerce shuffles related_ids on every read (wc_get_related_products): the rest is compared as it is.
		$same = static fn ( array $p ): array => array_diff_key( $p, array( 'related_ids' => true ) );
		$this->assertSame( $same( $webhook->build_payload( $variation_id ) ), $same( $seen[ $variation_id ] ), 'what WooCommerce\'s product webhook carries' );
		$this->assertSame( $same( $webhook->build_payload( $parent_id ) ), $same( $seen[ $parent_id ] ) );
	}

	public function test_a_history_sync_brings_orders_woocommerce_never_delivered_into_klaviyo_as_backfill(): void {
		$registrar = new WebhookRegistrar( new WebhookOwnership() );
		// Not as a re-enabled webhook (the gap check would send these recent orders live first): as orders from before.
		$trigger = Plugin::instance()->gap_trigger();
		remove_action( 'woocommerce_webhook_updated', array( $trigger, 'updated' ) );
		$registrar->set_all_status( 'paused' );
		$emails = array();
		try {
			for ( $i = 0; $i < 3; $i++ ) {
				$emails[] = 'hist-gap-' . $i . '-' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
				$this->place_order( $emails[ $i ] );
			}
		} finally {
			$registrar->set_all_status( 'active' );
			add_action( 'woocommerce_webhook_updated', array( $trigger, 'updated' ), 10, 1 );
		}
		$store = '/v1/stores/' . $this->store_id() . '/history';
		list( $status, $run ) = $this->sidecar_call( 'POST', $store, array( 'scope' => 'months', 'months' => 1 ) );
		$this->assertSame( 200, $status, wp_json_encode( $run ) );
		$deadline = microtime( true ) + 90;
		do {
			usleep( 300000 );
			$run = $this->sidecar_get( $store )['run'];
		} while ( 'running' === $run['state'] && microtime( true ) < $deadline );
		$this->assertSame( 'done', $run['state'], wp_json_encode( $run ) );
		$this->assertSame( $run['orders']['total'], $run['orders']['done'] );
		$this->assertGreaterThanOrEqual( 3, $run['orders']['done'] );
		foreach ( $emails as $email ) {
			$event = $this->wait_for_event( 'Placed Order', $email, 60.0 );
			$this->assertTrue( $event['backfill'], 'a historical order fires no flow' );
		}
	}

	/** The sidecar's gap check as the plugin's status route shows it. */
	private function gap_check(): array {
		$status = $this->rest( 'GET', '/status' )->get_data();
		$this->assertIsArray( $status['sidecar'] ?? null, wp_json_encode( $status ) );
		return $status['sidecar']['gapCheck'];
	}

	/** Waits for a gap check that finished after `$after` (an ISO time or null). */
	private function wait_for_gap_check( ?string $after, float $seconds = 60.0 ): array {
		$deadline = microtime( true ) + $seconds;
		do {
			$gap = $this->gap_check();
			if ( null !== $gap['lastCheckAt'] && $gap['lastCheckAt'] !== $after && null === $gap['running'] ) {
				return $gap;
			}
			usleep( 300000 );
		} while ( microtime( true ) < $deadline );
		$this->fail( 'no gap check finished: ' . wp_json_encode( $gap ) );
	}

	public function test_orders_placed_while_a_webhook_was_disabled_are_recovered_by_the_gap_check_once_it_is_re_enabled(): void {
		// The store's first check marks where watching starts (it compares nothing).
		list( $status ) = $this->sidecar_call( 'POST', '/v1/stores/' . $this->store_id() . '/gap-check', array( 'reason' => 'requested' ) );
		$this->assertSame( 200, $status );
		$before = $this->wait_for_gap_check( null )['lastCheckAt'];

		// WooCommerce disabled the order webhooks (the sidecar was unreachable): orders placed now are delivered to nobody.
		$hooks = $this->our_webhooks();
		foreach ( array( 'order.created', 'order.updated' ) as $topic ) {
			$hooks[ $topic ]->set_status( 'disabled' );
			$hooks[ $topic ]->save();
		}
		$emails = array();
		$ids    = array();
		for ( $i = 0; $i < 3; $i++ ) {
			$emails[] = 'gap-' . $i . '-' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
			$ids[]    = $this->place_order( $emails[ $i ] );
		}
		$events = $this->double( 'GET', '/__double/state' )['events'] ?? array();
		$this->assertSame( array(), array_values( array_filter( $events, static fn( $e ) => in_array( $e['profile']['email'] ?? '', $emails, true ) ) ), 'nothing was delivered' );
		list( , $page ) = $this->page( 'orders', array( 'after' => null, 'modifiedAfter' => gmdate( 'c', time() - 600 ), 'limit' => 100 ) );
		$held           = array_map( static fn( $o ) => (int) $o['id'], $page['items'] );
		foreach ( $ids as $id ) {
			$this->assertContains( $id, $held, 'WooCommerce holds the order: ' . wp_json_encode( array( $ids, $held ) ) );
		}

		// The merchant re-enables them (WooCommerce → Status, or the plugin's button): the plugin tells the sidecar.
		Plugin::instance()->gap_trigger()->reset();
		$this->assertSame( 200, $this->rest( 'POST', '/webhooks/reenable' )->get_status() );
		$gap = $this->wait_for_gap_check( $before );
		$this->assertSame( 'webhook_reenabled', $gap['lastReason'], wp_json_encode( $gap ) );
		$this->assertGreaterThanOrEqual( 3, $gap['lastRecovered'], wp_json_encode( array( $gap, array_map( static fn( $o ) => array( $o['id'], $o['date_modified_gmt'] ), $page['items'] ) ) ) );
		$this->assertMatchesRegularExpression( '/^Recovered \d+ orders? that WooCommerce did not deliver\.$/', (string) $gap['summary'] );

		foreach ( $emails as $i => $email ) {
			$event = $this->wait_for_event( 'Placed Order', $email, 60.0 );
			$this->assertFalse( $event['backfill'], 'an order of the last hours is sent live: its post-purchase flows fire' );
			$entry = $this->wait_for_delivery( static fn( $d ) => (int) ( $d['resourceId'] ?? 0 ) === $ids[ $i ] && 'recovered.order' === $d['topic'], 30.0 );
			$this->assertStringStartsWith( 'Recovered by the gap check', (string) $entry['note'] );
		}

		// A second check finds every order held: nothing is sent twice.
		list( $status ) = $this->sidecar_call( 'POST', '/v1/stores/' . $this->store_id() . '/gap-check', array( 'reason' => 'requested' ) );
		$this->assertSame( 200, $status );
		$again = $this->wait_for_gap_check( $gap['lastCheckAt'] );
		$this->assertSame( 0, $again['lastRecovered'], wp_json_encode( $again ) );
		sleep( 2 );
		$events = $this->double( 'GET', '/__double/state' )['events'] ?? array();
		foreach ( $emails as $email ) {
			$placed = array_filter( $events, static fn( $e ) => 'Placed Order' === $e['metric'] && $email === ( $e['profile']['email'] ?? '' ) );
			$this->assertCount( 1, $placed, "one Placed Order for $email" );
		}
	}
}
