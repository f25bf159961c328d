<?php
/**
 * Connecting with a pasted connection code, each refused code's message, the admin token pasted once (exchanged,
 * never stored), the upgrade from a stored admin token, and rotating the store credential. Every sidecar call
 * after connecting carries the store credential; the database holds no admin token.
 */

use WcKlaviyoSync\Connector;
use WcKlaviyoSync\Crypto;
use WcKlaviyoSync\CredentialMigration;
use WcKlaviyoSync\Plugin;
use WcKlaviyoSync\Settings;

final class ConnectTest extends WckTestCase {

	/** Authorization headers of the HTTP requests WordPress sent to the sidecar while recording. */
	private array $sent = array();

	/** A pre_http_request filter a test added. */
	private ?Closure $playback = null;

	protected function setUp(): void {
		parent::setUp();
		$this->sent = array();
		add_filter( 'http_request_args', array( $this, 'record' ), 10, 2 );
	}

	protected function tearDown(): void {
		remove_filter( 'http_request_args', array( $this, 'record' ), 10 );
		if ( null !== $this->playback ) {
			remove_filter( 'pre_http_request', $this->playback, 10 );
		}
		parent::tearDown();
	}

	public function record( array $args, string $url ): array {
		if ( 0 === strpos( $url, (string) getenv( 'SIDECAR_URL' ) ) ) {
			$this->sent[] = array( $url, (string) ( $args['headers']['Authorization'] ?? '' ) );
		}
		return $args;
	}

	private function unique_store( string $prefix ): string {
		return $prefix . '-' . strtolower( wp_generate_password( 8, false, false ) );
	}

	private function credential(): string {
		$this->fresh();
		return Plugin::instance()->settings()->credential();
	}

	/** The settings as stored, fresh from the database. */
	private function raw(): array {
		$this->fresh();
		return (array) get_option( Settings::OPTION, array() );
	}

	/** A code with one field of its claim replaced. */
	private static function altered( string $code, string $field, string $value ): string {
		$b64           = strtr( substr( $code, 5 ), '-_', '+/' );
		$claim         = json_decode( base64_decode( $b64 . str_repeat( '=', ( 4 - strlen( $b64 ) % 4 ) % 4 ) ), true );
		$claim[ $field ] = $value;
		return 'wckc_' . rtrim( strtr( base64_encode( (string) wp_json_encode( $claim, JSON_UNESCAPED_SLASHES ) ), '+/', '-_' ), '=' );
	}

	public function test_a_pasted_code_connects_and_every_call_after_carries_the_store_credential(): void {
		$store = $this->unique_store( 'code' );
		$saved = $this->connect_with_code( $store );

		$this->assertSame( $store, $saved['storeId'] );
		$this->assertTrue( $saved['connected'] );
		$this->assertTrue( $saved['configured'] );
		$this->assertSame( getenv( 'SIDECAR_URL' ), $saved['sidecarUrl'], 'the address the code carries is saved' );
		$this->assertSame( 'valid', $saved['key']['status'] );

		$credential = $this->credential();
		$this->assertMatchesRegularExpression( '/^wcks_[A-Za-z0-9_-]{20,}$/', $credential );
		$raw = $this->raw();
		$this->assertArrayNotHasKey( 'admin_token', $raw );
		$this->assertStringNotContainsString( $credential, (string) wp_json_encode( $raw ), 'the credential is sealed at rest' );
		$this->assertSame( 0, $this->options_holding( (string) getenv( 'ADMIN_TOKEN' ) ), 'no option holds the admin token' );
		$this->assertSame( 0, $this->options_holding( $credential ), 'no option holds the credential in clear' );

		// The webhooks deliver to the code's store.
		foreach ( $this->our_webhooks() as $webhook ) {
			$this->assertSame( getenv( 'SIDECAR_URL' ) . '/v1/stores/' . $store . '/webhooks/woocommerce', $webhook->get_delivery_url() );
		}

		// What the browser sees never holds a secret.
		$this->sent = array();
		$view       = $this->rest( 'GET', '/settings' )->get_data();
		$status     = $this->rest( 'GET', '/status' );
		$this->assertSame( 200, $status->get_status() );
		$this->assertSame( $store, $status->get_data()['sidecar']['storeId'] );
		$this->assertSame( 200, $this->rest( 'GET', '/deliveries' )->get_status() );
		foreach ( array( $saved, $view, $status->get_data() ) as $shown ) {
			$json = (string) wp_json_encode( $shown );
			$this->assertStringNotContainsString( $credential, $json );
			$this->assertStringNotContainsString( (string) getenv( 'ADMIN_TOKEN' ), $json );
		}
		$this->assertNotEmpty( $this->sent );
		foreach ( $this->sent as [ $url, $auth ] ) {
			$this->assertSame( 'Bearer ' . $credential, $auth, "$url carries the store credential" );
		}

		// The sidecar holds the store with its credential, and that credential opens only it.
		[ $code, ] = $this->sidecar_call( 'GET', '/v1/stores/' . $store . '/status', null, $credential );
		$this->assertSame( 200, $code );
		[ $other, ] = $this->sidecar_call( 'GET', '/v1/stores', null, $credential );
		$this->assertSame( 401, $other, 'the store credential does not open the admin routes' );
	}

	/** @return array<string, array{0: string, 1: string}> */
	private function refusal_cases( string $store ): array {
		// A code used already: redeemed once by someone else (for another store: redeeming one for $store would
		// replace this site's credential, as it should).
		$used = $this->connect_code( $this->unique_store( 'used' ) );
		[ $redeemed, ] = $this->sidecar_call( 'POST', '/v1/connect', array( 'code' => $used ), '' );
		$this->assertSame( 200, $redeemed );

		// A code for a store that was removed after the code was made.
		$gone = $this->unique_store( 'gone' );
		[ $first, ] = $this->sidecar_call( 'POST', '/v1/connect', array( 'code' => $this->connect_code( $gone ) ), '' );
		$this->assertSame( 200, $first );
		$removed = $this->connect_code( $gone );
		[ $deleted, ] = $this->sidecar_call( 'DELETE', '/v1/stores/' . $gone );
		$this->assertSame( 200, $deleted );

		$fresh = $this->connect_code( $store );
		return array(
			'malformed'       => array( 'wckc_!!not-a-code', 'wck_invalid_field' ),
			'without prefix'  => array( substr( $fresh, 5 ), 'wck_invalid_field' ),
			'used'            => array( $used, 'wck_connect_code_used' ),
			'unknown'         => array( self::altered( $fresh, 'k', str_repeat( 'x', 32 ) ), 'wck_connect_code_unknown' ),
			'other sidecar'   => array( self::altered( $fresh, 'i', 'another-sidecar-0123' ), 'wck_connect_code_other_sidecar' ),
			'store removed'   => array( $removed, 'wck_connect_code_store_removed' ),
		);
	}

	public function test_each_refused_code_gets_its_plain_words_message_and_nothing_configured_is_lost(): void {
		$store = $this->unique_store( 'keep' );
		$this->connect_with_code( $store );
		$before      = $this->raw();
		$credential  = $this->credential();
		$hooks       = array_map( static fn( $w ) => array( $w->get_id(), $w->get_delivery_url(), $w->get_status() ), $this->our_webhooks() );
		$expected    = array(
			'wck_invalid_field'              => array( 400, Connector::code_message( 'connect_code_malformed' ), 'not a connection code' ),
			'wck_connect_code_used'          => array( 409, Connector::code_message( 'connect_code_used' ), 'already used' ),
			'wck_connect_code_unknown'       => array( 404, Connector::code_message( 'connect_code_unknown' ), 'does not know this connection code' ),
			'wck_connect_code_other_sidecar' => array( 400, Connector::code_message( 'connect_code_other_sidecar' ), 'different sync service' ),
			'wck_connect_code_store_removed' => array( 410, Connector::code_message( 'connect_code_store_removed' ), 'was removed' ),
		);
		foreach ( $this->refusal_cases( $store ) as $name => [ $code, $error_code ] ) {
			$response = $this->rest( 'POST', '/settings', array( 'connectionCode' => $code, 'klaviyoPrivateKey' => 'pk_test_other_key_999' ) );
			$error    = $response->as_error();
			$this->assertSame( $error_code, $error->get_error_code(), $name . ': ' . wp_json_encode( $response->get_data() ) );
			[ $status, $message, $words ] = $expected[ $error_code ];
			$this->assertSame( $status, $response->get_status(), $name );
			$this->assertSame( 'connectionCode', $error->get_error_data()['field'], $name );
			$this->assertSame( $message, $error->get_error_message(), $name );
			$this->assertStringContainsString( $words, $message, $name );
			$this->assertStringContainsString( 'Nothing was changed.', $message, $name );
			$this->assertSame( $before, $this->raw(), "$name: the saved configuration is untouched" );
			$this->assertSame( $hooks, array_map( static fn( $w ) => array( $w->get_id(), $w->get_delivery_url(), $w->get_status() ), $this->our_webhooks() ), $name );
		}
		[ $ok, ] = $this->sidecar_call( 'GET', '/v1/stores/' . $store . '/status', null, $credential );
		$this->assertSame( 200, $ok, 'the saved credential still works after every refused code' );
		$this->assertSame( 200, $this->rest( 'GET', '/status' )->get_status() );
	}

	public function test_an_expired_code_gets_its_message(): void {
		// The sidecar's own tests let a code expire (CONNECT_CODE_TTL_S is at least a minute); here the sidecar's
		// answer to an expired code is played back to the plugin, as the sidecar gives it.
		$store = $this->unique_store( 'late' );
		$this->connect_with_code( $store );
		$before = $this->raw();
		$code   = $this->connect_code( $store );
		$this->playback = static function ( $pre, array $args, string $url ) {
				if ( str_ends_with( $url, '/v1/connect' ) ) {
					return array(
						'headers'  => array( 'content-type' => 'application/json' ),
						'body'     => '{"error":{"code":"connect_code_expired","message":"This connection code has expired. Ask the operator for a new one and paste it within its time. Nothing was changed."}}',
						'response' => array( 'code' => 410, 'message' => 'Gone' ),
						'cookies'  => array(),
						'filename' => null,
					);
				}
				return $pre;
		};
		add_filter( 'pre_http_request', $this->playback, 10, 3 );
		$response = $this->rest( 'POST', '/settings', array( 'connectionCode' => $code ) );
		$this->assertSame( 410, $response->get_status() );
		$this->assertSame( 'wck_connect_code_expired', $response->as_error()->get_error_code() );
		$this->assertSame( Connector::code_message( 'connect_code_expired' ), $response->as_error()->get_error_message() );
		$this->assertStringContainsString( 'has expired', $response->as_error()->get_error_message() );
		$this->assertSame( $before, $this->raw() );
	}

	public function test_an_unreachable_sidecar_in_the_code_loses_nothing(): void {
		$store = $this->unique_store( 'down' );
		$this->connect_with_code( $store );
		$before   = $this->raw();
		$code     = self::altered( $this->connect_code( $store ), 'u', 'http://127.0.0.1:1' );
		$response = $this->rest( 'POST', '/settings', array( 'connectionCode' => $code ) );
		$this->assertSame( 502, $response->get_status() );
		$this->assertSame( 'wck_sidecar_unreachable', $response->as_error()->get_error_code() );
		$this->assertStringContainsString( 'could not reach the sync service at http://127.0.0.1:1', $response->as_error()->get_error_message() );
		$this->assertSame( $before, $this->raw() );
	}

	public function test_a_code_is_not_spent_on_a_malformed_key_or_by_the_connection_test(): void {
		$store = $this->unique_store( 'spare' );
		$code  = $this->connect_code( $store );
		$bad   = $this->rest( 'POST', '/settings', array( 'connectionCode' => $code, 'klaviyoPrivateKey' => 'AbC123' ) );
		$this->assertSame( 400, $bad->get_status() );
		$this->assertSame( 'klaviyoPrivateKey', $bad->as_error()->get_error_data()['field'] );
		$test = $this->rest( 'POST', '/test-connection', array( 'connectionCode' => $code, 'klaviyoPrivateKey' => 'pk_test_0123456789abcdef' ) )->get_data();
		$this->assertTrue( $test['sidecar']['ok'], wp_json_encode( $test ) );
		$this->assertSame( 'unchecked', $test['klaviyo']['status'] );
		$this->assertSame( '', $this->credential(), 'nothing connected yet' );
		$ok = $this->rest( 'POST', '/settings', array( 'connectionCode' => $code, 'klaviyoPrivateKey' => 'pk_test_0123456789abcdef' ) );
		$this->assertSame( 200, $ok->get_status(), 'the code still works: ' . wp_json_encode( $ok->get_data() ) );
		$this->assertSame( $store, $ok->get_data()['storeId'] );
	}

	public function test_a_code_redeemed_with_a_key_klaviyo_refuses_keeps_the_connection_and_says_so(): void {
		$store    = $this->unique_store( 'badkey' );
		$code     = $this->connect_code( $store );
		$response = $this->rest( 'POST', '/settings', array( 'connectionCode' => $code, 'klaviyoPrivateKey' => 'pk_bad_0123456789' ) );
		$this->assertSame( 409, $response->get_status() );
		$message = $response->as_error()->get_error_message();
		$this->assertStringContainsString( 'The store is now connected to the sync service', $message );
		$this->assertStringNotContainsString( 'Nothing was changed', $message, 'the code was spent: something did change' );
		$this->assertMatchesRegularExpression( '/^wcks_/', $this->credential(), 'the connection the code gave is kept' );
		$this->assertSame( '', Plugin::instance()->settings()->klaviyo_key(), 'the refused key is not saved' );
		// Saving again with a good key needs no new code.
		$ok = $this->rest( 'POST', '/settings', array( 'klaviyoPrivateKey' => 'pk_test_0123456789abcdef' ) );
		$this->assertSame( 200, $ok->get_status(), wp_json_encode( $ok->get_data() ) );
		$this->assertSame( $store, $ok->get_data()['storeId'] );
	}

	public function test_an_admin_token_pasted_once_is_exchanged_and_not_stored(): void {
		$saved      = $this->configure();
		$credential = $this->credential();
		$this->assertTrue( $saved['connected'] );
		$this->assertMatchesRegularExpression( '/^wcks_/', $credential );
		$this->assertArrayNotHasKey( 'admin_token', $this->raw() );
		$this->assertSame( 0, $this->options_holding( (string) getenv( 'ADMIN_TOKEN' ) ), 'no option holds the admin token' );
		$this->assertStringNotContainsString( (string) getenv( 'ADMIN_TOKEN' ), (string) wp_json_encode( $saved ) );

		$stores = $this->sidecar_get( '/v1/stores' )['stores'];
		$mine   = array_values( array_filter( $stores, fn( $s ) => $s['storeId'] === $this->store_id() ) );
		$this->assertCount( 1, $mine );
		$this->assertTrue( $mine[0]['hasCredential'] );
		$this->assertTrue( $mine[0]['configured'] );

		$this->sent = array();
		$this->assertSame( 200, $this->rest( 'GET', '/lists' )->get_status() );
		$this->assertNotEmpty( $this->sent );
		foreach ( $this->sent as [ $url, $auth ] ) {
			$this->assertSame( 'Bearer ' . $credential, $auth, $url );
		}
	}

	/** Puts the settings back as an older version kept them: the admin token sealed, no credential. */
	private function downgrade( string $sidecar_url ): void {
		$raw = $this->raw();
		unset( $raw['credential'], $raw['migration_error'] );
		$raw['admin_token'] = ( new Crypto() )->encrypt( (string) getenv( 'ADMIN_TOKEN' ) );
		$raw['sidecar_url'] = $sidecar_url;
		update_option( Settings::OPTION, $raw, false );
		delete_transient( CredentialMigration::RETRY_TRANSIENT );
		$this->fresh();
	}

	public function test_an_upgrade_exchanges_the_stored_admin_token_once_and_forgets_it(): void {
		$this->configure();
		$store = $this->store_id();
		$key   = Plugin::instance()->settings()->klaviyo_key();
		$this->downgrade( 'http://127.0.0.1:1' );
		$this->assertSame( 1, $this->options_holding( 'admin_token' ) );

		// A shopper's request never exchanges (nor calls the sidecar).
		$front = wp_remote_get( home_url( '/' ), array( 'timeout' => 20 ) );
		$this->assertNotWPError( $front );
		$this->assertArrayHasKey( 'admin_token', $this->raw(), 'a front-end request leaves the token for an admin request' );

		// The sidecar cannot be reached: nothing is lost, the settings page says so, and it is tried again later.
		wp_set_current_user( 1 );
		$migration = Plugin::instance()->migration();
		$this->assertSame( 10, has_action( 'admin_init', array( $migration, 'on_admin_init' ) ), 'the exchange runs on admin requests' );
		$migration->on_admin_init();
		$view = $this->rest( 'GET', '/settings' )->get_data();
		$this->assertTrue( $view['migration']['pending'] );
		$this->assertStringContainsString( 'could not reach the sync service', (string) $view['migration']['error'] );
		$this->assertFalse( $view['connected'] );
		$this->assertTrue( $view['configured'], 'the saved admin token still works until it is exchanged' );
		$this->assertSame( (string) getenv( 'ADMIN_TOKEN' ), Plugin::instance()->settings()->legacy_admin_token() );
		$this->assertSame( $key, Plugin::instance()->settings()->klaviyo_key() );
		$this->assertNotFalse( get_transient( CredentialMigration::RETRY_TRANSIENT ), 'the next try waits a minute' );

		// The sidecar is back: within the minute nothing is tried; after it, the next admin request exchanges.
		$raw                = $this->raw();
		$raw['sidecar_url'] = (string) getenv( 'SIDECAR_URL' );
		update_option( Settings::OPTION, $raw, false );
		$this->fresh();
		$this->sent = array();
		$migration->on_admin_init();
		$this->assertSame( array(), $this->sent, 'no retry within the minute' );
		delete_transient( CredentialMigration::RETRY_TRANSIENT );
		$this->fresh();
		$migration->on_admin_init();

		$this->assertCount( 1, $this->sent, 'one exchange' );
		$this->assertSame( getenv( 'SIDECAR_URL' ) . '/v1/stores/' . $store . '/credential', $this->sent[0][0] );
		$raw = $this->raw();
		$this->assertArrayNotHasKey( 'admin_token', $raw );
		$this->assertSame( '', $raw['migration_error'] );
		$this->assertSame( 0, $this->options_holding( (string) getenv( 'ADMIN_TOKEN' ) ) );
		$this->assertSame( 0, $this->options_holding( 'admin_token' ) );
		$credential = $this->credential();
		$this->assertMatchesRegularExpression( '/^wcks_/', $credential );
		$this->assertSame( $store, $this->store_id(), 'the store id stays' );
		$view = $this->rest( 'GET', '/settings' )->get_data();
		$this->assertTrue( $view['connected'] );
		$this->assertNull( $view['migration'] );
		[ $code, ] = $this->sidecar_call( 'GET', '/v1/stores/' . $store . '/status', null, $credential );
		$this->assertSame( 200, $code );
		$this->sent = array();
		$this->assertSame( 200, $this->rest( 'GET', '/status' )->get_status() );
		foreach ( $this->sent as [ $url, $auth ] ) {
			$this->assertSame( 'Bearer ' . $credential, $auth, $url );
		}
	}

	public function test_the_settings_route_exchanges_a_stored_admin_token(): void {
		$this->configure();
		$this->downgrade( (string) getenv( 'SIDECAR_URL' ) );
		$view = $this->rest( 'GET', '/settings' )->get_data();
		$this->assertTrue( $view['connected'] );
		$this->assertArrayNotHasKey( 'admin_token', $this->raw() );
		$this->assertSame( 0, $this->options_holding( (string) getenv( 'ADMIN_TOKEN' ) ) );
	}

	public function test_rotate_issues_a_new_credential_and_the_old_one_is_refused_at_once(): void {
		$store = $this->unique_store( 'rot' );
		$this->connect_with_code( $store );
		$old = $this->credential();

		$response = $this->rest( 'POST', '/credential/rotate' );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		$this->assertTrue( $response->get_data()['rotated'] );
		$this->assertTrue( $response->get_data()['connected'] );
		$new  = $this->credential();
		$json = (string) wp_json_encode( $response->get_data() );
		$this->assertStringNotContainsString( $old, $json );
		$this->assertStringNotContainsString( $new, $json );
		$this->assertMatchesRegularExpression( '/^wcks_/', $new );
		$this->assertNotSame( $old, $new );
		$this->assertSame( 0, $this->options_holding( $new ), 'the new credential is sealed' );

		[ $refused, ] = $this->sidecar_call( 'GET', '/v1/stores/' . $store . '/status', null, $old );
		$this->assertSame( 403, $refused, 'the old credential stops working at once' );
		[ $accepted, ] = $this->sidecar_call( 'GET', '/v1/stores/' . $store . '/status', null, $new );
		$this->assertSame( 200, $accepted );
		$this->assertSame( 200, $this->rest( 'GET', '/status' )->get_status(), 'the plugin goes on with the new one' );
	}

	public function test_rotate_without_a_connection_is_refused_in_plain_words(): void {
		$response = $this->rest( 'POST', '/credential/rotate' );
		$this->assertSame( 400, $response->get_status() );
		$this->assertSame( 'wck_not_connected', $response->as_error()->get_error_code() );
		$this->assertStringContainsString( 'paste a connection code', $response->as_error()->get_error_message() );
	}

	public function test_a_rotated_away_credential_tells_the_merchant_to_paste_a_new_code(): void {
		$store = $this->unique_store( 'lost' );
		$this->connect_with_code( $store );
		// The operator issues a new credential elsewhere: this site's one stops working.
		[ $status, ] = $this->sidecar_call( 'POST', '/v1/stores/' . $store . '/credential', array() );
		$this->assertSame( 200, $status );
		$lists = $this->rest( 'GET', '/lists' );
		$this->assertSame( 502, $lists->get_status() );
		$this->assertSame( 'wck_sidecar_auth', $lists->as_error()->get_error_code() );
		$this->assertStringContainsString( 'Paste a new connection code', $lists->as_error()->get_error_message() );
		$again = $this->connect_with_code( $store, array( 'klaviyoPrivateKey' => '' ) );
		$this->assertTrue( $again['connected'] );
		$this->assertSame( 200, $this->rest( 'GET', '/lists' )->get_status() );
	}
}
