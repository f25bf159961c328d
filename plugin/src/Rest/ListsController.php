<?php
/**
 * GET /lists: the Klaviyo lists, read through the sidecar.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WP_Error;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * Proxies the sidecar's Klaviyo lists with the saved configuration; a refused key and an unreachable Klaviyo get
 * errors of their own.
 */
final class ListsController {

	/**
	 * Proxy to the sidecar for the saved store.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * Constructor.
	 *
	 * @param StoreProxy $proxy Proxy to the sidecar for the saved store.
	 */
	public function __construct( StoreProxy $proxy ) {
		$this->proxy = $proxy;
	}

	/**
	 * GET /lists.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_lists() {
		$result = $this->proxy->respond( 'GET', '/klaviyo/lists' );
		if ( is_wp_error( $result ) && 'wck_sidecar_klaviyo_key_invalid' === $result->get_error_code() ) {
			return new WP_Error( 'wck_klaviyo_key_invalid', __( 'Klaviyo rejected the saved private API key, so the lists cannot be read.', 'wc-klaviyo-sync' ), array( 'status' => 409 ) );
		}
		if ( is_wp_error( $result ) && 'wck_sidecar_klaviyo_unreachable' === $result->get_error_code() ) {
			return new WP_Error( 'wck_klaviyo_unreachable', __( 'The sync service could not reach Klaviyo to read the lists. Try again in a moment.', 'wc-klaviyo-sync' ), array( 'status' => 502 ) );
		}
		return $result;
	}
}
