<?php
/**
 * The machine routes the sidecar's history sync and gap repair read the store's past from.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\History;

use WcKlaviyoSync\Machine\SignedRequest;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * POST /wp-json/wc-klaviyo-sync-sidecar/v1/history/orders and …/history/customers (also `?rest_route=`), signed by
 * the sidecar (Machine\SignedRequest). Body `{after, modifiedAfter, limit, sentAt}`: the cursor of the last page
 * (null to start), only records modified at or after an ISO 8601 UTC time (null: all), and how many (at most 100; 0
 * answers only the total). Answer `{items, next, total}`: each record as WooCommerce's webhook carries it, the next
 * cursor (null after the last page), and the total (only when asked with limit 0). A POST, not a GET, because the
 * signature covers a body.
 */
final class HistoryRoute {

	/**
	 * The signature check.
	 *
	 * @var SignedRequest
	 */
	private SignedRequest $signed;

	/**
	 * The pages.
	 *
	 * @var HistoryPages
	 */
	private HistoryPages $pages;

	/**
	 * Constructor.
	 *
	 * @param SignedRequest $signed The signature check.
	 * @param HistoryPages  $pages  The pages.
	 */
	public function __construct( SignedRequest $signed, HistoryPages $pages ) {
		$this->signed = $signed;
		$this->pages  = $pages;
	}

	/**
	 * Adds the hook.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		foreach ( array( 'products', 'orders', 'customers' ) as $resource ) {
			register_rest_route(
				SignedRequest::NAMESPACE,
				'/history/' . $resource,
				array(
					array(
						'methods'             => WP_REST_Server::CREATABLE,
						'callback'            => fn( WP_REST_Request $request ) => $this->page( $resource, $request ),
						'permission_callback' => array( $this->signed, 'verify' ),
					),
				)
			);
		}
	}

	/**
	 * Answers one page.
	 *
	 * @param string          $resource products|orders|customers.
	 * @param WP_REST_Request $request  Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function page( string $resource, WP_REST_Request $request ) {
		$body = json_decode( $request->get_body(), true );
		if ( ! is_array( $body ) ) {
			return new WP_Error( 'wck_invalid_field', __( 'The body is not a JSON object.', 'wc-klaviyo-sync' ), array( 'status' => 400 ) );
		}
		$after = isset( $body['after'] ) && is_string( $body['after'] ) && '' !== $body['after'] ? $body['after'] : null;
		$limit = isset( $body['limit'] ) && is_int( $body['limit'] ) ? $body['limit'] : HistoryPages::MAX_LIMIT;
		if ( $limit < 0 || $limit > HistoryPages::MAX_LIMIT ) {
			return new WP_Error( 'wck_invalid_field', __( 'limit must be between 0 and 100.', 'wc-klaviyo-sync' ), array( 'status' => 400, 'field' => 'limit' ) );
		}
		$since = null;
		if ( isset( $body['modifiedAfter'] ) && null !== $body['modifiedAfter'] ) {
			$since = is_string( $body['modifiedAfter'] ) ? strtotime( $body['modifiedAfter'] ) : false;
			if ( false === $since ) {
				return new WP_Error( 'wck_invalid_field', __( 'modifiedAfter is not an ISO 8601 time.', 'wc-klaviyo-sync' ), array( 'status' => 400, 'field' => 'modifiedAfter' ) );
			}
		}
		if ( 'products' === $resource ) {
			$page = $this->pages->products( $after, $limit );
		} else {
			$page = 'orders' === $resource ? $this->pages->orders( $after, $since, $limit ) : $this->pages->customers( $after, $since, $limit );
		}
		return new WP_REST_Response( $page );
	}
}
