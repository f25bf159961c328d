<?php
/**
 * Opens a cart restore link (the CheckoutURL Klaviyo's emails carry): fills the cart and goes to the checkout.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Cart;

defined( 'ABSPATH' ) || exit;

/**
 * On any front-end request with `wck_cart`, the link is checked (CartLinks::verify: signature, expiry, the stored
 * cart, not yet ordered). A good link empties this browser's cart, adds the stored items (product, variation and its
 * attributes, quantity), adopts the cart's token (so it stays the same cart), fills in the email when the session
 * has none, and redirects to the checkout. A refused link shows WordPress's own message page (so it reads the same in
 * classic and block themes) with the reason, status 403 or 410, and a link to the shop; nothing in the cart changes.
 */
final class CartRestore {

	/**
	 * Registers the hook.
	 */
	public function register(): void {
		add_action( 'template_redirect', array( $this, 'maybe_restore' ), 1 );
	}

	/**
	 * Handles a restore link, if the request carries one.
	 */
	public function maybe_restore(): void {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- the link is signed; it is opened from an email.
		if ( ! isset( $_GET['wck_cart'] ) ) {
			return;
		}
		$result = $this->restore(
			sanitize_text_field( wp_unslash( (string) $_GET['wck_cart'] ) ),
			isset( $_GET['wck_exp'] ) ? sanitize_text_field( wp_unslash( (string) $_GET['wck_exp'] ) ) : '',
			isset( $_GET['wck_sig'] ) ? sanitize_text_field( wp_unslash( (string) $_GET['wck_sig'] ) ) : ''
		);
		// phpcs:enable
		nocache_headers();
		if ( is_wp_error( $result ) ) {
			$data = $result->get_error_data();
			wp_die(
				esc_html( $result->get_error_message() ),
				esc_html__( 'This cart link cannot be used', 'wc-klaviyo-sync' ),
				array(
					'response'  => is_array( $data ) && isset( $data['status'] ) ? (int) $data['status'] : 403,
					'link_url'  => esc_url( function_exists( 'wc_get_page_permalink' ) ? wc_get_page_permalink( 'shop' ) : home_url( '/' ) ),
					'link_text' => esc_html__( 'Continue shopping', 'wc-klaviyo-sync' ),
				)
			);
		}
		wp_safe_redirect( $result );
		exit;
	}

	/**
	 * Checks a link and fills the cart: the checkout URL to go to, or why the link is refused.
	 *
	 * @param string $token   wck_cart.
	 * @param string $expires wck_exp.
	 * @param string $sig     wck_sig.
	 * @return string|\WP_Error
	 */
	public function restore( string $token, string $expires, string $sig ) {
		$record = CartLinks::verify( $token, $expires, $sig );
		if ( is_wp_error( $record ) ) {
			return $record;
		}
		if ( ! function_exists( 'WC' ) || ! WC()->cart ) {
			return new \WP_Error( 'wck_cart_unavailable', __( 'The cart cannot be restored right now. Please try again.', 'wc-klaviyo-sync' ), array( 'status' => 503 ) );
		}
		if ( WC()->session && ! WC()->session->has_session() ) {
			WC()->session->set_customer_session_cookie( true );
		}
		$added = 0;
		CartCapture::while_restoring(
			static function () use ( $record, &$added ): void {
				WC()->cart->empty_cart();
				foreach ( (array) ( $record['items'] ?? array() ) as $item ) {
					$variation = isset( $item['variation'] ) && is_array( $item['variation'] ) ? $item['variation'] : array();
					$key       = WC()->cart->add_to_cart( (int) ( $item['product_id'] ?? 0 ), max( 1, (int) ( $item['quantity'] ?? 1 ) ), (int) ( $item['variation_id'] ?? 0 ), $variation );
					if ( $key ) {
						++$added;
					}
				}
			}
		);
		if ( 0 === $added ) {
			return new \WP_Error( 'wck_cart_unavailable', __( 'The products in this cart are no longer available.', 'wc-klaviyo-sync' ), array( 'status' => 410 ) );
		}
		CartCapture::adopt( $token );
		$email = (string) ( $record['email'] ?? '' );
		if ( WC()->customer && '' === (string) WC()->customer->get_billing_email() && is_email( $email ) ) {
			WC()->customer->set_billing_email( $email );
			WC()->customer->save();
		}
		return wc_get_checkout_url();
	}
}
