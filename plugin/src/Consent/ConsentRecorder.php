<?php
/**
 * Consent records kept with the order (and the customer).
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Consent;

defined( 'ABSPATH' ) || exit;

/**
 * Appends consent records to the order meta _wck_consent (a JSON list), which WooCommerce includes in every
 * order webhook delivery's meta_data: the records reach the sidecar on the signed, durable webhook path.
 * A record: channel (email, sms), status (granted, withdrawn), the exact label text shown, the time (UTC,
 * ISO 8601), the source (block_checkout, classic_checkout, registration, account_page) and the order or user id.
 */
final class ConsentRecorder {

	public const META_KEY = '_wck_consent';

	/**
	 * A record for now.
	 *
	 * @param string $channel  email or sms.
	 * @param string $status   granted or withdrawn.
	 * @param string $label    The label text shown.
	 * @param string $source   Where it was given.
	 * @param array  $subject  order_id or user_id.
	 * @return array<string, mixed>
	 */
	public static function record( string $channel, string $status, string $label, string $source, array $subject ): array {
		return array_merge(
			array(
				'channel' => $channel,
				'status'  => $status,
				'label'   => $label,
				'at'      => gmdate( 'Y-m-d\TH:i:s\Z' ),
				'source'  => $source,
			),
			$subject
		);
	}

	/**
	 * The records held by an order or customer (WC_Data).
	 *
	 * @param \WC_Data $object Order or customer.
	 * @return list<array<string, mixed>>
	 */
	public static function records_of( \WC_Data $object ): array {
		$raw     = $object->get_meta( self::META_KEY, true );
		$decoded = is_string( $raw ) && '' !== $raw ? json_decode( $raw, true ) : array();
		return is_array( $decoded ) ? array_values( array_filter( $decoded, 'is_array' ) ) : array();
	}

	/**
	 * Appends records to an order or customer's meta (not saved: the caller saves).
	 *
	 * @param \WC_Data                   $object  Order or customer.
	 * @param list<array<string, mixed>> $records New records.
	 */
	public static function append( \WC_Data $object, array $records ): void {
		if ( array() === $records ) {
			return;
		}
		$object->update_meta_data( self::META_KEY, (string) wp_json_encode( array_merge( self::records_of( $object ), $records ) ) );
	}
}
