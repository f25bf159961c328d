<?php
/**
 * GET /orders/{order}/deliveries: what was sent to Klaviyo for one order.
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
 * Proxies the sidecar's sync log searched by the order's number, keeping the entries of that order (resource
 * `order`, its id). Used by the order screen's "Klaviyo" box.
 */
final class OrdersController {

	/**
	 * Proxy to the sidecar for the saved store.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * Constructor.
	 *
	 * @param StoreProxy $proxy Proxy to the sidecar.
	 */
	public function __construct( StoreProxy $proxy ) {
		$this->proxy = $proxy;
	}

	/**
	 * The order's number as WooCommerce shows it (a plugin may change it), else its id.
	 *
	 * @param int $order_id Order id.
	 */
	public static function order_number( int $order_id ): string {
		if ( function_exists( 'wc_get_order' ) ) {
			$order = wc_get_order( $order_id );
			if ( $order && method_exists( $order, 'get_order_number' ) ) {
				return (string) $order->get_order_number();
			}
		}
		return (string) $order_id;
	}

	/**
	 * The sync-log entries of one order, newest first.
	 *
	 * @param int $order_id Order id.
	 * @return list<array<string, mixed>>|WP_Error
	 */
	public function deliveries( int $order_id ) {
		$page = $this->proxy->fetch(
			'GET',
			'/deliveries',
			array(
				'q'     => self::order_number( $order_id ),
				'limit' => 100,
			)
		);
		if ( is_wp_error( $page ) ) {
			return $page;
		}
		$items = (array) ( $page['items'] ?? array() );
		return array_values( array_filter( $items, static fn( $d ): bool => is_array( $d ) && 'order' === ( $d['resource'] ?? null ) && $order_id === (int) ( $d['resourceId'] ?? 0 ) ) );
	}

	/**
	 * GET /orders/{order}/deliveries.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_order_deliveries( WP_REST_Request $request ) {
		$items = $this->deliveries( (int) $request['order'] );
		return is_wp_error( $items ) ? $items : new WP_REST_Response( array( 'items' => $items ) );
	}
}
