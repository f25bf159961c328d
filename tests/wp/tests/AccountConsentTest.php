<?php
/**
 * My Account consent on the real WooCommerce 10.0.2 (WC=real): the registration form's unticked box, the
 * "Marketing preferences" section of Account details, the records in the user meta _wck_consent that the
 * customer's REST payload (the webhook body) carries in meta_data, and the customer.updated delivery a change
 * triggers even when only that meta changed.
 */

use WcKlaviyoSync\Consent\AccountConsent;
use WcKlaviyoSync\Consent\ConsentRecorder;
use WcKlaviyoSync\Consent\ConsentSettings;

final class AccountConsentTest extends WckTestCase {

	protected function setUp(): void {
		parent::setUp();
		if ( self::is_standin() || ! class_exists( 'WC_Customer' ) ) {
			$this->markTestSkipped( 'needs the real WooCommerce (WC=real): the stand-in has no My Account' );
		}
		delete_option( ConsentSettings::OPTION );
		update_option( 'woocommerce_checkout_phone_field', 'optional' );
		$this->clear_post();
	}

	protected function tearDown(): void {
		$this->clear_post();
		wp_set_current_user( 1 );
		parent::tearDown();
	}

	private function clear_post(): void {
		foreach ( array_keys( $_POST ) as $key ) {
			unset( $_POST[ $key ] );
		}
	}

	/** The consent records in the customer's REST v3 payload, as an administrator's webhook builds it. */
	private static function payload_records( int $user_id ): array {
		wp_set_current_user( 1 );
		$data = rest_do_request( new WP_REST_Request( 'GET', "/wc/v3/customers/$user_id" ) )->get_data();
		foreach ( $data['meta_data'] ?? array() as $meta ) {
			$meta = is_array( $meta ) ? $meta : $meta->get_data();
			if ( ConsentRecorder::META_KEY === $meta['key'] ) {
				return json_decode( $meta['value'], true );
			}
		}
		return array();
	}

	public function test_the_registration_form_shows_an_unticked_email_box_and_records_a_ticked_one(): void {
		ob_start();
		do_action( 'woocommerce_register_form' );
		$html = (string) ob_get_clean();
		$this->assertStringContainsString( 'name="wck_consent_register_email"', $html );
		$this->assertStringNotContainsString( 'checked', $html, 'never pre-ticked' );
		$this->assertStringContainsString( esc_html( ( new ConsentSettings() )->label( 'email' ) ), $html );

		$_POST['woocommerce-register-nonce']    = wp_create_nonce( 'woocommerce-register' );
		$_POST['wck_consent_register_email']    = '1';
		$id                                     = wc_create_new_customer( 'reg-' . wp_generate_password( 6, false, false ) . '@example.com', '', 'Pass-' . wp_generate_password( 12, false ) );
		$this->assertIsInt( $id );
		$records = self::payload_records( $id );
		$this->assertCount( 1, $records, wp_json_encode( $records ) );
		$this->assertSame( array( 'email', 'granted', 'registration', $id ), array( $records[0]['channel'], $records[0]['status'], $records[0]['source'], $records[0]['user_id'] ) );
		$this->assertSame( ( new ConsentSettings() )->label( 'email' ), $records[0]['label'] );
		$this->assertMatchesRegularExpression( '/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/', $records[0]['at'] );
	}

	public function test_registration_without_the_box_and_checkout_account_creation_record_nothing(): void {
		$_POST['woocommerce-register-nonce'] = wp_create_nonce( 'woocommerce-register' );
		$plain                               = wc_create_new_customer( 'reg-none-' . wp_generate_password( 6, false, false ) . '@example.com', '', 'Pass-' . wp_generate_password( 12, false ) );
		$this->clear_post();
		$_POST['wck_consent_register_email'] = '1';
		$checkout                            = wc_create_new_customer( 'reg-co-' . wp_generate_password( 6, false, false ) . '@example.com', '', 'Pass-' . wp_generate_password( 12, false ) );
		$this->assertSame( array(), self::payload_records( $plain ) );
		$this->assertSame( array(), self::payload_records( $checkout ), 'not from the registration form (no register nonce): nothing' );
	}

	public function test_account_details_opt_in_then_opt_out_records_a_grant_then_a_withdrawal(): void {
		$user = $this->make_user( 'customer' );
		wp_set_current_user( $user );
		ob_start();
		do_action( 'woocommerce_edit_account_form' );
		$html = (string) ob_get_clean();
		$this->assertStringContainsString( 'Marketing preferences', $html );
		$this->assertStringContainsString( 'name="wck_consent_account_email"', $html );
		$this->assertStringContainsString( 'name="wck_consent_account_sms"', $html );
		$this->assertStringNotContainsString( 'checked', $html, 'nothing ticked before any consent' );

		$_POST[ AccountConsent::ACCOUNT_MARKER ] = '1';
		$_POST['wck_consent_account_email']      = '1';
		do_action( 'woocommerce_save_account_details', $user );
		do_action( 'woocommerce_save_account_details', $user );
		wp_set_current_user( $user );
		ob_start();
		do_action( 'woocommerce_edit_account_form' );
		$ticked = (string) ob_get_clean();
		$this->assertMatchesRegularExpression( '/name="wck_consent_account_email"[^>]*checked/', $ticked, 'shown as opted in' );

		unset( $_POST['wck_consent_account_email'] );
		sleep( 1 );
		do_action( 'woocommerce_save_account_details', $user );
		$records = self::payload_records( $user );
		$this->assertCount( 2, $records, 'saving again unchanged adds nothing: ' . wp_json_encode( $records ) );
		$this->assertSame( array( 'email', 'granted', 'account_page', $user ), array( $records[0]['channel'], $records[0]['status'], $records[0]['source'], $records[0]['user_id'] ) );
		$this->assertSame( array( 'email', 'withdrawn', 'account_page', $user ), array( $records[1]['channel'], $records[1]['status'], $records[1]['source'], $records[1]['user_id'] ) );
		$this->assertGreaterThan( $records[0]['at'], $records[1]['at'] );
		$this->assertSame( array( 'email' => 'withdrawn' ), AccountConsent::current( $records ) );
	}

	public function test_saving_account_details_of_another_user_or_without_the_section_records_nothing(): void {
		$user  = $this->make_user( 'customer' );
		$other = $this->make_user( 'customer' );
		wp_set_current_user( $user );
		$_POST['wck_consent_account_email'] = '1';
		do_action( 'woocommerce_save_account_details', $user );
		$_POST[ AccountConsent::ACCOUNT_MARKER ] = '1';
		do_action( 'woocommerce_save_account_details', $other );
		$this->assertSame( array(), self::payload_records( $user ), 'the section was not in the form' );
		$this->assertSame( array(), self::payload_records( $other ), 'not the logged-in customer' );
	}

	public function test_an_opt_in_that_changes_only_meta_sends_a_customer_updated_delivery_carrying_the_record(): void {
		$this->configure();
		$email = 'acct-' . wp_generate_password( 6, false, false ) . '@example.com';
		$id    = $this->create_customer( $email );
		$this->wait_for_delivery( static fn( $d ) => 'customer.created' === ( $d['topic'] ?? '' ) );
		$this->run_action_scheduler();
		sleep( 1 );
		$before = array_map( static fn( $d ) => $d['id'], $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/deliveries?limit=100' )['items'] ?? array() );
		// A new request (webhooks load at init) in which only the consent changes: the section is saved.
		$this->wp_php( 'wp_set_current_user( ' . $id . ' ); $_POST["' . AccountConsent::ACCOUNT_MARKER . '"] = "1"; $_POST["wck_consent_account_email"] = "1"; do_action( "woocommerce_save_account_details", ' . $id . ' );' );
		$this->run_action_scheduler();
		$delivery = $this->wait_for_delivery(
			static fn( $d ) => 'customer.updated' === ( $d['topic'] ?? '' ) && ! in_array( $d['id'], $before, true ),
			30.0
		);
		$detail = $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/deliveries/' . rawurlencode( (string) $delivery['id'] ) );
		$json   = (string) wp_json_encode( $detail );
		$this->assertStringContainsString( ConsentRecorder::META_KEY, $json, 'the body carries the record in meta_data' );
		$this->assertStringContainsString( 'account_page', $json );
	}
}
