<?php
/**
 * The settings page's Klaviyo flow webhooks: how to call them from Klaviyo, rotation, and their settings.
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
 * GET /flow-webhooks, POST /flow-webhooks (settings) and POST /flow-webhooks/rotate proxy the sidecar's
 * `…/klaviyo/flow-webhooks` routes for the saved store, unchanged: the URL per action, the header and the store's
 * flow secret (shown to shop managers so they can paste it into Klaviyo), the coupon property names, the body paths.
 */
final class FlowWebhooksController {

	/**
	 * Sidecar proxy.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * Constructor.
	 *
	 * @param StoreProxy $proxy Sidecar proxy.
	 */
	public function __construct( StoreProxy $proxy ) {
		$this->proxy = $proxy;
	}

	/**
	 * GET /flow-webhooks.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_flow_webhooks() {
		return $this->proxy->respond( 'GET', '/klaviyo/flow-webhooks' );
	}

	/**
	 * POST /flow-webhooks: body { couponCodeProperty?, couponExpiresProperty?, profilePaths?, signingSecret? }.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function save_flow_webhooks( WP_REST_Request $request ) {
		$body = $request->get_json_params();
		if ( ! is_array( $body ) ) {
			return new WP_Error( 'wck_invalid_field', __( 'Send the flow webhook settings as a JSON object.', 'wc-klaviyo-sync' ), array( 'status' => 400 ) );
		}
		$allowed = array_intersect_key( $body, array_flip( array( 'couponCodeProperty', 'couponExpiresProperty', 'profilePaths', 'signingSecret' ) ) );
		return $this->proxy->respond( 'PUT', '/klaviyo/flow-webhooks', array(), $allowed );
	}

	/**
	 * POST /flow-webhooks/rotate.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function rotate_flow_secret() {
		return $this->proxy->respond( 'POST', '/klaviyo/flow-webhooks/secret' );
	}
}
