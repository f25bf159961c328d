<?php
/**
 * Opt-in on the My Account registration form and "Marketing preferences" in My Account → Account details.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Consent;

defined( 'ABSPATH' ) || exit;

/**
 * Registration: an unticked email checkbox (the form asks for no phone, so no SMS box); when WooCommerce creates
 * the customer from that form, a ticked box becomes a granted record (source registration). Account details: a
 * logged-in customer sees one checkbox per channel, ticked when their latest record for it is a grant; changing
 * it records a grant or a withdrawal (source account_page). Records go into the user meta _wck_consent through
 * WC_Customer::save(), which fires woocommerce_update_customer, so a customer.updated webhook carries them in
 * meta_data (signed and retried by WooCommerce). Nothing here makes a request.
 */
final class AccountConsent {

	public const REGISTER_PREFIX = 'wck_consent_register_';
	public const ACCOUNT_PREFIX  = 'wck_consent_account_';
	public const ACCOUNT_MARKER  = 'wck_consent_account_form';

	/**
	 * Which checkboxes are shown, with their labels.
	 *
	 * @var ConsentSettings
	 */
	private ConsentSettings $settings;

	/**
	 * Constructor.
	 *
	 * @param ConsentSettings $settings Checkbox settings.
	 */
	public function __construct( ConsentSettings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Registers the hooks.
	 */
	public function register(): void {
		add_action( 'woocommerce_register_form', array( $this, 'render_registration' ) );
		add_action( 'woocommerce_created_customer', array( $this, 'record_registration' ), 10, 1 );
		add_action( 'woocommerce_edit_account_form', array( $this, 'render_account' ) );
		add_action( 'woocommerce_save_account_details', array( $this, 'record_account' ), 10, 1 );
		add_filter( 'is_protected_meta', array( $this, 'unprotect_user_records' ), 10, 3 );
	}

	/**
	 * WooCommerce's REST customers payload (the customer webhook body) leaves out protected user meta, which every
	 * key starting with "_" is: the user meta _wck_consent alone is declared not protected, so meta_data carries it.
	 * WordPress shows no custom-fields box for users, and the key stays protected on posts and orders.
	 *
	 * @param bool|mixed   $protected Whether the key is protected.
	 * @param string|mixed $meta_key  Meta key.
	 * @param string|mixed $meta_type Object type (post, user, …).
	 * @return bool|mixed
	 */
	public function unprotect_user_records( $protected, $meta_key, $meta_type = '' ) {
		return ConsentRecorder::META_KEY === $meta_key && 'user' === $meta_type ? false : $protected;
	}

	/**
	 * The channels offered on the registration form.
	 *
	 * @return list<string>
	 */
	public function registration_channels(): array {
		return $this->settings->enabled( 'email' ) ? array( 'email' ) : array();
	}

	/**
	 * The channels offered in Account details (SMS only where the checkout asks for a phone).
	 *
	 * @return list<string>
	 */
	public function account_channels(): array {
		return $this->settings->checkout_channels();
	}

	/**
	 * The latest status per channel among records (by their own time, then by position).
	 *
	 * @param list<array<string, mixed>> $records Records.
	 * @return array<string, string> channel => granted|withdrawn
	 */
	public static function current( array $records ): array {
		$latest = array();
		foreach ( $records as $record ) {
			$channel = isset( $record['channel'] ) && is_string( $record['channel'] ) ? $record['channel'] : '';
			$at      = isset( $record['at'] ) && is_string( $record['at'] ) ? $record['at'] : '';
			$status  = isset( $record['status'] ) && is_string( $record['status'] ) ? $record['status'] : '';
			if ( '' === $channel || '' === $status ) {
				continue;
			}
			if ( ! isset( $latest[ $channel ] ) || strcmp( $at, $latest[ $channel ][0] ) >= 0 ) {
				$latest[ $channel ] = array( $at, $status );
			}
		}
		return array_map( static fn( array $l ): string => $l[1], $latest );
	}

	/**
	 * One checkbox, unticked unless $checked.
	 *
	 * @param string $name    Field name.
	 * @param string $label   Label text.
	 * @param bool   $checked Whether it is ticked.
	 */
	private static function checkbox( string $name, string $label, bool $checked ): void {
		echo '<p class="form-row form-row-wide wck-consent">';
		echo '<label class="woocommerce-form__label woocommerce-form__label-for-checkbox checkbox" for="' . esc_attr( $name ) . '">';
		echo '<input type="checkbox" class="woocommerce-form__input woocommerce-form__input-checkbox input-checkbox" name="' . esc_attr( $name ) . '" id="' . esc_attr( $name ) . '" value="1"' . ( $checked ? ' checked="checked"' : '' ) . ' /> ';
		echo '<span>' . esc_html( $label ) . '</span>';
		echo '</label></p>';
	}

	/**
	 * Registration form: the unticked email checkbox.
	 */
	public function render_registration(): void {
		foreach ( $this->registration_channels() as $channel ) {
			self::checkbox( self::REGISTER_PREFIX . $channel, $this->settings->label( $channel ), false );
		}
	}

	/**
	 * A customer created from the registration form (WooCommerce verified its nonce before creating it).
	 *
	 * @param int|mixed $customer_id The new user's id.
	 */
	public function record_registration( $customer_id ): void {
		$customer_id = (int) $customer_id;
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- WC_Form_Handler::process_registration verified it.
		if ( $customer_id <= 0 || ! isset( $_POST['woocommerce-register-nonce'] ) ) {
			return;
		}
		$records = array();
		foreach ( $this->registration_channels() as $channel ) {
			// phpcs:ignore WordPress.Security.NonceVerification.Missing -- verified by WooCommerce, see above.
			if ( ! empty( $_POST[ self::REGISTER_PREFIX . $channel ] ) ) {
				$records[] = ConsentRecorder::record( $channel, 'granted', $this->settings->label( $channel ), 'registration', array( 'user_id' => $customer_id ) );
			}
		}
		$this->save( $customer_id, $records );
	}

	/**
	 * Account details: the "Marketing preferences" section.
	 */
	public function render_account(): void {
		$user_id  = get_current_user_id();
		$channels = $this->account_channels();
		if ( $user_id <= 0 || array() === $channels ) {
			return;
		}
		$current = self::current( ConsentRecorder::records_of( new \WC_Customer( $user_id ) ) );
		echo '<fieldset class="wck-marketing-preferences"><legend>' . esc_html__( 'Marketing preferences', 'wc-klaviyo-sync' ) . '</legend>';
		echo '<input type="hidden" name="' . esc_attr( self::ACCOUNT_MARKER ) . '" value="1" />';
		foreach ( $channels as $channel ) {
			self::checkbox( self::ACCOUNT_PREFIX . $channel, $this->settings->label( $channel ), 'granted' === ( $current[ $channel ] ?? '' ) );
		}
		echo '</fieldset>';
	}

	/**
	 * Account details saved (WooCommerce verified the form's nonce and saved the customer): a changed box
	 * becomes a grant or a withdrawal.
	 *
	 * @param int|mixed $user_id The customer's user id.
	 */
	public function record_account( $user_id ): void {
		$user_id = (int) $user_id;
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- WC_Form_Handler::save_account_details verified it.
		if ( $user_id <= 0 || $user_id !== get_current_user_id() || empty( $_POST[ self::ACCOUNT_MARKER ] ) ) {
			return;
		}
		$current = self::current( ConsentRecorder::records_of( new \WC_Customer( $user_id ) ) );
		$records = array();
		foreach ( $this->account_channels() as $channel ) {
			// phpcs:ignore WordPress.Security.NonceVerification.Missing -- verified by WooCommerce, see above.
			$wanted  = ! empty( $_POST[ self::ACCOUNT_PREFIX . $channel ] );
			$granted = 'granted' === ( $current[ $channel ] ?? '' );
			if ( $wanted !== $granted ) {
				$records[] = ConsentRecorder::record( $channel, $wanted ? 'granted' : 'withdrawn', $this->settings->label( $channel ), 'account_page', array( 'user_id' => $user_id ) );
			}
		}
		$this->save( $user_id, $records );
	}

	/**
	 * Appends records to the customer and saves it through WooCommerce, which fires woocommerce_update_customer
	 * (the customer.updated webhook) even when only meta changed.
	 *
	 * @param int                        $user_id User id.
	 * @param list<array<string, mixed>> $records New records.
	 */
	private function save( int $user_id, array $records ): void {
		if ( array() === $records ) {
			return;
		}
		$customer = new \WC_Customer( $user_id );
		ConsentRecorder::append( $customer, $records );
		$customer->save();
	}
}
