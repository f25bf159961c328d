<?php
/**
 * The shop's public back-in-stock signup route.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\BackInStock;

use WcKlaviyoSync\Consent\ConsentSettings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * `POST /wp-json/wc-klaviyo-sync-shop/v1/back-in-stock` (its own namespace: the admin namespace's routes all need
 * manage_woocommerce; this one is for shoppers, logged in or not). The permission is the form's nonce (`X-WCK-Nonce`
 * or `nonce`, action `wck_back_in_stock`), checked before the arguments. Then the email, the phone (only when SMS is
 * enabled in the consent settings) and the product (a simple product or a variation, out of stock) are checked; a
 * refusal is a 400 with the message the page shows, and nothing is queued. An accepted signup is queued for the
 * sidecar (BackInStockSender) and answered at once: no request leaves the shopper's request.
 */
final class BackInStockRoute {

	public const NAMESPACE = 'wc-klaviyo-sync-shop/v1';
	public const ROUTE     = '/back-in-stock';
	public const NONCE     = 'wck_back_in_stock';

	/**
	 * The queue.
	 *
	 * @var BackInStockSender
	 */
	private BackInStockSender $sender;

	/**
	 * Consent settings (whether SMS is offered).
	 *
	 * @var ConsentSettings
	 */
	private ConsentSettings $consent;

	/**
	 * Constructor.
	 *
	 * @param BackInStockSender $sender  The queue.
	 * @param ConsentSettings   $consent Consent settings.
	 */
	public function __construct( BackInStockSender $sender, ConsentSettings $consent ) {
		$this->sender  = $sender;
		$this->consent = $consent;
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
			self::ROUTE,
			array(
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'signup' ),
					'permission_callback' => array( $this, 'verify_nonce' ),
				),
			)
		);
	}

	/**
	 * The form's nonce, from the header or the body.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return true|WP_Error
	 */
	public function verify_nonce( WP_REST_Request $request ) {
		$nonce = (string) ( $request->get_header( 'X-WCK-Nonce' ) ?? '' );
		if ( '' === $nonce ) {
			$nonce = is_string( $request->get_param( 'nonce' ) ) ? (string) $request->get_param( 'nonce' ) : '';
		}
		if ( '' === $nonce || false === wp_verify_nonce( $nonce, self::NONCE ) ) {
			return new WP_Error( 'wck_bad_nonce', __( 'This page has expired. Reload it and try again.', 'wc-klaviyo-sync' ), array( 'status' => 403 ) );
		}
		return true;
	}

	/**
	 * Checks a signup and queues it.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function signup( WP_REST_Request $request ) {
		$email = is_string( $request->get_param( 'email' ) ) ? trim( (string) $request->get_param( 'email' ) ) : '';
		if ( '' === $email ) {
			return $this->refuse( 'email', __( 'Please enter your email address.', 'wc-klaviyo-sync' ) );
		}
		if ( strlen( $email ) > 254 || ! is_email( $email ) ) {
			return $this->refuse( 'email', __( 'Please enter a valid email address.', 'wc-klaviyo-sync' ) );
		}
		$phone = '';
		if ( $this->sms_enabled() && is_string( $request->get_param( 'phone' ) ) ) {
			$phone = trim( (string) $request->get_param( 'phone' ) );
			if ( '' !== $phone && 1 !== preg_match( '/^\+?[0-9 ().-]{6,20}$/', $phone ) ) {
				return $this->refuse( 'phone', __( 'Please enter a valid phone number, or leave it empty.', 'wc-klaviyo-sync' ) );
			}
		}
		$id      = absint( $request->get_param( 'product_id' ) );
		$product = $id > 0 && function_exists( 'wc_get_product' ) ? wc_get_product( $id ) : null;
		if ( ! is_object( $product ) || 'publish' !== self::status_of( $product ) ) {
			return $this->refuse( 'product_id', __( 'This product is not available.', 'wc-klaviyo-sync' ) );
		}
		if ( 'variable' === $product->get_type() ) {
			return $this->refuse( 'product_id', __( 'Please choose an option first.', 'wc-klaviyo-sync' ) );
		}
		if ( $product->is_in_stock() ) {
			return $this->refuse( 'product_id', __( 'This product is in stock: you can order it now.', 'wc-klaviyo-sync' ) );
		}
		$signup = array(
			'email'     => strtolower( $email ),
			'phone'     => $phone,
			'country'   => function_exists( 'WC' ) && isset( WC()->countries ) ? (string) WC()->countries->get_base_country() : '',
			'productId' => (int) $product->get_id(),
		);
		if ( ! $this->sender->enqueue( $signup ) ) {
			return new WP_Error( 'wck_not_queued', __( 'Sorry, we could not save your request. Please try again later.', 'wc-klaviyo-sync' ), array( 'status' => 503 ) );
		}
		return new WP_REST_Response(
			array( 'message' => __( 'Thank you! We will let you know when it is back in stock.', 'wc-klaviyo-sync' ) ),
			200
		);
	}

	/**
	 * Whether the form asks for a phone: SMS is enabled in the consent settings.
	 */
	public function sms_enabled(): bool {
		return $this->consent->enabled( 'sms' );
	}

	/**
	 * A product's post status (a variation's is its own, `publish` while its product is published).
	 *
	 * @param object $product WC_Product.
	 */
	private static function status_of( object $product ): string {
		return method_exists( $product, 'get_status' ) ? (string) $product->get_status() : 'publish';
	}

	/**
	 * A refusal the page shows.
	 *
	 * @param string $field   The field.
	 * @param string $message The message.
	 */
	private function refuse( string $field, string $message ): WP_Error {
		return new WP_Error( 'wck_invalid_field', $message, array( 'status' => 400, 'field' => $field ) );
	}
}
