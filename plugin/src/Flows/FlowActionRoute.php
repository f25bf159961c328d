<?php
/**
 * The one machine-to-machine route: the sidecar runs a Klaviyo flow webhook's action on the store.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Flows;

use WcKlaviyoSync\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * POST /wp-json/wc-klaviyo-sync-sidecar/v1/flow-actions (also `?rest_route=`), called by the sidecar only. Not a
 * user's route, so it is not in Rest\Routes and does not check manage_woocommerce: it is authenticated by
 * `X-WCK-Signature` = base64(HMAC-SHA256(raw body, the store's webhook secret)), the secret WooCommerce signs its
 * deliveries to the sidecar with, compared in constant time, and the body's `sentAt` within five minutes. The
 * sidecar decides what to do (docs/how-it-works.md, Klaviyo flow webhooks); this only carries it out.
 */
final class FlowActionRoute {

	public const NAMESPACE = 'wc-klaviyo-sync-sidecar/v1';

	/** How far the body's sentAt may be from now, in seconds. */
	private const MAX_SKEW = 300;

	/**
	 * Stored settings (the webhook secret).
	 *
	 * @var Settings
	 */
	private Settings $settings;

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
		$this->settings = $settings;
		$this->actions  = $actions;
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
					'permission_callback' => array( $this, 'verify' ),
				),
			)
		);
	}

	/**
	 * The signature over the raw body, and a fresh sentAt.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function verify( WP_REST_Request $request ) {
		$signature = (string) $request->get_header( 'x_wck_signature' );
		if ( '' === $signature ) {
			return new WP_Error( 'wck_missing_signature', __( 'The X-WCK-Signature header is missing.', 'wc-klaviyo-sync' ), array( 'status' => 401 ) );
		}
		$expected = base64_encode( hash_hmac( 'sha256', $request->get_body(), $this->settings->webhook_secret(), true ) ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
		if ( ! hash_equals( $expected, trim( $signature ) ) ) {
			return new WP_Error( 'wck_invalid_signature', __( 'The signature does not match the body and this store\'s secret.', 'wc-klaviyo-sync' ), array( 'status' => 401 ) );
		}
		$body    = json_decode( $request->get_body(), true );
		$sent_at = is_array( $body ) && isset( $body['sentAt'] ) && is_string( $body['sentAt'] ) ? strtotime( $body['sentAt'] ) : false;
		if ( false === $sent_at || abs( time() - $sent_at ) > self::MAX_SKEW ) {
			return new WP_Error( 'wck_stale_request', __( 'The request is too old (or its sentAt is missing): sign a fresh one.', 'wc-klaviyo-sync' ), array( 'status' => 401 ) );
		}
		return true;
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
