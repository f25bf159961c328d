<?php
/**
 * What the plugin adds to the shopper's checkout request (real WooCommerce 10.0.2 only: the stand-in has no Store API).
 *
 * `POST /wc/store/v1/cart/update-customer` on a one-item cart, in rounds alternating four settings: the same cart
 * and email again, without the plugin and with it (nothing to capture); a new email each request, without the plugin
 * and with it (a capture every time). The harness's request-cost mu-plugin records each request's database writes, queries, CPU
 * time and wall time. The test asserts on the writes, which do not depend on the machine's load: the same cart again
 * writes nothing more than WooCommerce does without the plugin, and a capture adds only the one Action Scheduler
 * action that carries it (and Action Scheduler's own log row). CPU and wall medians are printed and written to
 * wp-content/wck-cost.json for docs/benchmarks.md; they are not asserted on.
 */

final class CheckoutCostTest extends WckTestCase {

	private const ROUNDS    = 3;
	private const PER_ROUND = 12;

	protected function setUp(): void {
		parent::setUp();
		if ( self::is_standin() || ! class_exists( 'WC_Product_Simple' ) ) {
			$this->markTestSkipped( 'needs the real WooCommerce (WC=real): the stand-in has no Store API' );
		}
		$this->configure();
	}

	/**
	 * The plugin off or on for the site's HTTP requests, as its deactivation and activation leave the store (its
	 * webhooks paused, or pushed to the sidecar and resumed), without WordPress's deactivate_plugins(): in this
	 * process that would also make WooCommerce forget the plugin's HPOS and checkout-blocks declarations, which it
	 * takes only while WooCommerce starts.
	 */
	private function plugin_active( bool $on ): void {
		$active = array_values( array_diff( (array) get_option( 'active_plugins', array() ), array( self::PLUGIN ) ) );
		if ( $on ) {
			$active[] = self::PLUGIN;
		}
		if ( ! $on ) {
			\WcKlaviyoSync\Plugin::deactivate();
		}
		update_option( 'active_plugins', $active );
		if ( $on ) {
			\WcKlaviyoSync\Plugin::activate();
		}
		$this->fresh();
	}

	private static function address( string $email ): array {
		return array( 'first_name' => 'Cy', 'last_name' => 'Cost', 'address_1' => '1 High St', 'city' => 'London', 'postcode' => 'SW1A 1AA', 'country' => 'GB', 'email' => $email, 'phone' => '' );
	}

	private function update( array $api, string $email, string $label, bool $list = false ): void {
		$headers  = $api[1] + ( '' === $label ? array() : array( 'X-Wck-Cost' => $label ) ) + ( $list ? array( 'X-Wck-Cost-Queries' => '1' ) : array() );
		$response = wp_remote_post(
			$api[0] . '/cart/update-customer',
			array(
				'timeout' => 60,
				'headers' => $headers,
				'body'    => (string) wp_json_encode( array( 'billing_address' => self::address( $email ), 'shipping_address' => self::address( $email ) ) ),
			)
		);
		$this->assertSame( 200, wp_remote_retrieve_response_code( $response ), wp_remote_retrieve_body( $response ) );
	}

	/** A Store API session with one item in its cart: [ base URL, headers ]. */
	private function session( int $product ): array {
		$base     = 'http://127.0.0.1:' . getenv( 'WP_PORT' ) . '/wp-json/wc/store/v1';
		$cart     = wp_remote_get( $base . '/cart', array( 'timeout' => 30 ) );
		$api      = array(
			$base,
			array(
				'Nonce'        => (string) wp_remote_retrieve_header( $cart, 'nonce' ),
				'Cart-Token'   => (string) wp_remote_retrieve_header( $cart, 'cart-token' ),
				'Content-Type' => 'application/json',
			),
		);
		$response = wp_remote_post( $base . '/cart/add-item', array( 'timeout' => 60, 'headers' => $api[1], 'body' => (string) wp_json_encode( array( 'id' => $product, 'quantity' => 1 ) ) ) );
		$this->assertSame( 201, wp_remote_retrieve_response_code( $response ), wp_remote_retrieve_body( $response ) );
		return $api;
	}

	private static function median( array $xs ): float {
		return self::quantile( $xs, 0.5 );
	}

	/** The q-quantile, interpolated between the nearest ranks. */
	private static function quantile( array $xs, float $q ): float {
		sort( $xs );
		$n = count( $xs );
		if ( 0 === $n ) {
			return 0.0;
		}
		$pos = ( $n - 1 ) * $q;
		$lo  = (int) floor( $pos );
		$hi  = min( $n - 1, $lo + 1 );
		return (float) ( $xs[ $lo ] + ( $xs[ $hi ] - $xs[ $lo ] ) * ( $pos - $lo ) );
	}

	public function test_the_same_cart_again_writes_nothing_and_a_capture_writes_one_queued_action(): void {
		$product = new WC_Product_Simple();
		$product->set_name( 'Cost Mug' );
		$product->set_regular_price( '9.50' );
		$product->set_status( 'publish' );
		$id  = $product->save();
		$log = WP_CONTENT_DIR . '/wck-cost.log';
		@unlink( $log ); // phpcs:ignore WordPress.PHP.NoSilencedErrors.Discouraged

		$same  = 'cost-same@example.com';
		$all   = array( 'withoutSame', 'same', 'withoutNew', 'new' );
		$apis  = array();
		foreach ( $all as $which ) {
			$apis[ $which ] = $this->session( $id );
			$this->update( $apis[ $which ], $same, '' ); // Captured once, before the rounds: from now on it is the same cart.
		}
		$n = 0;
		for ( $round = 0; $round < self::ROUNDS; $round++ ) {
			foreach ( $all as $which ) {
				$fresh = 'new' === $which || 'withoutNew' === $which;
				$this->plugin_active( ! str_starts_with( $which, 'without' ) ); // Off, its webhooks are paused: a store without the plugin has none.
				$this->fresh();
				$this->update( $apis[ $which ], $fresh ? 'cost-warm-' . ( ++$n ) . '@example.com' : $same, '' ); // Warm-up.
				for ( $i = 0; $i < self::PER_ROUND; $i++ ) {
					$this->update( $apis[ $which ], $fresh ? 'cost-new-' . ( ++$n ) . '@example.com' : $same, $which );
				}
			}
		}
		// One more request of the same cart each way, listing its queries: what the plugin's presence adds.
		$this->plugin_active( false );
		$this->update( $apis['withoutSame'], $same, '' );
		$this->update( $apis['withoutSame'], $same, 'listWithout', true );
		$this->plugin_active( true );
		$this->update( $apis['same'], $same, '' );
		$this->update( $apis['same'], $same, 'listWith', true );

		$rows = array();
		foreach ( file( $log, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $line ) {
			$row                     = json_decode( $line, true );
			$rows[ $row['label'] ][] = $row;
		}
		$report = array();
		foreach ( $all as $which ) {
			$this->assertCount( self::ROUNDS * self::PER_ROUND, $rows[ $which ] ?? array(), $which );
			$writes = array_map( static fn ( $r ) => count( $r['writes'] ), $rows[ $which ] );
			$report[ $which ] = array(
				'writes'      => self::median( $writes ),
				'maxWrites'   => max( $writes ),
				'queries'     => self::median( array_column( $rows[ $which ], 'queries' ) ),
				'cpuMs'       => round( self::median( array_column( $rows[ $which ], 'cpuMs' ) ), 1 ),
				'cpuIqrMs'    => array( round( self::quantile( array_column( $rows[ $which ], 'cpuMs' ), 0.25 ), 1 ), round( self::quantile( array_column( $rows[ $which ], 'cpuMs' ), 0.75 ), 1 ) ),
				'wallMs'      => round( self::median( array_column( $rows[ $which ], 'wallMs' ) ), 1 ),
				'wallIqrMs'   => array( round( self::quantile( array_column( $rows[ $which ], 'wallMs' ), 0.25 ), 1 ), round( self::quantile( array_column( $rows[ $which ], 'wallMs' ), 0.75 ), 1 ) ),
				'writesSeen'  => array_count_values( array_merge( ...array_column( $rows[ $which ], 'writes' ) ) ),
			);
		}
		$ratio           = static fn ( string $what, string $with, string $without ): float => round( $report[ $with ][ $what ] / max( 0.1, $report[ $without ][ $what ] ), 2 );
		$report['ratio'] = array(
			'cpuSame'  => $ratio( 'cpuMs', 'same', 'withoutSame' ),
			'cpuNew'   => $ratio( 'cpuMs', 'new', 'withoutNew' ),
			'wallSame' => $ratio( 'wallMs', 'same', 'withoutSame' ),
			'wallNew'  => $ratio( 'wallMs', 'new', 'withoutNew' ),
		);
		$added = array_count_values( $rows['listWith'][0]['list'] );
		foreach ( $rows['listWithout'][0]['list'] as $q ) {
			if ( isset( $added[ $q ] ) && --$added[ $q ] <= 0 ) {
				unset( $added[ $q ] );
			}
		}
		$report['queriesTheSameCartAdds'] = $added;
		$load                             = sys_getloadavg();
		$report['loadAverage'] = is_array( $load ) ? round( $load[0], 1 ) : null;
		file_put_contents( WP_CONTENT_DIR . '/wck-cost.json', wp_json_encode( $report, JSON_PRETTY_PRINT ) );
		fwrite( STDERR, "\ncheckout cost: " . wp_json_encode( $report ) . "\n" ); // phpcs:ignore WordPress.WP.AlternativeFunctions.file_system_operations_fwrite

		$this->assertSame( $report['withoutSame']['writes'], $report['same']['writes'], 'the same cart again writes nothing WooCommerce does not: ' . wp_json_encode( $report['same']['writesSeen'] ) . ' vs ' . wp_json_encode( $report['withoutSame']['writesSeen'] ) );
		$this->assertLessThanOrEqual( $report['withoutNew']['writes'] + 2, $report['new']['writes'], 'a capture adds at most its Action Scheduler action and that action\'s log row: ' . wp_json_encode( $report['new']['writesSeen'] ) . ' vs ' . wp_json_encode( $report['withoutNew']['writesSeen'] ) );
		$this->assertSame( 0, $report['same']['maxWrites'] - $report['withoutSame']['maxWrites'], 'no request of the same cart wrote more' );
	}
}
