<?php
/**
 * The one machine-to-machine route: the sidecar runs a Klaviyo flow webhook's action on the store.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Flows;

use WcKlaviyoSync\Machine\SignedRequest;
use WcKlaviyoSync\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * POST /wp-json/wc-klaviyo-sync-sidecar/v1/flow-actions (also `?rest_route=`), called by the sidecar only and
 * authenticated by its signature (Machine\SignedRequest). The sidecar decides what to do (docs/how-it-works.md,
 * Klaviyo flow webhooks); this only carries it out.
 */
final class FlowActionRoute {

	public const NAMESPACE = SignedRequest::NAMESPACE;

	/**
	 * The signature check.
	 *
	 * @var SignedRequest
	 */
	private SignedRequest $signed;

	/**
	 * What the actions do in WooCommerce.
	 *
	 * @var FlowActions
	 */
	private FlowActions $actions;

	/**
	 * Constructor.
	 *
	 * @param Settings    $settings Stored settings.
	 * @param FlowActions $actions  The actions.
	 */
	public function __construct( Settings $settings, FlowActions $actions ) {
		$this->signed  = new SignedRequest( $settings );
		$this->actions = $actions;
	}

	/**
	 * Adds the hook.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Registers the route.
	 */
	public function register_routes(): void {
		register_rest_route(
			self::NAMESPACE,
			'/flow-actions',
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'run' ),
					'permission_callback' => array( $this->signed, 'verify' ),
				),
			)
		);
	}

	/**
	 * Runs the action the body names.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function run( WP_REST_Request $request ) {
		$body = json_decode( $request->get_body(), true );
		if ( ! is_array( $body ) ) {
			return new WP_Error( 'wck_invalid_field', __( 'The body is not a JSON object.', 'wc-klaviyo-sync' ), array( 'status' => 400 ) );
		}
		$action = isset( $body['action'] ) && is_string( $body['action'] ) ? $body['action'] : '';
		switch ( $action ) {
			case 'coupon':
				$result = $this->actions->coupon( $body );
				break;
			case 'tag':
				$result = $this->actions->tag( $body );
				break;
			default:
				$result = new WP_Error( 'wck_invalid_field', __( 'Unknown flow action.', 'wc-klaviyo-sync' ), array( 'status' => 400, 'field' => 'action' ) );
		}
		return is_wp_error( $result ) ? $result : new WP_REST_Response( $result );
	}
}
