<?php
/**
 * The consent checkboxes' settings: which are shown and their label texts.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Consent;

defined( 'ABSPATH' ) || exit;

/**
 * Reads the option wc_klaviyo_sync_consent. Each checkbox is on unless switched off; an empty label falls back
 * to the translatable default.
 */
final class ConsentSettings {

	public const OPTION = 'wc_klaviyo_sync_consent';

	/**
	 * The stored option.
	 *
	 * @return array<string, mixed>
	 */
	private function raw(): array {
		$stored = get_option( self::OPTION, array() );
		return is_array( $stored ) ? $stored : array();
	}

	/**
	 * Whether the checkbox for a channel (email, sms) is shown.
	 *
	 * @param string $channel email or sms.
	 */
	public function enabled( string $channel ): bool {
		$raw = $this->raw();
		return ! isset( $raw[ $channel . '_enabled' ] ) || (bool) $raw[ $channel . '_enabled' ];
	}

	/**
	 * The label text shown next to a channel's checkbox.
	 *
	 * @param string $channel email or sms.
	 */
	public function label( string $channel ): string {
		$raw   = $this->raw();
		$label = isset( $raw[ $channel . '_label' ] ) && is_string( $raw[ $channel . '_label' ] ) ? trim( $raw[ $channel . '_label' ] ) : '';
		if ( '' !== $label ) {
			return $label;
		}
		return 'sms' === $channel
			? __( 'Send me news and offers by text message (SMS). Reply STOP to unsubscribe at any time.', 'wc-klaviyo-sync' )
			: __( 'Send me news and offers by email. I can unsubscribe at any time.', 'wc-klaviyo-sync' );
	}

	/**
	 * Whether the checkout asks for a phone (the SMS checkbox is shown only then).
	 */
	public function checkout_asks_for_phone(): bool {
		return 'hidden' !== get_option( 'woocommerce_checkout_phone_field', 'required' );
	}

	/**
	 * The channels whose checkbox is shown at checkout.
	 *
	 * @return list<string>
	 */
	public function checkout_channels(): array {
		$out = array();
		if ( $this->enabled( 'email' ) ) {
			$out[] = 'email';
		}
		if ( $this->enabled( 'sms' ) && $this->checkout_asks_for_phone() ) {
			$out[] = 'sms';
		}
		return $out;
	}
}
