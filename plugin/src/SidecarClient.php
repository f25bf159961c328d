<?php
/**
 * HTTP client for the sidecar's admin API.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync;

use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Calls the sidecar with the store credential held server-side (or a token given for one call: a connection
 * exchange). Every failure becomes a WP_Error in plain words: unreachable → 502 wck_sidecar_unreachable, token
 * refused → 502 wck_sidecar_auth, other
 * sidecar errors keep their HTTP status with code wck_sidecar_<code>.
 */
final class SidecarClient {

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Constructor.
	 *
	 * @param Settings $settings Stored settings.
	 */
	public function __construct( Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Sends one request under /v1/stores/{storeId} for this site's store.
	 *
	 * @param string                    $method   HTTP method.
	 * @param string                    $suffix   Path after /v1/stores/{storeId} ('' for the store itself).
	 * @param array<string, mixed>|null $body     JSON body or null.
	 * @param array<string, scalar>     $query    Query parameters.
	 * @param string|null               $base_url Sidecar URL (default: saved one).
	 * @param string|null               $token    Bearer token (default: the saved store credential).
	 * @param int                       $timeout  Seconds.
	 * @return array{status: int, body: array<string, mixed>}|WP_Error
	 */
	public function store_request( string $method, string $suffix, ?array $body = null, array $query = array(), ?string $base_url = null, ?string $token = null, int $timeout = 15 ) {
		return $this->request( $method, '/v1/stores/' . rawurlencode( $this->settings->store_id() ) . $suffix, $body, $query, $base_url, $token, $timeout );
	}

	/**
	 * Sends one request.
	 *
	 * @param string                    $method   HTTP method.
	 * @param string                    $path     Path starting with "/".
	 * @param array<string, mixed>|null $body     JSON body or null.
	 * @param array<string, scalar>     $query    Query parameters.
	 * @param string|null               $base_url Sidecar URL (default: saved one).
	 * @param string|null               $token    Bearer token (default: the saved store credential; '' sends none).
	 * @param int                       $timeout  Seconds.
	 * @return array{status: int, body: array<string, mixed>}|WP_Error
	 */
	public function request( string $method, string $path, ?array $body = null, array $query = array(), ?string $base_url = null, ?string $token = null, int $timeout = 15 ) {
		$base_url = untrailingslashit( $base_url ?? $this->settings->sidecar_url() );
		$token    = $token ?? $this->settings->sidecar_token();
		if ( '' === $base_url ) {
			return new WP_Error( 'wck_not_configured', __( 'The sidecar address is not set yet. Save the settings first.', 'wc-klaviyo-sync' ), array( 'status' => 400 ) );
		}
		$url = $base_url . $path;
		if ( array() !== $query ) {
			$url = add_query_arg( array_map( 'rawurlencode', array_map( 'strval', $query ) ), $url );
		}
		$args = array(
			'method'      => $method,
			'timeout'     => $timeout,
			'redirection' => 0,
			'headers'     => array( 'Accept' => 'application/json' ),
		);
		if ( '' !== $token ) {
			$args['headers']['Authorization'] = 'Bearer ' . $token;
		}
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = array() === $body ? '{}' : (string) wp_json_encode( $body );
		}
		$response = wp_remote_request( $url, $args );
		if ( is_wp_error( $response ) ) {
			return new WP_Error(
				'wck_sidecar_unreachable',
				sprintf(
					/* translators: 1: sidecar address, 2: network error */
					__( 'WordPress could not reach the sync service at %1$s. Check that it is running and that the address is right. (%2$s)', 'wc-klaviyo-sync' ),
					$base_url,
					$response->get_error_message()
				),
				array( 'status' => 502 )
			);
		}
		$status  = (int) wp_remote_retrieve_response_code( $response );
		$decoded = json_decode( (string) wp_remote_retrieve_body( $response ), true );
		$decoded = is_array( $decoded ) ? $decoded : array();
		if ( $status >= 200 && $status < 300 ) {
			return array(
				'status' => $status,
				'body'   => $decoded,
			);
		}
		$code    = isset( $decoded['error']['code'] ) && is_string( $decoded['error']['code'] ) ? $decoded['error']['code'] : 'http_' . $status;
		$message = isset( $decoded['error']['message'] ) && is_string( $decoded['error']['message'] ) ? $decoded['error']['message'] : '';
		if ( 401 === $status || 403 === $status ) {
			return new WP_Error( 'wck_sidecar_auth', __( 'The sync service refused this site\'s store credential (it was rotated or the store was removed there). Paste a new connection code from the sync service.', 'wc-klaviyo-sync' ), array( 'status' => 502 ) );
		}
		if ( $status >= 300 && $status < 400 ) {
			return new WP_Error( 'wck_sidecar_unreachable', __( 'The sync service address answers with a redirect. Enter the exact address of the sidecar.', 'wc-klaviyo-sync' ), array( 'status' => 502 ) );
		}
		if ( '' === $message ) {
			/* translators: %d: HTTP status */
			$message = sprintf( __( 'The sync service answered with HTTP %d.', 'wc-klaviyo-sync' ), $status );
		}
		$data = array( 'status' => $status >= 500 ? 502 : $status );
		if ( isset( $decoded['error']['details'] ) ) {
			$data['details'] = $decoded['error']['details'];
		}
		return new WP_Error( 'wck_sidecar_' . sanitize_key( $code ), $message, $data );
	}
}
