<?php
/**
 * Staging copies: a second site (this WordPress with its home URL filtered to another address, in the processes that
 * create and deliver the order, as a clone with the same webhooks and secret would be) has its order held by the
 * sidecar, not sent; the shop's own site and the copy each show their alert with the sidecar's count; a settings save
 * from the copy is refused; releasing sends the order once, and the alert clears; discarding sends nothing; and the
 * copy can connect as a store of its own, after which its orders are its own store's.
 */

use WcKlaviyoSync\Alerts\AlertCatalog;
use WcKlaviyoSync\Plugin;

final class StagingCopyTest extends WckTestCase {

	private const COPY = 'http://staging-copy.example';

	/** PHP for another process: this site answers as the copy. */
	private const AS_COPY = 'add_filter( "home_url", function ( $url ) { return str_replace( untrailingslashit( (string) get_option( "home" ) ), "http://staging-copy.example", $url ); }, 99 ); ';

	/** The same filter in this process. */
	public function as_copy( $url ) {
		return str_replace( untrailingslashit( (string) get_option( 'home' ) ), self::COPY, (string) $url );
	}

	protected function setUp(): void {
		parent::setUp();
		$this->configure();
	}

	protected function tearDown(): void {
		remove_filter( 'home_url', array( $this, 'as_copy' ), 99 );
		parent::tearDown();
	}

	private function check(): array {
		$alerts = Plugin::instance()->alerts()->check();
		$this->fresh();
		return array_column( $alerts, null, 'id' );
	}

	private function sources(): array {
		return $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/sources' );
	}

	/** Waits until the sidecar holds deliveries from the copy; returns how many. */
	private function wait_for_held( float $seconds = 20.0 ): int {
		$deadline = microtime( true ) + $seconds;
		do {
			$held = array_column( $this->sources()['held'], 'count', 'source' );
			if ( ( $held[ self::COPY ] ?? 0 ) > 0 ) {
				return (int) $held[ self::COPY ];
			}
			usleep( 200000 );
		} while ( microtime( true ) < $deadline );
		$this->fail( 'the sidecar never held the copy\'s deliveries: ' . wp_json_encode( $this->sources() ) );
	}

	private function placed_orders_for( string $email ): int {
		$events = $this->double( 'GET', '/__double/state' )['events'] ?? array();
		return count( array_filter( $events, static fn( $e ) => 'Placed Order' === $e['metric'] && $email === ( $e['profile']['email'] ?? null ) ) );
	}

	public function test_the_alert_texts_count_deliveries_in_the_singular_and_the_plural(): void {
		$one = AlertCatalog::describe( 'held_deliveries', array( 'count' => 1, 'sources' => array( self::COPY ) ) );
		$two = AlertCatalog::describe( 'held_deliveries', array( 'count' => 2, 'sources' => array( self::COPY ) ) );
		$this->assertSame( '1 delivery from another site (http://staging-copy.example) is held and was not sent to Klaviyo.', $one['what'] );
		$this->assertSame( '2 deliveries from another site (http://staging-copy.example) are held and were not sent to Klaviyo.', $two['what'] );
		$copy = AlertCatalog::describe( 'site_copy', array( 'pinned' => 'http://shop.example', 'site' => self::COPY, 'count' => 2 ) );
		$this->assertSame( 'This looks like a copy of http://shop.example: its orders are not sent to Klaviyo. 2 deliveries from this site are held.', $copy['what'] );
		$none = AlertCatalog::describe( 'site_copy', array( 'pinned' => 'http://shop.example', 'site' => self::COPY, 'count' => 0 ) );
		$this->assertSame( 'This looks like a copy of http://shop.example: its orders are not sent to Klaviyo.', $none['what'] );
	}

	public function test_a_copy_s_order_is_held_both_sites_say_so_the_copy_cannot_re_point_and_a_release_sends_it_once(): void {
		$live  = untrailingslashit( home_url() );
		$email = 'staging-' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
		$this->place_order( $email, self::AS_COPY );
		$held = $this->wait_for_held();
		sleep( 1 );
		$this->assertSame( 0, $this->placed_orders_for( $email ), 'nothing of the copy\'s order reached Klaviyo' );
		$log = $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/deliveries?status=held' )['items'];
		$this->assertCount( $held, $log );
		$this->assertStringContainsString( 'Held: sent by http://staging-copy.example', (string) $log[0]['note'] );

		// The shop's own site.
		$alerts = $this->check();
		$this->assertArrayHasKey( 'held_deliveries', $alerts );
		$this->assertArrayNotHasKey( 'site_copy', $alerts );
		$expected = 1 === $held
			? '1 delivery from another site (http://staging-copy.example) is held and was not sent to Klaviyo.'
			: $held . ' deliveries from another site (http://staging-copy.example) are held and were not sent to Klaviyo.';
		$this->assertStringContainsString( esc_html( $expected ), $this->admin_notices() );
		if ( ! self::is_standin() ) {
			$this->assertSame( 2, $held, 'the real WooCommerce sends order.created and order.updated for one order' );
		}
		$own = $this->rest( 'GET', '/sources' )->get_data();
		$this->assertSame( 'pinned', $own['site']['relation'] );
		$this->assertSame( $live, $own['pinned'] );

		// The copy.
		add_filter( 'home_url', array( $this, 'as_copy' ), 99 );
		$copy = $this->rest( 'GET', '/sources' )->get_data();
		$this->assertSame( array( 'url' => self::COPY, 'relation' => 'other' ), $copy['site'] );
		$alerts = $this->check();
		$this->assertArrayHasKey( 'site_copy', $alerts );
		$this->assertArrayNotHasKey( 'held_deliveries', $alerts );
		$this->assertStringContainsString(
			esc_html( "This looks like a copy of $live: its orders are not sent to Klaviyo. " . ( 1 === $held ? '1 delivery from this site is held.' : "$held deliveries from this site are held." ) ),
			$this->admin_notices()
		);
		$save = $this->rest( 'POST', '/settings', array( 'klaviyoPrivateKey' => 'pk_test_0123456789abcdef' ) );
		$this->assertSame( 409, $save->get_status() );
		$this->assertSame( 'wck_site_not_pinned', $save->get_data()['code'] );
		$this->assertStringContainsString( 'this site (http://staging-copy.example) looks like a copy of it', $save->get_data()['message'] );
		remove_filter( 'home_url', array( $this, 'as_copy' ), 99 );
		$this->assertSame( $live, $this->sources()['pinned'], 'the copy did not re-point the store' );

		// Released from the shop's own site: sent once.
		$released = $this->rest( 'POST', '/sources/release', array( 'source' => self::COPY ) );
		$this->assertSame( 200, $released->get_status(), wp_json_encode( $released->get_data() ) );
		$this->assertSame( $held, $released->get_data()['released'] );
		$event = $this->wait_for_event( 'Placed Order', $email );
		$this->assertSame( $email, $event['profile']['email'] );
		$this->assertSame( 0, $this->rest( 'POST', '/sources/release', array( 'source' => self::COPY ) )->get_data()['released'] );
		sleep( 1 );
		$this->assertSame( 1, $this->placed_orders_for( $email ), 'released once' );
		$this->assertArrayNotHasKey( 'held_deliveries', $this->check(), 'the alert cleared' );
		$this->assertSame( array(), $this->sources()['held'] );
	}

	public function test_discarding_sends_nothing_and_keeps_the_entries(): void {
		$email = 'discard-' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
		$this->place_order( $email, self::AS_COPY );
		$held      = $this->wait_for_held();
		$discarded = $this->rest( 'POST', '/sources/discard', array( 'source' => self::COPY ) );
		$this->assertSame( 200, $discarded->get_status(), wp_json_encode( $discarded->get_data() ) );
		$this->assertSame( $held, $discarded->get_data()['discarded'] );
		sleep( 1 );
		$this->assertSame( 0, $this->placed_orders_for( $email ) );
		$log = $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/deliveries?status=discarded' )['items'];
		$this->assertGreaterThanOrEqual( $held, count( $log ) );
		$this->assertArrayNotHasKey( 'held_deliveries', $this->check() );
	}

	public function test_the_copy_connects_as_a_store_of_its_own_and_its_orders_are_then_its_own(): void {
		$first  = $this->store_id();
		$secret = get_option( 'wc_klaviyo_sync_webhook_secret' );
		$this->place_order( 'sep-' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com', self::AS_COPY );
		$held = $this->wait_for_held();

		add_filter( 'home_url', array( $this, 'as_copy' ), 99 );
		$separated = $this->rest( 'POST', '/sources/separate' );
		$this->assertSame( 200, $separated->get_status(), wp_json_encode( $separated->get_data() ) );
		$this->assertSame( $held, $separated->get_data()['discarded'] );
		$this->assertSame( $first . '-copy-', substr( $this->store_id(), 0, strlen( $first ) + 6 ) );
		$this->assertNotSame( $secret, get_option( 'wc_klaviyo_sync_webhook_secret' ), 'the copy has its own webhook secret' );
		$mine = $this->rest( 'GET', '/sources' )->get_data();
		$this->assertSame( array( 'url' => self::COPY, 'relation' => 'pinned' ), $mine['site'] );
		$this->assertArrayNotHasKey( 'site_copy', $this->check() );
		remove_filter( 'home_url', array( $this, 'as_copy' ), 99 );
		foreach ( $this->our_webhooks() as $webhook ) {
			$this->assertStringContainsString( '/v1/stores/' . $this->store_id() . '/webhooks/', $webhook->get_delivery_url() );
		}

		$email = 'own-' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
		$this->place_order( $email, self::AS_COPY );
		$this->wait_for_event( 'Placed Order', $email );
		$this->assertSame( array(), $this->sources()['held'], 'the copy\'s own store holds nothing of it' );
	}
}
