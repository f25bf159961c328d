<?php
/**
 * Permissions and nonces over real HTTP against the php -S server: cookie authentication as WordPress does it.
 */

use WcKlaviyoSync\WebhookOwnership;

final class RestPermissionsTest extends WckTestCase {

	private string $base;

	protected function setUp(): void {
		parent::setUp();
		$this->base = 'http://127.0.0.1:' . getenv( 'WP_PORT' );
	}

	/** @return array{0: int, 1: array} status and decoded body */
	private function http( string $method, string $path, array $cookies = array(), array $headers = array(), ?string $body = null ): array {
		$ch = curl_init( $this->base . $path );
		$h  = array();
		foreach ( $headers as $k => $v ) {
			$h[] = "$k: $v";
		}
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_CUSTOMREQUEST  => $method,
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HTTPHEADER     => $h,
				CURLOPT_COOKIE         => implode( '; ', array_map( static fn( $k, $v ) => "$k=$v", array_keys( $cookies ), $cookies ) ),
				CURLOPT_TIMEOUT        => 30,
			)
		);
		if ( null !== $body ) {
			curl_setopt( $ch, CURLOPT_POSTFIELDS, $body );
		}
		$out    = (string) curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		curl_close( $ch );
		return array( $status, (array) json_decode( $out, true ) );
	}

	/** Logs in through wp-login.php; returns the cookies. */
	private function login( string $user, string $password ): array {
		$ch      = curl_init( $this->base . '/wp-login.php' );
		$cookies = array();
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_POST           => true,
				CURLOPT_POSTFIELDS     => http_build_query( array( 'log' => $user, 'pwd' => $password, 'wp-submit' => 'Log In', 'testcookie' => '1' ) ),
				CURLOPT_COOKIE         => 'wordpress_test_cookie=WP%20Cookie%20check',
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_HEADERFUNCTION => static function ( $ch, $line ) use ( &$cookies ) {
					if ( preg_match( '/^Set-Cookie:\s*([^=]+)=([^;]*)/i', $line, $m ) && 'deleted' !== $m[2] ) {
						$cookies[ $m[1] ] = $m[2];
					}
					return strlen( $line );
				},
			)
		);
		curl_exec( $ch );
		$status = (int) curl_getinfo( $ch, CURLINFO_RESPONSE_CODE );
		curl_close( $ch );
		$this->assertSame( 302, $status, "login as $user failed" );
		$this->assertNotEmpty( array_filter( array_keys( $cookies ), static fn( $k ) => str_starts_with( $k, 'wordpress_logged_in_' ) ) );
		return $cookies;
	}

	/** The REST nonce for a logged-in session (what wp-api-fetch's nonce middleware sends). */
	private function nonce( array $cookies ): string {
		$ch = curl_init( $this->base . '/wp-admin/admin-ajax.php?action=rest-nonce' );
		curl_setopt_array(
			$ch,
			array(
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_COOKIE         => implode( '; ', array_map( static fn( $k, $v ) => "$k=$v", array_keys( $cookies ), $cookies ) ),
			)
		);
		$nonce = trim( (string) curl_exec( $ch ) );
		curl_close( $ch );
		$this->assertMatchesRegularExpression( '/^[a-f0-9]{10}$/', $nonce );
		return $nonce;
	}

	private const ROUTES = array(
		array( 'GET', '/settings' ),
		array( 'POST', '/settings' ),
		array( 'POST', '/test-connection' ),
		array( 'POST', '/credential/rotate' ),
		array( 'GET', '/lists' ),
		array( 'GET', '/status' ),
		array( 'GET', '/deliveries' ),
		array( 'GET', '/deliveries/1' ),
		array( 'POST', '/deliveries/1/replay' ),
		array( 'POST', '/replay' ),
		array( 'POST', '/webhooks/reenable' ),
		array( 'GET', '/flow-webhooks' ),
		array( 'POST', '/flow-webhooks' ),
		array( 'POST', '/flow-webhooks/rotate' ),
	);

	public function test_anonymous_requests_get_401_on_every_route(): void {
		foreach ( self::ROUTES as [ $method, $route ] ) {
			[ $status, $body ] = $this->http( $method, '/wp-json/wc-klaviyo-sync/v1' . $route, array(), array( 'Content-Type' => 'application/json' ), 'POST' === $method ? '{}' : null );
			$this->assertSame( 401, $status, "$method $route" );
			$this->assertSame( 'rest_forbidden', $body['code'] ?? null, "$method $route" );
		}
	}

	public function test_users_without_manage_woocommerce_get_403_on_every_route(): void {
		foreach ( array( 'subscriber', 'customer' ) as $role ) {
			$id      = $this->make_user( $role );
			$cookies = $this->login( get_userdata( $id )->user_login, 'Secret-pass-123' );
			$nonce   = $this->nonce( $cookies );
			foreach ( self::ROUTES as [ $method, $route ] ) {
				[ $status, $body ] = $this->http( $method, '/wp-json/wc-klaviyo-sync/v1' . $route, $cookies, array( 'X-WP-Nonce' => $nonce, 'Content-Type' => 'application/json' ), 'POST' === $method ? '{}' : null );
				$this->assertSame( 403, $status, "$role: $method $route" );
				$this->assertSame( 'rest_forbidden', $body['code'] ?? null );
			}
		}
	}

	public function test_administrator_and_shop_manager_with_nonce_get_200(): void {
		$this->configure();
		$manager = $this->make_user( 'shop_manager' );
		foreach ( array( array( 'admin', 'admin' ), array( get_userdata( $manager )->user_login, 'Secret-pass-123' ) ) as [ $user, $pass ] ) {
			$cookies           = $this->login( $user, $pass );
			$nonce             = $this->nonce( $cookies );
			[ $status, $body ] = $this->http( 'GET', '/wp-json/wc-klaviyo-sync/v1/settings', $cookies, array( 'X-WP-Nonce' => $nonce ) );
			$this->assertSame( 200, $status, $user );
			$this->assertTrue( $body['configured'] );
			$this->assertCount( count( WebhookOwnership::TOPICS ), $body['webhooks'] );
			[ $status ] = $this->http( 'GET', '/wp-json/wc-klaviyo-sync/v1/status', $cookies, array( 'X-WP-Nonce' => $nonce ) );
			$this->assertSame( 200, $status, $user );
		}
	}

	public function test_cookie_without_nonce_or_with_a_bad_nonce_is_refused(): void {
		$cookies    = $this->login( 'admin', 'admin' );
		[ $status ] = $this->http( 'GET', '/wp-json/wc-klaviyo-sync/v1/settings', $cookies );
		$this->assertSame( 401, $status, 'cookie auth without a nonce counts as logged out' );
		[ $status ] = $this->http( 'POST', '/wp-json/wc-klaviyo-sync/v1/settings', $cookies, array( 'Content-Type' => 'application/json' ), wp_json_encode( $this->valid_settings() ) );
		$this->assertSame( 401, $status, 'a cross-site POST without a nonce changes nothing' );
		$this->assertSame( array(), $this->all_webhook_ids() );
		[ $status, $body ] = $this->http( 'GET', '/wp-json/wc-klaviyo-sync/v1/settings', $cookies, array( 'X-WP-Nonce' => 'deadbeef00' ) );
		$this->assertSame( 403, $status );
		$this->assertSame( 'rest_cookie_invalid_nonce', $body['code'] ?? null );
	}

	public function test_admin_saves_over_http_and_the_browser_never_sees_a_secret(): void {
		$cookies           = $this->login( 'admin', 'admin' );
		$nonce             = $this->nonce( $cookies );
		[ $status, $body ] = $this->http( 'POST', '/wp-json/wc-klaviyo-sync/v1/settings', $cookies, array( 'X-WP-Nonce' => $nonce, 'Content-Type' => 'application/json' ), wp_json_encode( $this->valid_settings() ) );
		$this->assertSame( 200, $status, wp_json_encode( $body ) );
		$json = wp_json_encode( $body );
		$this->assertStringNotContainsString( getenv( 'ADMIN_TOKEN' ), $json );
		$this->assertStringNotContainsString( 'pk_test_0123456789abcdef', $json );
		$this->assertCount( count( WebhookOwnership::TOPICS ), $this->all_webhook_ids() );

		// The admin pages render their mount points and load the build without leaking secrets.
		foreach ( array( 'wc-klaviyo-sync' => 'wc-klaviyo-sync-settings', 'wc-klaviyo-sync-log' => 'wc-klaviyo-sync-log' ) as $page => $mount ) {
			$ch = curl_init( $this->base . '/wp-admin/admin.php?page=' . $page );
			curl_setopt_array( $ch, array( CURLOPT_RETURNTRANSFER => true, CURLOPT_COOKIE => implode( '; ', array_map( static fn( $k, $v ) => "$k=$v", array_keys( $cookies ), $cookies ) ) ) );
			$html = (string) curl_exec( $ch );
			curl_close( $ch );
			$this->assertStringContainsString( '<div id="' . $mount . '"></div>', $html );
			$this->assertStringNotContainsString( getenv( 'ADMIN_TOKEN' ), $html );
			$this->assertStringNotContainsString( 'pk_test_0123456789abcdef', $html );
			$this->assertStringContainsString( 'wp-components', $html );
		}
	}
}
