<?php
/**
 * The Klaviyo tags on WooCommerce → Customers: the wc-admin Customers report's REST endpoint returns each
 * customer's tags and filters by one (real WooCommerce; the stand-in has no analytics), and the admin-ui script
 * that adds the column and the dropdown is enqueued on wc-admin pages only.
 */

use WcKlaviyoSync\Admin\CustomersReport;
use WcKlaviyoSync\Flows\FlowActions;

final class CustomersReportTest extends WckTestCase {

	protected function setUp(): void {
		parent::setUp();
		$this->configure();
	}

	/** A customer account (role customer, like WooCommerce's registration), in the report's lookup table. */
	private function customer( string $email ): int {
		$id = wp_insert_user(
			array(
				'user_login' => strtolower( str_replace( array( '@', '.' ), '-', $email ) ),
				'user_pass'  => 'Pass-' . wp_generate_password( 12, false ),
				'user_email' => $email,
				'first_name' => 'Tess',
				'role'       => 'customer',
			)
		);
		$this->assertIsInt( $id );
		if ( class_exists( \Automattic\WooCommerce\Admin\API\Reports\Customers\DataStore::class ) ) {
			// What WooCommerce runs on a customer's registration or update (its woocommerce_*_customer hooks).
			\Automattic\WooCommerce\Admin\API\Reports\Customers\DataStore::update_registered_customer( $id );
		}
		return $id;
	}

	/** The report through WordPress's REST server, as the React page asks for it. */
	private function report( string $route, array $query ): array {
		$request = new WP_REST_Request( 'GET', '/wc-analytics/reports/' . $route );
		$request->set_query_params( $query + array( 'per_page' => 100, 'force_cache_refresh' => true ) );
		$response = rest_do_request( $request );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		return (array) $response->get_data();
	}

	/** Rows of the report keyed by email. */
	private function rows( array $query ): array {
		$rows = array();
		foreach ( $this->report( 'customers', $query ) as $row ) {
			$rows[ strtolower( (string) $row['email'] ) ] = $row;
		}
		return $rows;
	}

	public function test_the_customers_report_returns_each_customers_tags_and_filters_by_one(): void {
		if ( self::is_standin() ) {
			$this->markTestSkipped( 'The stand-in has no WooCommerce analytics; run with WC=real.' );
		}
		$run   = strtolower( wp_generate_password( 6, false, false ) );
		$vip   = "vip-$run@example.com";
		$plain = "plain-$run@example.com";
		$vip_id   = $this->customer( $vip );
		$plain_id = $this->customer( $plain );
		add_user_meta( $plain_id, FlowActions::TAG_META, "Other-$run" );

		// The VIP tag arrives the way a flow sets it: the double's webhook → sidecar → the plugin's signed route.
		$sent = $this->flow_webhook( 'tag', array( 'email' => $vip, 'tag' => "VIP-$run" ) );
		$this->assertSame( 200, $sent['status'], wp_json_encode( $sent ) );
		$entry = $this->wait_for_delivery( fn( $item ) => $item['id'] === $sent['body']['id'], 30.0 );
		$this->assertSame( 'succeeded', $entry['status'], wp_json_encode( $entry ) );
		$this->fresh();

		$all = $this->rows( array( 'search' => $run, 'searchby' => 'all' ) );
		$this->assertArrayHasKey( $vip, $all );
		$this->assertArrayHasKey( $plain, $all );
		$this->assertSame( $vip_id, (int) $all[ $vip ]['user_id'] );
		$this->assertSame( array( "VIP-$run" ), $all[ $vip ]['wck_tags'] );
		$this->assertSame( array( "Other-$run" ), $all[ $plain ]['wck_tags'] );

		$only = $this->rows( array( CustomersReport::PARAM => "VIP-$run" ) );
		$this->assertSame( array( $vip ), array_keys( $only ), 'only the tagged customer' );
		// With the report's own filters, "match any" included: the tag still narrows.
		$any = $this->rows( array( CustomersReport::PARAM => "VIP-$run", 'match' => 'any', 'email_includes' => (string) $all[ $plain ]['id'], 'name_includes' => 'nobody' ) );
		$this->assertArrayNotHasKey( $plain, $any );
		$this->assertSame( array(), $this->rows( array( CustomersReport::PARAM => "nobody-$run" ) ) );

		// The summary numbers above the table count the same customers.
		$stats = $this->report( 'customers/stats', array( CustomersReport::PARAM => "VIP-$run" ) );
		$this->assertSame( 1, (int) ( (array) $stats['totals'] )['customers_count'] );

		// A guest's row (an order without an account) has no tags.
		$guest = $this->place_order( "guest-$run@example.com" );
		$this->assertGreaterThan( 0, $guest );
		$this->wp_php( '\Automattic\WooCommerce\Admin\API\Reports\Customers\DataStore::get_or_create_customer_from_order( wc_get_order( ' . $guest . ' ) );' );
		$this->fresh();
		$with_guest = $this->rows( array( 'search' => $run, 'searchby' => 'all' ) );
		$this->assertArrayHasKey( "guest-$run@example.com", $with_guest );
		$this->assertSame( array(), $with_guest[ "guest-$run@example.com" ]['wck_tags'] );
		wp_delete_user( $vip_id );
		wp_delete_user( $plain_id );
	}

	public function test_the_column_script_is_enqueued_on_wc_admin_pages_only_with_the_tags_in_use(): void {
		if ( ! \WcKlaviyoSync\Admin\AdminPages::is_built( 'customers-report' ) ) {
			$this->markTestSkipped( 'plugin/build has no customers-report script (run npm run build).' );
		}
		$user_id = $this->customer( 'enqueue-' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com' );
		add_user_meta( $user_id, FlowActions::TAG_META, 'Gold </script>' );
		$handle = 'wc-klaviyo-sync-customers-report';
		wp_dequeue_script( $handle );
		( new CustomersReport() )->enqueue( 'index.php' );
		$this->assertFalse( wp_script_is( $handle, 'enqueued' ) );
		( new CustomersReport() )->enqueue( 'woocommerce_page_wc-admin' );
		$this->assertTrue( wp_script_is( $handle, 'enqueued' ) );
		$this->assertContains( 'wp-hooks', wp_scripts()->registered[ $handle ]->deps );
		$inline = implode( "\n", (array) wp_scripts()->get_data( $handle, 'before' ) );
		$this->assertStringContainsString( 'window.wcKlaviyoSyncTags', $inline );
		$this->assertStringContainsString( 'Gold <\/script>', $inline, 'the tag is JSON-escaped' );
		$this->assertContains( 'Gold </script>', CustomersReport::known_tags() );
		wp_dequeue_script( $handle );
		wp_delete_user( $user_id );
	}

	public function test_a_report_row_gets_its_accounts_tags_and_a_guest_row_none(): void {
		$user_id = $this->customer( 'row-' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com' );
		add_user_meta( $user_id, FlowActions::TAG_META, 'VIP' );
		add_user_meta( $user_id, FlowActions::TAG_META, 'Winback' );
		$request = new WP_REST_Request( 'GET', '/wc-analytics/reports/customers' );
		$row     = apply_filters( 'woocommerce_rest_prepare_report_customers', new WP_REST_Response( array( 'id' => 7, 'user_id' => $user_id ) ), array( 'user_id' => $user_id ), $request );
		$this->assertSame( array( 'VIP', 'Winback' ), $row->get_data()['wck_tags'] );
		$guest = apply_filters( 'woocommerce_rest_prepare_report_customers', new WP_REST_Response( array( 'id' => 8, 'user_id' => 0 ) ), array( 'user_id' => 0 ), $request );
		$this->assertSame( array(), $guest->get_data()['wck_tags'] );
		wp_delete_user( $user_id );
	}
}
