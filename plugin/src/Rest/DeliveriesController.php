<?php
/**
 * The sync log routes: deliveries and replay, proxied to the sidecar.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WP_Error;
use WP_REST_Request;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * GET /deliveries, GET /deliveries/{id}, POST /deliveries/{id}/replay and POST /replay, each for the saved store.
 */
final class DeliveriesController {

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
	 * GET /deliveries.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_deliveries( WP_REST_Request $request ) {
		$query = array();
		foreach ( array( 'status', 'q', 'cursor', 'limit' ) as $name ) {
			$value = $request->get_param( $name );
			if ( null !== $value && '' !== $value ) {
				$query[ $name ] = is_scalar( $value ) ? $value : '';
			}
		}
		return $this->proxy->respond( 'GET', '/deliveries', $query );
	}

	/**
	 * GET /deliveries/{id}.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_delivery( WP_REST_Request $request ) {
		return $this->proxy->respond( 'GET', '/deliveries/' . rawurlencode( (string) $request['id'] ) );
	}

	/**
	 * POST /deliveries/{id}/replay.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function replay_delivery( WP_REST_Request $request ) {
		$query = $request->get_param( 'all' ) ? array( 'all' => 1 ) : array();
		return $this->proxy->respond( 'POST', '/deliveries/' . rawurlencode( (string) $request['id'] ) . '/replay', $query, array() );
	}

	/**
	 * POST /replay: replays every dead delivery.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function replay_dead() {
		return $this->proxy->respond( 'POST', '/replay', array( 'status' => 'dead' ), array() );
	}
}
