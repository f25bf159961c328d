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

	public const OPTION    = 'wc_klaviyo_sync_consent';
	public const CHANNELS  = array( 'email', 'sms' );
	public const LABEL_MAX = 500;

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
		return self::default_label( $channel );
	}

	/**
	 * Whether the checkout asks for a phone (the SMS checkbox is shown only then).
	 */
	public function checkout_asks_for_phone(): bool {
		return 'hidden' !== get_option( 'woocommerce_checkout_phone_field', 'required' );
	}

	/**
	 * The translatable default label of a channel (shown when no label is saved).
	 *
	 * @param string $channel email or sms.
	 */
	public static function default_label( string $channel ): string {
		return 'sms' === $channel
			? __( 'Send me news and offers by text message (SMS). Reply STOP to unsubscribe at any time.', 'wc-klaviyo-sync' )
			: __( 'Send me news and offers by email. I can unsubscribe at any time.', 'wc-klaviyo-sync' );
	}

	/**
	 * The settings view for the settings page: per channel whether it is on, its saved label ('' = the default),
	 * the label shoppers see and, for SMS, whether the checkout asks for a phone (the box is shown only then).
	 *
	 * @return array<string, mixed>
	 */
	public function view(): array {
		$raw = $this->raw();
		$out = array();
		foreach ( self::CHANNELS as $channel ) {
			$saved           = isset( $raw[ $channel . '_label' ] ) && is_string( $raw[ $channel . '_label' ] ) ? trim( $raw[ $channel . '_label' ] ) : '';
			$out[ $channel ] = array(
				'enabled'      => $this->enabled( $channel ),
				'label'        => $saved,
				'defaultLabel' => self::default_label( $channel ),
				'shownLabel'   => $this->label( $channel ),
			);
		}
		$out['checkoutAsksForPhone'] = $this->checkout_asks_for_phone();
		return $out;
	}

	/**
	 * Saves what is given (a channel or a key omitted keeps the saved value). A label is plain text: tags are
	 * stripped, at most LABEL_MAX characters; '' goes back to the default.
	 *
	 * @param array<string, mixed> $input { email?: { enabled?: bool, label?: string }, sms?: {…} }.
	 * @return true|\WP_Error
	 */
	public function save( array $input ) {
		$raw = $this->raw();
		foreach ( self::CHANNELS as $channel ) {
			if ( ! isset( $input[ $channel ] ) ) {
				continue;
			}
			if ( ! is_array( $input[ $channel ] ) ) {
				return self::invalid( $channel, __( 'Send this checkbox as an object with "enabled" and "label".', 'wc-klaviyo-sync' ) );
			}
			$given = $input[ $channel ];
			if ( array_key_exists( 'enabled', $given ) ) {
				if ( ! is_bool( $given['enabled'] ) ) {
					return self::invalid( $channel . '.enabled', __( 'Send true or false.', 'wc-klaviyo-sync' ) );
				}
				$raw[ $channel . '_enabled' ] = $given['enabled'];
			}
			if ( array_key_exists( 'label', $given ) ) {
				if ( ! is_string( $given['label'] ) ) {
					return self::invalid( $channel . '.label', __( 'The label must be text.', 'wc-klaviyo-sync' ) );
				}
				$label = trim( sanitize_text_field( $given['label'] ) );
				if ( mb_strlen( $label ) > self::LABEL_MAX ) {
					/* translators: %d: maximum number of characters */
					return self::invalid( $channel . '.label', sprintf( __( 'The label can have at most %d characters.', 'wc-klaviyo-sync' ), self::LABEL_MAX ) );
				}
				$raw[ $channel . '_label' ] = $label;
			}
		}
		update_option( self::OPTION, $raw, false );
		return true;
	}

	/**
	 * A 400 naming the field.
	 *
	 * @param string $field   The field.
	 * @param string $message What is wrong, in plain words.
	 */
	private static function invalid( string $field, string $message ): \WP_Error {
		return new \WP_Error( 'wck_invalid_field', $message, array( 'status' => 400, 'field' => $field ) );
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
