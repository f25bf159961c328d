<?php
/**
 * The check every machine-to-machine route shares: the sidecar signs its calls with the store's webhook secret.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Machine;

use WcKlaviyoSync\Settings;
use WP_Error;
use WP_REST_Request;

defined( 'ABSPATH' ) || exit;

/**
 * The routes under wc-klaviyo-sync-sidecar/v1 are called by the sidecar only. Not a user's routes, so they are not in
 * Rest\Routes and do not check manage_woocommerce: each is authenticated by `X-WCK-Signature` =
 * base64(HMAC-SHA256(raw body, the store's webhook secret)), the secret WooCommerce signs its deliveries to the
 * sidecar with, compared in constant time, and the body's `sentAt` within five minutes.
 */
final class SignedRequest {

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
	 * Constructor.
	 *
	 * @param Settings $settings Stored settings.
	 */
	public function __construct( Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * The signature over the raw body, and a fresh sentAt (a route's permission_callback).
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
}
