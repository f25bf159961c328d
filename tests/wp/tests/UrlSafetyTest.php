<?php
/**
 * wp_safe_remote_request() (how WooCommerce delivers) may reach the configured sidecar on a private
 * address or odd port, and nothing else.
 */

use WcKlaviyoSync\Settings;

final class UrlSafetyTest extends WckTestCase {

	private function set_sidecar( string $url ): void {
		$raw                = (array) get_option( Settings::OPTION, array() );
		$raw['sidecar_url'] = $url;
		update_option( Settings::OPTION, $raw );
		$this->fresh();
	}

	public function test_nothing_private_is_allowed_before_configuration(): void {
		$this->assertFalse( wp_http_validate_url( 'http://10.20.30.40:8787/v1/x' ) );
		$this->assertFalse( apply_filters( 'http_request_host_is_external', false, '10.20.30.40', 'http://10.20.30.40:8787/' ) );
	}

	public function test_only_the_configured_private_host_and_port_are_allowed(): void {
		$this->set_sidecar( 'http://10.20.30.40:8787' );
		$this->assertNotFalse( wp_http_validate_url( 'http://10.20.30.40:8787/v1/stores/s/webhooks/woocommerce' ) );
		$this->assertFalse( wp_http_validate_url( 'http://10.20.30.41:8787/' ), 'another private host' );
		$this->assertFalse( wp_http_validate_url( 'http://192.168.1.5:8787/' ), 'another private host' );
		$this->assertFalse( wp_http_validate_url( 'http://10.20.30.40:9999/' ), 'another port on the sidecar host' );
		$this->assertSame( array( 80, 443, 8080 ), apply_filters( 'http_allowed_safe_ports', array( 80, 443, 8080 ), '192.168.1.5', 'http://192.168.1.5:8787/' ), 'port added for the sidecar host only' );
	}

	public function test_the_test_sidecar_port_is_allowed_on_loopback_and_no_other(): void {
		$this->configure();
		$port = (int) wp_parse_url( getenv( 'SIDECAR_URL' ), PHP_URL_PORT );
		$this->assertNotFalse( wp_http_validate_url( getenv( 'SIDECAR_URL' ) . '/v1/x' ) );
		$this->assertFalse( wp_http_validate_url( 'http://127.0.0.1:' . ( $port + 1 ) . '/' ), 'the double (another local port) stays refused' );
		$this->assertFalse( wp_http_validate_url( 'http://10.0.0.1:' . $port . '/' ) );
		// What WooCommerce does: a safe request to the sidecar works.
		$response = wp_safe_remote_post( getenv( 'SIDECAR_URL' ) . '/v1/stores/' . $this->store_id() . '/webhooks/woocommerce', array( 'body' => 'webhook_id=1' ) );
		$this->assertNotWPError( $response );
		$this->assertSame( 200, wp_remote_retrieve_response_code( $response ) );
		$blocked = wp_safe_remote_get( getenv( 'DOUBLE_URL' ) . '/__double/state' );
		$this->assertTrue( is_wp_error( $blocked ), 'a safe request to another local port is refused' );
	}
}
