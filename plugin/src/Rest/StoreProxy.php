<?php
/**
 * Proxies REST requests to the sidecar for the saved store.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WcKlaviyoSync\Settings;
use WcKlaviyoSync\SidecarClient;
use WP_Error;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * Sends one request under /v1/stores/{storeId} with the saved sidecar address and admin token. Without a saved
 * configuration it answers 400 wck_not_configured and calls nothing.
 */
final class StoreProxy {

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Sidecar client.
	 *
	 * @var SidecarClient
	 */
	private SidecarClient $sidecar;

	/**
	 * Constructor.
	 *
	 * @param Settings      $settings Stored settings.
	 * @param SidecarClient $sidecar  Sidecar client.
	 */
	public function __construct( Settings $settings, SidecarClient $sidecar ) {
		$this->settings = $settings;
		$this->sidecar  = $sidecar;
	}

	/**
	 * Error for routes that need a saved configuration.
	 */
	public static function not_configured(): WP_Error {
		return new WP_Error( 'wck_not_configured', __( 'Klaviyo Sync is not set up yet. Save the settings first.', 'wc-klaviyo-sync' ), array( 'status' => 400 ) );
	}

	/**
	 * The sidecar's JSON for one request for the saved store.
	 *
	 * @param string                    $method Method.
	 * @param string                    $suffix Path after /v1/stores/{storeId}.
	 * @param array<string, scalar>     $query  Query.
	 * @param array<string, mixed>|null $body   Body.
	 * @return array<string, mixed>|WP_Error
	 */
	public function fetch( string $method, string $suffix, array $query = array(), ?array $body = null ) {
		if ( ! $this->settings->is_configured() ) {
			return self::not_configured();
		}
		$result = $this->sidecar->store_request( $method, $suffix, $body, $query );
		return is_wp_error( $result ) ? $result : $result['body'];
	}

	/**
	 * The same as a REST response (200 with the sidecar's JSON) or the error.
	 *
	 * @param string                    $method Method.
	 * @param string                    $suffix Path after /v1/stores/{storeId}.
	 * @param array<string, scalar>     $query  Query.
	 * @param array<string, mixed>|null $body   Body.
	 * @return WP_REST_Response|WP_Error
	 */
	public function respond( string $method, string $suffix, array $query = array(), ?array $body = null ) {
		$result = $this->fetch( $method, $suffix, $query, $body );
		return is_wp_error( $result ) ? $result : new WP_REST_Response( $result, 200 );
	}
}
