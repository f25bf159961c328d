<?php
/**
 * What a Klaviyo flow webhook's action does in WooCommerce, as the sidecar asks for it.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Flows;

use WC_Coupon;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * `coupon`: a single-use coupon restricted to the email, one per flow message key (the same key gives the same
 * coupon back). `tag`: a customer tag (user meta `_wck_tag`, one row per tag) added or removed, or a note on the
 * customer's latest order, once per key. Every value was checked by the sidecar; the types are checked again here.
 */
final class FlowActions {

	/** Coupon meta: the flow message key that made it. */
	public const COUPON_KEY_META = '_wck_flow_key';

	/** User meta: one row per customer tag. */
	public const TAG_META = '_wck_tag';

	/** Order meta: the flow message keys whose note was added. */
	public const NOTE_KEYS_META = '_wck_flow_note_keys';

	/**
	 * A string field of the body.
	 *
	 * @param array<string, mixed> $body Body.
	 * @param string               $name Field.
	 */
	private static function text( array $body, string $name ): string {
		return isset( $body[ $name ] ) && is_scalar( $body[ $name ] ) ? trim( (string) $body[ $name ] ) : '';
	}

	/**
	 * A 400 naming the field.
	 *
	 * @param string $field Field.
	 */
	private static function invalid( string $field ): WP_Error {
		/* translators: %s: the field's name */
		return new WP_Error( 'wck_invalid_field', sprintf( __( 'The flow action\'s "%s" is missing or not valid.', 'wc-klaviyo-sync' ), $field ), array( 'status' => 400, 'field' => $field ) );
	}

	/**
	 * The answer for a coupon.
	 *
	 * @param WC_Coupon $coupon  Coupon.
	 * @param bool      $created Made by this call.
	 * @return array<string, mixed>
	 */
	private static function coupon_view( WC_Coupon $coupon, bool $created ): array {
		$expires = $coupon->get_date_expires();
		return array(
			'couponId'   => $coupon->get_id(),
			'code'       => $coupon->get_code(),
			'expiresAt'  => $expires ? gmdate( 'Y-m-d\TH:i:s\Z', $expires->getTimestamp() ) : null,
			'usageCount' => $coupon->get_usage_count(),
			'created'    => $created,
		);
	}

	/**
	 * Body { key, email, discountType: percent|fixed_cart, amount, expiryDays, minimumAmount? }.
	 *
	 * @param array<string, mixed> $body Body.
	 * @return array<string, mixed>|WP_Error
	 */
	public function coupon( array $body ) {
		if ( ! class_exists( 'WC_Coupon' ) ) {
			return new WP_Error( 'wck_no_coupons', __( 'WooCommerce coupons are not available on this store.', 'wc-klaviyo-sync' ), array( 'status' => 501 ) );
		}
		$key    = self::text( $body, 'key' );
		$email  = sanitize_email( self::text( $body, 'email' ) );
		$type   = self::text( $body, 'discountType' );
		$amount = self::text( $body, 'amount' );
		$days   = (int) self::text( $body, 'expiryDays' );
		$min    = self::text( $body, 'minimumAmount' );
		if ( '' === $key || strlen( $key ) > 200 ) {
			return self::invalid( 'key' );
		}
		if ( '' === $email || ! is_email( $email ) ) {
			return self::invalid( 'email' );
		}
		if ( ! in_array( $type, array( 'percent', 'fixed_cart' ), true ) ) {
			return self::invalid( 'discountType' );
		}
		if ( 1 !== preg_match( '/^\d{1,9}(\.\d{1,4})?$/', $amount ) || ( 'percent' === $type && (float) $amount > 100 ) ) {
			return self::invalid( 'amount' );
		}
		if ( $days < 1 || $days > 3650 ) {
			return self::invalid( 'expiryDays' );
		}
		if ( '' !== $min && 1 !== preg_match( '/^\d{1,9}(\.\d{1,4})?$/', $min ) ) {
			return self::invalid( 'minimumAmount' );
		}
		$existing = get_posts(
			array(
				'post_type'   => 'shop_coupon',
				'post_status' => 'any',
				'meta_key'    => self::COUPON_KEY_META, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_key
				'meta_value'  => $key, // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_value
				'numberposts' => 1,
				'fields'      => 'ids',
			)
		);
		if ( $existing ) {
			return self::coupon_view( new WC_Coupon( (int) $existing[0] ), false );
		}
		$coupon = new WC_Coupon();
		$coupon->set_code( 'wck-' . strtolower( wp_generate_password( 10, false, false ) ) );
		$coupon->set_discount_type( $type );
		$coupon->set_amount( $amount );
		$coupon->set_date_expires( time() + $days * DAY_IN_SECONDS );
		$coupon->set_usage_limit( 1 );
		$coupon->set_usage_limit_per_user( 1 );
		$coupon->set_individual_use( true );
		$coupon->set_email_restrictions( array( strtolower( $email ) ) );
		if ( '' !== $min ) {
			$coupon->set_minimum_amount( $min );
		}
		/* translators: %s: the email address the coupon is for */
		$coupon->set_description( sprintf( __( 'Made by a Klaviyo flow for %s (single use).', 'wc-klaviyo-sync' ), $email ) );
		$coupon->update_meta_data( self::COUPON_KEY_META, $key );
		$coupon->save();
		return self::coupon_view( $coupon, true );
	}

	/**
	 * Body { key, email, tag, op: add|remove, target: customer|order_note, note? }.
	 *
	 * @param array<string, mixed> $body Body.
	 * @return array<string, mixed>|WP_Error
	 */
	public function tag( array $body ) {
		$key    = self::text( $body, 'key' );
		$email  = sanitize_email( self::text( $body, 'email' ) );
		$tag    = sanitize_text_field( self::text( $body, 'tag' ) );
		$op     = self::text( $body, 'op' );
		$target = self::text( $body, 'target' );
		if ( '' === $key ) {
			return self::invalid( 'key' );
		}
		if ( '' === $email || ! is_email( $email ) ) {
			return self::invalid( 'email' );
		}
		if ( '' === $tag || strlen( $tag ) > 64 ) {
			return self::invalid( 'tag' );
		}
		if ( 'order_note' === $target ) {
			return $this->order_note( $key, $email, $tag, sanitize_textarea_field( self::text( $body, 'note' ) ) );
		}
		if ( 'customer' !== $target ) {
			return self::invalid( 'target' );
		}
		if ( ! in_array( $op, array( 'add', 'remove' ), true ) ) {
			return self::invalid( 'op' );
		}
		$user = get_user_by( 'email', $email );
		if ( ! $user ) {
			/* translators: %s: an email address */
			return new WP_Error( 'wck_no_customer', sprintf( __( 'No customer account has the email %s.', 'wc-klaviyo-sync' ), $email ), array( 'status' => 404 ) );
		}
		$tags = array_map( 'strval', (array) get_user_meta( $user->ID, self::TAG_META, false ) );
		if ( 'add' === $op && ! in_array( $tag, $tags, true ) ) {
			add_user_meta( $user->ID, self::TAG_META, $tag );
		} elseif ( 'remove' === $op ) {
			delete_user_meta( $user->ID, self::TAG_META, $tag );
		}
		return array(
			'userId' => $user->ID,
			'tags'   => array_values( array_map( 'strval', (array) get_user_meta( $user->ID, self::TAG_META, false ) ) ),
		);
	}

	/**
	 * A note on the customer's latest order, once per key.
	 *
	 * @param string $key   Flow message key.
	 * @param string $email Email.
	 * @param string $tag   Tag.
	 * @param string $note  Note text ('' = a default naming the tag).
	 * @return array<string, mixed>|WP_Error
	 */
	private function order_note( string $key, string $email, string $tag, string $note ) {
		if ( ! function_exists( 'wc_get_orders' ) ) {
			return new WP_Error( 'wck_no_orders', __( 'WooCommerce orders are not available on this store.', 'wc-klaviyo-sync' ), array( 'status' => 501 ) );
		}
		$orders = wc_get_orders(
			array(
				'billing_email' => $email,
				'limit'         => 1,
				'orderby'       => 'date',
				'order'         => 'DESC',
				'type'          => 'shop_order',
			)
		);
		$order  = is_array( $orders ) && isset( $orders[0] ) ? $orders[0] : null;
		if ( ! $order instanceof \WC_Order ) {
			/* translators: %s: an email address */
			return new WP_Error( 'wck_no_order', sprintf( __( 'No order has the billing email %s.', 'wc-klaviyo-sync' ), $email ), array( 'status' => 404 ) );
		}
		$keys = $order->get_meta( self::NOTE_KEYS_META );
		$keys = is_array( $keys ) ? $keys : array();
		if ( ! in_array( $key, $keys, true ) ) {
			/* translators: %s: the tag */
			$text = '' !== $note ? $note : sprintf( __( 'Klaviyo flow: %s', 'wc-klaviyo-sync' ), $tag );
			$order->add_order_note( $text );
			$keys[] = $key;
			$order->update_meta_data( self::NOTE_KEYS_META, array_slice( $keys, -50 ) );
			$order->save();
		}
		return array(
			'orderId' => $order->get_id(),
			'noted'   => true,
		);
	}
}
