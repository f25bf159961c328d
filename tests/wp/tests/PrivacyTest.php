<?php
/**
 * The "Klaviyo sync" eraser and exporter, run through WordPress's own privacy tools: a user request
 * (wp_create_user_request) processed by the AJAX handlers Tools → Export / Erase Personal Data call
 * (wp_ajax_wp_privacy_export_personal_data, wp_ajax_wp_privacy_erase_personal_data), with their nonces.
 */

use WcKlaviyoSync\Privacy\PersonalData;

final class PrivacyTest extends WckTestCase {

	/** Runs a core privacy AJAX handler as the admin and returns its JSON answer. */
	private function ajax( string $handler, string $action, string $email, string $registry ): array {
		wp_set_current_user( 1 );
		$request_id = wp_create_user_request( $email, $action, array(), 'confirmed' );
		$this->assertNotWPError( $request_id );
		$keys  = array_keys( apply_filters( $registry, array() ) );
		$index = array_search( PersonalData::KEY, $keys, true );
		$this->assertNotFalse( $index, "Klaviyo sync is registered with $registry" );
		$nonce  = 'export_personal_data' === $action ? 'wp-privacy-export-personal-data-' : 'wp-privacy-erase-personal-data-';
		$_POST  = array(
			'id'       => (string) $request_id,
			'page'     => '1',
			'security' => wp_create_nonce( $nonce . $request_id ),
			( 'export_personal_data' === $action ? 'exporter' : 'eraser' ) => (string) ( $index + 1 ),
		);
		$_REQUEST = $_POST;
		add_filter( 'wp_doing_ajax', '__return_true' );
		$die = static function () {
			return static function () {
				throw new RuntimeException( 'wp_die' );
			};
		};
		add_filter( 'wp_die_ajax_handler', $die );
		ob_start();
		try {
			$handler();
		} catch ( RuntimeException $e ) {
			$this->assertSame( 'wp_die', $e->getMessage() );
		} finally {
			$out = (string) ob_get_clean();
			remove_filter( 'wp_doing_ajax', '__return_true' );
			remove_filter( 'wp_die_ajax_handler', $die );
			$_POST    = array();
			$_REQUEST = array();
			_wp_privacy_completed_request( $request_id );
		}
		$json = json_decode( $out, true );
		$this->assertIsArray( $json, "the handler answered JSON: $out" );
		$this->assertTrue( $json['success'], 'the handler succeeded: ' . $out );
		return $json['data'];
	}

	private function export( string $email ): array {
		require_once ABSPATH . 'wp-admin/includes/ajax-actions.php';
		require_once ABSPATH . 'wp-admin/includes/privacy-tools.php';
		return $this->ajax( 'wp_ajax_wp_privacy_export_personal_data', 'export_personal_data', $email, 'wp_privacy_personal_data_exporters' );
	}

	private function erase( string $email ): array {
		require_once ABSPATH . 'wp-admin/includes/ajax-actions.php';
		require_once ABSPATH . 'wp-admin/includes/privacy-tools.php';
		return $this->ajax( 'wp_ajax_wp_privacy_erase_personal_data', 'remove_personal_data', $email, 'wp_privacy_personal_data_erasers' );
	}

	public function test_export_then_erase_through_the_privacy_tools_reaches_the_sidecar_and_klaviyo(): void {
		$this->configure();
		$email = strtolower( 'forget.me.' . wp_generate_password( 6, false ) . '@example.com' );
		$id    = $this->place_order( $email );
		$this->wait_for_delivery( static fn( array $d ): bool => 'order' === $d['resource'] && $id === $d['resourceId'] && 'succeeded' === $d['status'] );

		$exported = $this->export( strtoupper( $email ) );
		$this->assertTrue( $exported['done'] );
		$items = array_values( array_filter( $exported['data'], static fn( array $i ): bool => PersonalData::KEY === $i['group_id'] ) );
		$this->assertNotEmpty( $items, 'the export lists what the sidecar holds' );
		// Real WooCommerce delivers an order more than once (created, then updated); the one that sent is listed with what it sent.
		$rows = array_map( static fn( array $i ): array => array_column( $i['data'], 'value', 'name' ), $items );
		$sent = array_values( array_filter( $rows, static fn( array $f ): bool => 'succeeded' === $f['Status'] ) );
		$this->assertNotEmpty( $sent, wp_json_encode( $rows ) );
		$this->assertSame( (string) $id, $sent[0]['Order'] );
		$this->assertSame( $email, $sent[0]['Email'] );
		$this->assertStringContainsString( 'event Placed Order: done', $sent[0]['Sent to Klaviyo'] );

		$erased = $this->erase( $email );
		$this->assertTrue( $erased['items_removed'] );
		$this->assertFalse( $erased['items_retained'] );
		$this->assertTrue( $erased['done'] );
		$this->assertStringContainsString( 'asked Klaviyo to delete the profile', implode( ' ', $erased['messages'] ) );

		// The sidecar's worker sends the deletion; the double then holds no event of the person.
		$deadline = microtime( true ) + 15;
		do {
			$state     = $this->double( 'GET', '/__double/state' );
			$deletions = array_filter( $state['deletions'] ?? array(), static fn( array $d ): bool => ( $d['identifier']['email'] ?? '' ) === $email );
			if ( $deletions ) {
				break;
			}
			usleep( 200000 );
		} while ( microtime( true ) < $deadline );
		$this->assertNotEmpty( $deletions, 'Klaviyo (the double) received the data-privacy-deletion-job' );
		$this->assertSame( array(), array_filter( $state['events'], static fn( array $e ): bool => strtolower( (string) ( $e['profile']['email'] ?? '' ) ) === $email ) );
		$log = $this->sidecar_get( '/v1/stores/' . rawurlencode( $this->store_id() ) . '/deliveries?q=' . rawurlencode( $email ) );
		$this->assertSame( array(), $log['items'], 'the sync log no longer names the person' );
		$again = $this->export( $email );
		$this->assertSame( array(), array_values( array_filter( $again['data'], static fn( array $i ): bool => PersonalData::KEY === $i['group_id'] ) ) );
	}

	public function test_not_set_up_erases_and_exports_nothing_without_an_error(): void {
		$this->fresh();
		$erased = $this->erase( 'nobody@example.com' );
		$this->assertFalse( $erased['items_removed'] );
		$this->assertFalse( $erased['items_retained'] );
		$this->assertSame( array(), $erased['messages'] );
	}
}
