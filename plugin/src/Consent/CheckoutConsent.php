<?php
/**
 * Opt-in checkboxes on the block and classic checkouts.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Consent;

defined( 'ABSPATH' ) || exit;

/**
 * Block checkout: the checkboxes are additional checkout fields (never pre-ticked, never required); when the
 * Store API places the order, each ticked box becomes a consent record on the order. Classic checkout: the
 * checkboxes are rendered before the submit button and recorded when the order is created. Nothing here makes a
 * request: the records travel in the order webhook's meta_data.
 */
final class CheckoutConsent {

	public const FIELD_PREFIX = 'wc-klaviyo-sync/';
	public const POST_PREFIX  = 'wck_consent_';

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
		if ( did_action( 'woocommerce_init' ) ) {
			$this->register_block_fields();
		} else {
			add_action( 'woocommerce_init', array( $this, 'register_block_fields' ) );
		}
		add_action( 'woocommerce_store_api_checkout_update_order_from_request', array( $this, 'record_block_checkout' ), 10, 1 );
		add_action( 'woocommerce_review_order_before_submit', array( $this, 'render_classic_checkboxes' ) );
		add_action( 'woocommerce_checkout_create_order', array( $this, 'record_classic_checkout' ), 10, 1 );
	}

	/**
	 * The additional checkout field id of a channel's checkbox.
	 *
	 * @param string $channel email or sms.
	 */
	public static function field_id( string $channel ): string {
		return self::FIELD_PREFIX . $channel . '-marketing';
	}

	/**
	 * Registers the checkboxes with WooCommerce's additional checkout fields API (block checkout).
	 */
	public function register_block_fields(): void {
		if ( ! function_exists( 'woocommerce_register_additional_checkout_field' ) ) {
			return;
		}
		foreach ( $this->settings->checkout_channels() as $channel ) {
			woocommerce_register_additional_checkout_field(
				array(
					'id'       => self::field_id( $channel ),
					'label'    => $this->settings->label( $channel ),
					'location' => 'order',
					'type'     => 'checkbox',
					'required' => false,
				)
			);
		}
	}

	/**
	 * Block checkout: the ticked checkboxes (persisted by WooCommerce as the order's additional fields) become
	 * consent records.
	 *
	 * @param \WC_Order $order The order being placed.
	 */
	public function record_block_checkout( $order ): void {
		if ( ! $order instanceof \WC_Order ) {
			return;
		}
		$ticked = array();
		foreach ( $this->settings->checkout_channels() as $channel ) {
			$value = $order->get_meta( '_wc_other/' . self::field_id( $channel ), true );
			if ( true === $value || '1' === $value || 1 === $value || 'true' === $value ) {
				$ticked[] = $channel;
			}
		}
		$this->record( $order, $ticked, 'block_checkout' );
	}

	/**
	 * Classic checkout: the checkboxes before the submit button.
	 */
	public function render_classic_checkboxes(): void {
		foreach ( $this->settings->checkout_channels() as $channel ) {
			woocommerce_form_field(
				self::POST_PREFIX . $channel,
				array(
					'type'     => 'checkbox',
					'class'    => array( 'form-row-wide', 'wck-consent' ),
					'label'    => esc_html( $this->settings->label( $channel ) ),
					'required' => false,
					'default'  => 0,
				),
				0
			);
		}
	}

	/**
	 * Classic checkout: the ticked checkboxes become consent records (WooCommerce checked the checkout nonce
	 * before it creates the order).
	 *
	 * @param \WC_Order $order The order being created.
	 */
	public function record_classic_checkout( $order ): void {
		if ( ! $order instanceof \WC_Order ) {
			return;
		}
		$ticked = array();
		foreach ( $this->settings->checkout_channels() as $channel ) {
			// phpcs:ignore WordPress.Security.NonceVerification.Missing -- verified by WC_Checkout::process_checkout.
			if ( ! empty( $_POST[ self::POST_PREFIX . $channel ] ) ) {
				$ticked[] = $channel;
			}
		}
		$this->record( $order, $ticked, 'classic_checkout' );
	}

	/**
	 * Appends a granted record per ticked channel, once per order and channel.
	 *
	 * @param \WC_Order    $order  The order.
	 * @param list<string> $ticked Ticked channels.
	 * @param string       $source block_checkout or classic_checkout.
	 */
	private function record( \WC_Order $order, array $ticked, string $source ): void {
		$held = array();
		foreach ( ConsentRecorder::records_of( $order ) as $r ) {
			$held[ ( $r['channel'] ?? '' ) . '|' . ( $r['source'] ?? '' ) ] = true;
		}
		$records = array();
		foreach ( $ticked as $channel ) {
			if ( isset( $held[ $channel . '|' . $source ] ) ) {
				continue;
			}
			$subject   = $order->get_id() > 0 ? array( 'order_id' => $order->get_id() ) : array();
			$records[] = ConsentRecorder::record( $channel, 'granted', $this->settings->label( $channel ), $source, $subject );
		}
		ConsentRecorder::append( $order, $records );
	}
}
