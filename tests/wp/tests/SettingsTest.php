<?php
/**
 * Settings storage, secret encryption, validation and the sidecar error paths.
 */

use WcKlaviyoSync\WebhookOwnership;
use WcKlaviyoSync\Plugin;
use WcKlaviyoSync\Settings;

final class SettingsTest extends WckTestCase {

	public function test_secrets_are_encrypted_at_rest_and_never_returned(): void {
		$token = getenv( 'ADMIN_TOKEN' );
		$key   = 'pk_test_0123456789abcdef';
		$saved = $this->configure();

		$raw = get_option( Settings::OPTION );
		$this->assertIsArray( $raw );
		$this->assertStringNotContainsString( $token, wp_json_encode( $raw ) );
		$this->assertStringNotContainsString( $key, wp_json_encode( $raw ) );
		$this->assertStringNotContainsString( 'abcdef', (string) $raw['klaviyo_key'] );
		$this->assertSame( 'cdef', $raw['klaviyo_key_last4'] );
		$this->assertSame( $key, Plugin::instance()->settings()->klaviyo_key(), 'the key decrypts back' );
		$this->assertArrayNotHasKey( 'admin_token', $raw, 'the admin token is exchanged, not kept' );
		$credential = Plugin::instance()->settings()->credential();
		$this->assertMatchesRegularExpression( '/^wcks_/', $credential, 'the store credential decrypts back' );
		$this->assertStringNotContainsString( $credential, wp_json_encode( $raw ) );

		$get = $this->rest( 'GET', '/settings' );
		$this->assertSame( 200, $get->get_status() );
		foreach ( array( $saved, $get->get_data() ) as $shown ) {
			$json = (string) wp_json_encode( $shown );
			$this->assertStringNotContainsString( $token, $json );
			$this->assertStringNotContainsString( $credential, $json );
			$this->assertStringNotContainsString( $key, $json );
			$this->assertStringNotContainsString( (string) get_option( Settings::SECRET_OPTION ), $json, 'the webhook secret never goes to the browser' );
		}
		$data = $get->get_data();
		$this->assertSame( getenv( 'SIDECAR_URL' ), $data['sidecarUrl'] );
		$this->assertTrue( $data['connected'] );
		$this->assertSame( 'cdef', $data['klaviyoKeyLast4'] );
		$this->assertSame( 'L00001', $data['listId'] );
		$this->assertTrue( $data['configured'] );
		$this->assertMatchesRegularExpression( '/^wp-[a-z0-9]{12}$/', $data['storeId'] );
		$this->assertSame( 'valid', $saved['key']['status'] );

		// The sidecar checked the key with Klaviyo (the double), with the real key.
		$state = $this->double( 'GET', '/__double/state' );
		$this->assertGreaterThanOrEqual( 1, $state['requests']['GET /api/accounts 200'] ?? 0, wp_json_encode( $state['requests'] ) );
		$this->assertSame( array(), $state['invalid'] );
	}

	public function test_resave_without_secrets_keeps_them_and_the_store_id(): void {
		$first = $this->configure();
		$again = $this->rest( 'POST', '/settings', array( 'sidecarUrl' => getenv( 'SIDECAR_URL' ), 'listId' => 'L00002' ) );
		$this->assertSame( 200, $again->get_status(), wp_json_encode( $again->get_data() ) );
		$this->assertSame( $first['storeId'], $again->get_data()['storeId'] );
		$this->assertSame( 'L00002', $again->get_data()['listId'] );
		$this->assertSame( 'pk_test_0123456789abcdef', Plugin::instance()->settings()->klaviyo_key() );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9]{48}$/', (string) get_option( Settings::SECRET_OPTION ) );
	}

	public function test_tampered_ciphertext_reads_as_unset(): void {
		$this->configure();
		$raw                = get_option( Settings::OPTION );
		$raw['credential'] = substr( $raw['credential'], 0, -4 ) . 'AAAA';
		update_option( Settings::OPTION, $raw );
		$this->fresh();
		$this->assertSame( '', Plugin::instance()->settings()->credential() );
		$this->assertFalse( $this->rest( 'GET', '/settings' )->get_data()['connected'] );
	}

	/**
	 * @dataProvider invalid_fields
	 */
	public function test_invalid_fields_are_refused_with_the_field_named( array $override, string $field ): void {
		$response = $this->rest( 'POST', '/settings', $this->valid_settings( $override ) );
		$this->assertSame( 400, $response->get_status() );
		$error = $response->as_error();
		$this->assertSame( 'wck_invalid_field', $error->get_error_code() );
		$this->assertSame( $field, $error->get_error_data()['field'] );
		$this->assertNotSame( '', $error->get_error_message() );
		$this->assertSame( array(), $this->all_webhook_ids(), 'no webhook is made from bad input' );
		$this->assertSame( '', Plugin::instance()->settings()->klaviyo_key() );
	}

	public static function invalid_fields(): array {
		return array(
			'ftp sidecar'      => array( array( 'sidecarUrl' => 'ftp://127.0.0.1:8787' ), 'sidecarUrl' ),
			'no scheme'        => array( array( 'sidecarUrl' => '127.0.0.1:8787' ), 'sidecarUrl' ),
			'javascript'       => array( array( 'sidecarUrl' => 'javascript:alert(1)' ), 'sidecarUrl' ),
			'public key'       => array( array( 'klaviyoPrivateKey' => 'AbC123' ), 'klaviyoPrivateKey' ),
			'key with space'   => array( array( 'klaviyoPrivateKey' => 'pk_abc def' ), 'klaviyoPrivateKey' ),
			'list id'          => array( array( 'listId' => 'not a list!' ), 'listId' ),
			'no code, no token' => array( array( 'adminToken' => '' ), 'connectionCode' ),
			'malformed code'   => array( array( 'connectionCode' => 'wckc_nope' ), 'connectionCode' ),
			'wrong token'      => array( array( 'adminToken' => 'not-the-admin-token-at-all' ), 'adminToken' ),
		);
	}

	public function test_unreachable_sidecar_gives_502_in_plain_words(): void {
		$response = $this->rest( 'POST', '/settings', $this->valid_settings( array( 'sidecarUrl' => 'http://127.0.0.1:1' ) ) );
		$this->assertSame( 502, $response->get_status() );
		$error = $response->as_error();
		$this->assertSame( 'wck_sidecar_unreachable', $error->get_error_code() );
		$this->assertStringContainsString( 'could not reach the sync service at http://127.0.0.1:1', $error->get_error_message() );
		$this->assertSame( array(), $this->all_webhook_ids() );
	}

	public function test_invalid_key_gives_409_and_no_webhooks(): void {
		$response = $this->rest( 'POST', '/settings', $this->valid_settings( array( 'klaviyoPrivateKey' => 'pk_bad_0123456789' ) ) );
		$this->assertSame( 409, $response->get_status() );
		$this->assertSame( 'wck_klaviyo_key_invalid', $response->as_error()->get_error_code() );
		$this->assertSame( array(), $this->all_webhook_ids() );
		$this->assertFalse( get_option( 'wc_klaviyo_sync_webhooks' ) );
		$this->assertSame( '', Plugin::instance()->settings()->klaviyo_key(), 'the rejected key is not saved' );
		$state = $this->double( 'GET', '/__double/state' );
		$this->assertGreaterThanOrEqual( 1, $state['requests']['GET /api/accounts 401'] ?? 0, 'Klaviyo was asked and said no' );
	}

	public function test_invalid_key_on_a_configured_store_changes_no_webhook(): void {
		$this->configure();
		$before = array_map( static fn( $w ) => array( $w->get_id(), $w->get_delivery_url(), $w->get_secret(), $w->get_status() ), $this->our_webhooks() );
		$response = $this->rest( 'POST', '/settings', $this->valid_settings( array( 'klaviyoPrivateKey' => 'pk_bad_0123456789' ) ) );
		$this->assertSame( 409, $response->get_status() );
		$after = array_map( static fn( $w ) => array( $w->get_id(), $w->get_delivery_url(), $w->get_secret(), $w->get_status() ), $this->our_webhooks() );
		$this->assertSame( $before, $after );
		$this->assertSame( 'pk_test_0123456789abcdef', Plugin::instance()->settings()->klaviyo_key(), 'the saved key stays' );
	}

	public function test_test_connection_reports_sidecar_and_key_without_saving(): void {
		$ok = $this->rest( 'POST', '/test-connection', $this->valid_settings() );
		$this->assertSame( 200, $ok->get_status() );
		$this->assertTrue( $ok->get_data()['sidecar']['ok'] );
		$this->assertTrue( $ok->get_data()['klaviyo']['ok'] );
		$this->assertSame( 'valid', $ok->get_data()['klaviyo']['status'] );
		$this->assertSame( '', Plugin::instance()->settings()->klaviyo_key(), 'nothing saved' );

		$bad = $this->rest( 'POST', '/test-connection', $this->valid_settings( array( 'klaviyoPrivateKey' => 'pk_bad_0123456789' ) ) );
		$this->assertSame( 200, $bad->get_status() );
		$this->assertTrue( $bad->get_data()['sidecar']['ok'] );
		$this->assertSame( 'invalid', $bad->get_data()['klaviyo']['status'] );

		$malformed = $this->rest( 'POST', '/test-connection', $this->valid_settings( array( 'klaviyoPrivateKey' => 'AbC123' ) ) );
		$this->assertTrue( $malformed->get_data()['sidecar']['ok'], 'the sidecar is still checked' );
		$this->assertSame( 'invalid', $malformed->get_data()['klaviyo']['status'] );
		$this->assertStringContainsString( 'pk_', $malformed->get_data()['klaviyo']['message'] );

		$down = $this->rest( 'POST', '/test-connection', $this->valid_settings( array( 'sidecarUrl' => 'http://127.0.0.1:1' ) ) );
		$this->assertSame( 200, $down->get_status() );
		$this->assertFalse( $down->get_data()['sidecar']['ok'] );
		$this->assertStringContainsString( 'could not reach', $down->get_data()['sidecar']['message'] );
	}

	public function test_test_connection_reports_each_failure_on_the_part_to_blame(): void {
		$unchecked = __( 'Not checked: the sync service must be reachable first.', 'wc-klaviyo-sync' );
		$refused   = 'refused the admin token';

		$valid = $this->rest( 'POST', '/test-connection', $this->valid_settings() )->get_data();
		$this->assertSame( 'Test Shop', $valid['klaviyo']['account'], 'the Klaviyo account name is passed on' );
		$this->assertSame( 'The sync service is reachable and accepts the admin token.', $valid['sidecar']['message'] );
		$this->assertSame( 'Klaviyo accepted the private API key.', $valid['klaviyo']['message'] );

		// No key given and none saved: the sidecar is still checked, the key is not.
		$body = $this->valid_settings();
		unset( $body['klaviyoPrivateKey'] );
		$nokey = $this->rest( 'POST', '/test-connection', $body );
		$this->assertSame( 200, $nokey->get_status() );
		$this->assertTrue( $nokey->get_data()['sidecar']['ok'] );
		$this->assertFalse( $nokey->get_data()['klaviyo']['ok'] );
		$this->assertSame( 'unchecked', $nokey->get_data()['klaviyo']['status'] );
		$this->assertStringContainsString( 'Enter your Klaviyo private API key', $nokey->get_data()['klaviyo']['message'] );

		// A bad sidecar address: the field's message, the key left unchecked.
		$badurl = $this->rest( 'POST', '/test-connection', $this->valid_settings( array( 'sidecarUrl' => 'ftp://127.0.0.1:8787' ) ) )->get_data();
		$this->assertFalse( $badurl['sidecar']['ok'] );
		$this->assertStringContainsString( 'must be an http:// or https:// address', $badurl['sidecar']['message'] );
		$this->assertSame( array( 'ok' => false, 'status' => 'unchecked', 'message' => $unchecked ), $badurl['klaviyo'] );

		// A wrong admin token with a well-formed key: the sidecar refuses it, the key is not checked.
		$badtoken = $this->rest( 'POST', '/test-connection', $this->valid_settings( array( 'adminToken' => 'not-the-admin-token-at-all' ) ) )->get_data();
		$this->assertFalse( $badtoken['sidecar']['ok'] );
		$this->assertStringContainsString( $refused, $badtoken['sidecar']['message'] );
		$this->assertSame( array( 'ok' => false, 'status' => 'unchecked', 'message' => $unchecked ), $badtoken['klaviyo'] );

		// A malformed key with a wrong admin token: both are reported.
		$both = $this->rest( 'POST', '/test-connection', $this->valid_settings( array( 'adminToken' => 'not-the-admin-token-at-all', 'klaviyoPrivateKey' => 'AbC123' ) ) )->get_data();
		$this->assertFalse( $both['sidecar']['ok'] );
		$this->assertStringContainsString( $refused, $both['sidecar']['message'] );
		$this->assertSame( 'invalid', $both['klaviyo']['status'] );

		// A malformed key with an unreachable sidecar.
		$down = $this->rest( 'POST', '/test-connection', $this->valid_settings( array( 'sidecarUrl' => 'http://127.0.0.1:1', 'klaviyoPrivateKey' => 'AbC123' ) ) )->get_data();
		$this->assertFalse( $down['sidecar']['ok'] );
		$this->assertStringContainsString( 'could not reach the sync service at http://127.0.0.1:1', $down['sidecar']['message'] );
		$this->assertSame( 'invalid', $down['klaviyo']['status'] );
		$this->assertSame( '', Plugin::instance()->settings()->klaviyo_key(), 'nothing saved' );
		$this->assertSame( array(), $this->all_webhook_ids() );
	}

	public function test_proxied_routes_use_the_saved_configuration(): void {
		$this->assertSame( 400, $this->rest( 'GET', '/lists' )->get_status(), 'not configured yet' );
		$this->configure();
		$lists = $this->rest( 'GET', '/lists' );
		$this->assertSame( 200, $lists->get_status(), wp_json_encode( $lists->get_data() ) );
		$this->assertCount( 23, $lists->get_data()['lists'], 'every page of lists followed' );
		$this->assertSame( 'L00001', $lists->get_data()['lists'][0]['id'] );

		$status = $this->rest( 'GET', '/status' );
		$this->assertSame( 200, $status->get_status() );
		$this->assertSame( $this->store_id(), $status->get_data()['sidecar']['storeId'] );
		$this->assertNull( $status->get_data()['sidecarError'] );
		$this->assertCount( count( WebhookOwnership::TOPICS ), $status->get_data()['webhooks'] );

		$deliveries = $this->rest( 'GET', '/deliveries', null, array( 'limit' => 5 ) );
		$this->assertSame( 200, $deliveries->get_status() );
		$this->assertArrayHasKey( 'items', $deliveries->get_data() );
		$missing = $this->rest( 'GET', '/deliveries/999999' );
		$this->assertSame( 404, $missing->get_status() );
		$this->assertSame( 'wck_sidecar_unknown_delivery', $missing->as_error()->get_error_code() );
		$replay = $this->rest( 'POST', '/replay' );
		$this->assertSame( 200, $replay->get_status(), wp_json_encode( $replay->get_data() ) );
		$this->assertSame( 0, $replay->get_data()['replayed'] );
	}

	public function test_status_reports_an_unreachable_sidecar(): void {
		$this->configure();
		$raw                = get_option( Settings::OPTION );
		$raw['sidecar_url'] = 'http://127.0.0.1:1';
		update_option( Settings::OPTION, $raw );
		$this->fresh();
		$status = $this->rest( 'GET', '/status' );
		$this->assertSame( 200, $status->get_status() );
		$this->assertNull( $status->get_data()['sidecar'] );
		$this->assertStringContainsString( 'could not reach the sync service', $status->get_data()['sidecarError'] );
		$lists = $this->rest( 'GET', '/lists' );
		$this->assertSame( 502, $lists->get_status() );
		$this->assertSame( 'wck_sidecar_unreachable', $lists->as_error()->get_error_code() );
	}
}
