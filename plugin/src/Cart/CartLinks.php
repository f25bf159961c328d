<?php
/**
 * The carts the plugin captured, kept in WordPress, and the signed links that restore them.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Cart;

use WcKlaviyoSync\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * A captured cart is a transient `wck_cart_<token>` (its items, the shopper's email, when its link expires, and the
 * order it became), kept as long as its link is valid. A link is `home_url( '/' )` with `wck_cart` (the token),
 * `wck_exp` (UTC seconds) and `wck_sig` = hex HMAC-SHA256 of "token|exp" keyed with a per-store secret the plugin
 * holds (`wc_klaviyo_sync_cart_secret`, 48 alphanumerics, generated once, never sent anywhere).
 */
final class CartLinks {

	public const SECRET_OPTION = 'wc_klaviyo_sync_cart_secret';
	public const TRANSIENT     = 'wck_cart_';
	public const TOKEN_PATTERN = '/^[A-Za-z0-9]{24}$/';

	/**
	 * How long a restore link works, in seconds: 7 days unless the `wc_klaviyo_sync_cart_link_ttl` filter says.
	 */
	public static function ttl(): int {
		/**
		 * Filters how long a cart restore link (CheckoutURL) works, in seconds.
		 *
		 * @param int $ttl Seconds; 7 days by default.
		 */
		$ttl = (int) apply_filters( 'wc_klaviyo_sync_cart_link_ttl', 7 * DAY_IN_SECONDS );
		return max( 60, $ttl );
	}

	/**
	 * The per-store secret the links are signed with.
	 */
	private static function secret(): string {
		return Settings::generated_secret( self::SECRET_OPTION );
	}

	/**
	 * The signature of a token and an expiry.
	 *
	 * @param string $token   Cart token.
	 * @param int    $expires UTC seconds.
	 */
	public static function signature( string $token, int $expires ): string {
		return hash_hmac( 'sha256', $token . '|' . $expires, self::secret() );
	}

	/**
	 * The restore link of a cart.
	 *
	 * @param string $token   Cart token.
	 * @param int    $expires UTC seconds.
	 */
	public static function url( string $token, int $expires ): string {
		return add_query_arg(
			array(
				'wck_cart' => $token,
				'wck_exp'  => $expires,
				'wck_sig'  => self::signature( $token, $expires ),
			),
			home_url( '/' )
		);
	}

	/**
	 * A new cart token.
	 */
	public static function new_token(): string {
		return wp_generate_password( 24, false, false );
	}

	/**
	 * The stored cart of a token, or null.
	 *
	 * @param string $token Cart token.
	 * @return array<string, mixed>|null
	 */
	public static function record( string $token ): ?array {
		if ( 1 !== preg_match( self::TOKEN_PATTERN, $token ) ) {
			return null;
		}
		$record = get_transient( self::TRANSIENT . $token );
		return is_array( $record ) ? $record : null;
	}

	/**
	 * Stores a cart until its link expires.
	 *
	 * @param string               $token  Cart token.
	 * @param array<string, mixed> $record Items, email, expires, order_id.
	 */
	public static function put( string $token, array $record ): void {
		$ttl = max( 60, (int) ( $record['expires'] ?? 0 ) - time() );
		set_transient( self::TRANSIENT . $token, $record, $ttl );
	}

	/**
	 * Remembers that the cart became an order: its link is refused from now on, and what is still queued for it
	 * names the order.
	 *
	 * @param string $token    Cart token.
	 * @param int    $order_id The order.
	 */
	public static function mark_ordered( string $token, int $order_id ): void {
		if ( 1 !== preg_match( self::TOKEN_PATTERN, $token ) ) {
			return;
		}
		$record = self::record( $token );
		if ( null === $record ) {
			// Its queued capture has not stored the cart yet: keep the order, which that capture will not undo.
			$record = array( 'expires' => time() + self::ttl() );
		}
		if ( empty( $record['order_id'] ) ) {
			$record['order_id'] = $order_id;
			self::put( $token, $record );
		}
	}

	/**
	 * Stores a captured cart (from the queued capture, outside the shopper's request), keeping the order it already
	 * became, if any.
	 *
	 * @param string               $token  Cart token.
	 * @param array<string, mixed> $record Email, expiry and items.
	 */
	public static function keep( string $token, array $record ): void {
		if ( 1 !== preg_match( self::TOKEN_PATTERN, $token ) ) {
			return;
		}
		$stored = self::record( $token );
		if ( null !== $stored && ! empty( $stored['order_id'] ) ) {
			$record['order_id'] = (int) $stored['order_id'];
		}
		self::put( $token, $record );
	}

	/**
	 * Checks a restore link's parameters: the stored cart, or why it is refused.
	 *
	 * @param mixed $token   wck_cart.
	 * @param mixed $expires wck_exp.
	 * @param mixed $sig     wck_sig.
	 * @return array<string, mixed>|\WP_Error
	 */
	public static function verify( $token, $expires, $sig ) {
		$token   = is_string( $token ) ? $token : '';
		$expires = is_string( $expires ) || is_int( $expires ) ? (string) $expires : '';
		$sig     = is_string( $sig ) ? $sig : '';
		if ( 1 !== preg_match( self::TOKEN_PATTERN, $token ) || 1 !== preg_match( '/^\d{1,12}$/', $expires ) || ! hash_equals( self::signature( $token, (int) $expires ), $sig ) ) {
			return new \WP_Error( 'wck_cart_link_invalid', __( 'This cart link is not valid: it may have been changed or copied incompletely.', 'wc-klaviyo-sync' ), array( 'status' => 403 ) );
		}
		if ( (int) $expires < time() ) {
			return new \WP_Error( 'wck_cart_link_expired', __( 'This cart link has expired. The products are still in the shop: add them to your cart again.', 'wc-klaviyo-sync' ), array( 'status' => 410 ) );
		}
		$record = self::record( $token );
		if ( null === $record ) {
			return new \WP_Error( 'wck_cart_link_expired', __( 'This cart link has expired. The products are still in the shop: add them to your cart again.', 'wc-klaviyo-sync' ), array( 'status' => 410 ) );
		}
		if ( ! empty( $record['order_id'] ) ) {
			return new \WP_Error( 'wck_cart_link_used', __( 'This cart has already been ordered, so its link no longer works.', 'wc-klaviyo-sync' ), array( 'status' => 410 ) );
		}
		return $record;
	}
}
