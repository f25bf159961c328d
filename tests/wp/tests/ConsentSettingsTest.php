<?php
/**
 * The consent checkbox settings through the plugin's REST routes (GET/POST /consent-settings): defaults,
 * round trip, refusals that change nothing, and the consent status route proxying the sidecar.
 */

use WcKlaviyoSync\Consent\ConsentSettings;

final class ConsentSettingsTest extends WckTestCase {

	protected function setUp(): void {
		parent::setUp();
		delete_option( ConsentSettings::OPTION );
		update_option( 'woocommerce_checkout_phone_field', 'optional' );
	}

	public function test_the_defaults_are_both_boxes_on_with_the_translatable_default_labels(): void {
		$response = $this->rest( 'GET', '/consent-settings' );
		$this->assertSame( 200, $response->get_status() );
		$data = $response->get_data();
		foreach ( array( 'email', 'sms' ) as $channel ) {
			$this->assertTrue( $data[ $channel ]['enabled'], $channel );
			$this->assertSame( '', $data[ $channel ]['label'], $channel );
			$this->assertSame( ConsentSettings::default_label( $channel ), $data[ $channel ]['defaultLabel'] );
			$this->assertSame( ConsentSettings::default_label( $channel ), $data[ $channel ]['shownLabel'] );
		}
		$this->assertStringContainsString( 'email', $data['email']['defaultLabel'] );
		$this->assertStringContainsString( 'SMS', $data['sms']['defaultLabel'] );
		$this->assertTrue( $data['checkoutAsksForPhone'] );
	}

	public function test_an_edited_label_and_a_switched_off_box_round_trip_and_change_what_the_checkout_offers(): void {
		$response = $this->rest(
			'POST',
			'/consent-settings',
			array(
				'email' => array( 'label' => '  Yes, <b>email</b> me the weekly deals  ' ),
				'sms'   => array( 'enabled' => false ),
			)
		);
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$again = $this->rest( 'GET', '/consent-settings' )->get_data();
		$this->assertSame( $response->get_data(), $again );
		$this->assertSame( 'Yes, email me the weekly deals', $again['email']['label'], 'plain text: tags stripped, trimmed' );
		$this->assertSame( 'Yes, email me the weekly deals', $again['email']['shownLabel'] );
		$this->assertTrue( $again['email']['enabled'], 'omitted: kept' );
		$this->assertFalse( $again['sms']['enabled'] );
		$this->assertSame( ConsentSettings::default_label( 'sms' ), $again['sms']['shownLabel'], 'omitted label: kept (the default)' );
		$settings = new ConsentSettings();
		$this->assertSame( 'Yes, email me the weekly deals', $settings->label( 'email' ) );
		$this->assertSame( array( 'email' ), $settings->checkout_channels() );

		$this->rest( 'POST', '/consent-settings', array( 'email' => array( 'label' => '' ), 'sms' => array( 'enabled' => true ) ) );
		$this->assertSame( ConsentSettings::default_label( 'email' ), ( new ConsentSettings() )->label( 'email' ), 'empty goes back to the default' );
		$this->assertSame( array( 'email', 'sms' ), ( new ConsentSettings() )->checkout_channels() );
	}

	public function test_without_a_phone_field_the_sms_box_is_not_offered_and_the_page_is_told(): void {
		update_option( 'woocommerce_checkout_phone_field', 'hidden' );
		$data = $this->rest( 'GET', '/consent-settings' )->get_data();
		$this->assertFalse( $data['checkoutAsksForPhone'] );
		$this->assertTrue( $data['sms']['enabled'] );
		$this->assertSame( array( 'email' ), ( new ConsentSettings() )->checkout_channels() );
	}

	/**
	 * @dataProvider bad_bodies
	 */
	public function test_bad_input_is_refused_with_the_field_named_and_nothing_saved( array $body, string $field ): void {
		$this->rest( 'POST', '/consent-settings', array( 'email' => array( 'label' => 'Kept label' ) ) );
		$response = $this->rest( 'POST', '/consent-settings', $body );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'wck_invalid_field', $response->as_error()->get_error_code() );
		$this->assertSame( $field, $response->as_error()->get_error_data()['field'] );
		$this->assertNotSame( '', $response->as_error()->get_error_message() );
		$this->assertSame( 'Kept label', ( new ConsentSettings() )->label( 'email' ) );
		$this->assertTrue( ( new ConsentSettings() )->enabled( 'sms' ) );
	}

	public static function bad_bodies(): array {
		return array(
			'label too long'        => array( array( 'email' => array( 'label' => str_repeat( 'a', 501 ) ) ), 'email.label' ),
			'label not text'        => array( array( 'sms' => array( 'label' => array( 'x' ) ) ), 'sms.label' ),
			'enabled not a boolean' => array( array( 'sms' => array( 'enabled' => 'no' ) ), 'sms.enabled' ),
			'channel not an object' => array( array( 'email' => 'on' ), 'email' ),
		);
	}

	public function test_the_consent_status_route_proxies_the_sidecar_for_that_address(): void {
		$this->configure();
		$seen   = array();
		$answer = array(
			'email'                   => 'ann+news@example.com',
			'klaviyo'                 => array(
				'email' => array( 'status' => 'SUBSCRIBED', 'at' => '2026-12-01T10:00:00Z' ),
				'sms'   => array( 'status' => 'NEVER_SUBSCRIBED', 'at' => null ),
			),
			'klaviyoError'            => null,
			'unsubscribedInKlaviyoAt' => null,
			'records'                 => array(),
		);
		$stub   = static function ( $pre, $args, $url ) use ( &$seen, $answer ) {
			if ( false === strpos( $url, '/consent' ) ) {
				return $pre;
			}
			$seen[] = array( $url, $args['headers']['Authorization'] ?? '' );
			return array(
				'headers'  => array(),
				'body'     => wp_json_encode( $answer ),
				'response' => array( 'code' => 200, 'message' => 'OK' ),
				'cookies'  => array(),
			);
		};
		add_filter( 'pre_http_request', $stub, 10, 3 );
		$response = $this->rest( 'GET', '/consent', null, array( 'email' => 'ann+news@example.com' ) );
		$bad      = $this->rest( 'GET', '/consent', null, array( 'email' => 'not an address' ) );
		remove_filter( 'pre_http_request', $stub, 10 );

		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$this->assertSame( $answer, $response->get_data(), 'the sidecar JSON, unchanged' );
		$this->assertCount( 1, $seen, 'the invalid address never reached the sidecar' );
		$this->assertSame( getenv( 'SIDECAR_URL' ) . '/v1/stores/' . $this->store_id() . '/consent?email=ann%2Bnews%40example.com', $seen[0][0] );
		$this->assertMatchesRegularExpression( '/^Bearer \S{16,}$/', $seen[0][1], 'with the saved credential, as every proxied route' );
		$this->assertSame( 400, $bad->get_status() );
		$this->assertSame( 'email', $bad->as_error()->get_error_data()['field'] );
	}

	public function test_the_consent_status_route_needs_a_saved_configuration(): void {
		$response = $this->rest( 'GET', '/consent', null, array( 'email' => 'ann@example.com' ) );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'wck_not_configured', $response->as_error()->get_error_code() );
	}
}
