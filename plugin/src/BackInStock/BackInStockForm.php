<?php
/**
 * "Notify me when available" on an out-of-stock product's page, in classic and block themes.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\BackInStock;

use WcKlaviyoSync\Admin\AdminPages;

defined( 'ABSPATH' ) || exit;

/**
 * Classic themes: after the add-to-cart area (`woocommerce_single_product_summary`, priority 35). Block themes: after
 * the single-product template's Add to Cart form block (`render_block` for `woocommerce/add-to-cart-form`, which
 * renders WooCommerce's classic add-to-cart templates inside, the variation form included). Each product's form is
 * printed once a page. A simple (or other non-variable) product shows it when it is out of stock; a variable product
 * with an out-of-stock variation prints it hidden, and the `back-in-stock` script shows it when the shopper picks an
 * out-of-stock variation (WooCommerce's `found_variation`), naming that variation. The script posts the form to
 * BackInStockRoute and shows the answer's message in the form.
 */
final class BackInStockForm {

	/**
	 * Products whose form this page printed.
	 *
	 * @var array<int, true>
	 */
	private array $printed = array();

	/**
	 * Whether the form asks for a phone.
	 *
	 * @var callable(): bool
	 */
	private $sms;

	/**
	 * Constructor.
	 *
	 * @param callable(): bool $sms Whether SMS is enabled (the form then asks for a phone).
	 */
	public function __construct( callable $sms ) {
		$this->sms = $sms;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'woocommerce_single_product_summary', array( $this, 'render_classic' ), 35 );
		add_filter( 'render_block_woocommerce/add-to-cart-form', array( $this, 'render_block' ), 10, 2 );
	}

	/**
	 * Classic themes: prints the form for the page's product.
	 */
	public function render_classic(): void {
		global $product;
		echo $this->form( $product ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- form() escapes every part.
	}

	/**
	 * Block themes: the Add to Cart form block, followed by the form.
	 *
	 * @param mixed $content The block's HTML.
	 * @param mixed $block   The parsed block.
	 * @return mixed
	 */
	public function render_block( $content, $block = null ) {
		global $product;
		$current = $product;
		if ( ! is_object( $current ) && function_exists( 'wc_get_product' ) ) {
			$current = wc_get_product( (int) get_the_ID() );
		}
		return (string) $content . $this->form( $current );
	}

	/**
	 * The form's HTML for a product, or '' when it has none (in stock, or printed already).
	 *
	 * @param mixed $product WC_Product.
	 */
	public function form( $product ): string {
		if ( ! is_object( $product ) || ! method_exists( $product, 'get_id' ) ) {
			return '';
		}
		$id       = (int) $product->get_id();
		$variable = 'variable' === $product->get_type();
		if ( isset( $this->printed[ $id ] ) || ( $variable ? ! self::has_out_of_stock_variation( $product ) : $product->is_in_stock() ) ) {
			return '';
		}
		$this->printed[ $id ] = true;
		$this->enqueue();
		$field = 'wck-bis-' . $id;
		$html  = '<form class="wck-back-in-stock" method="post" novalidate'
			. ' data-url="' . esc_url( rest_url( BackInStockRoute::NAMESPACE . BackInStockRoute::ROUTE ) ) . '"'
			. ' data-product-id="' . esc_attr( (string) $id ) . '"'
			. ( $variable ? ' data-variable="1" hidden' : '' ) . '>';
		$html .= '<p class="wck-back-in-stock__title"><strong>' . esc_html__( 'Notify me when available', 'wc-klaviyo-sync' ) . '</strong></p>';
		$html .= '<p class="wck-back-in-stock__field"><label for="' . esc_attr( $field ) . '-email">' . esc_html__( 'Email address', 'wc-klaviyo-sync' ) . '</label> '
			. '<input type="email" id="' . esc_attr( $field ) . '-email" name="email" required autocomplete="email" /></p>';
		if ( ( $this->sms )() ) {
			$html .= '<p class="wck-back-in-stock__field"><label for="' . esc_attr( $field ) . '-phone">' . esc_html__( 'Phone for a text message (optional)', 'wc-klaviyo-sync' ) . '</label> '
				. '<input type="tel" id="' . esc_attr( $field ) . '-phone" name="phone" autocomplete="tel" /></p>';
		}
		$html .= '<input type="hidden" name="product_id" value="' . esc_attr( $variable ? '' : (string) $id ) . '" />';
		$html .= '<input type="hidden" name="nonce" value="' . esc_attr( wp_create_nonce( BackInStockRoute::NONCE ) ) . '" />';
		$html .= '<p><button type="submit" class="button wck-back-in-stock__submit">' . esc_html__( 'Notify me', 'wc-klaviyo-sync' ) . '</button></p>';
		$html .= '<p class="wck-back-in-stock__message" role="status" aria-live="polite"></p>';
		$html .= '</form>';
		return $html;
	}

	/**
	 * Whether a variable product has a variation out of stock.
	 *
	 * @param object $product WC_Product_Variable.
	 */
	private static function has_out_of_stock_variation( object $product ): bool {
		foreach ( method_exists( $product, 'get_children' ) ? (array) $product->get_children() : array() as $child_id ) {
			$child = function_exists( 'wc_get_product' ) ? wc_get_product( (int) $child_id ) : null;
			if ( is_object( $child ) && ! $child->is_in_stock() ) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Enqueues the form's script (built into plugin/build), once.
	 */
	private function enqueue(): void {
		$handle = 'wc-klaviyo-sync-back-in-stock';
		if ( wp_script_is( $handle, 'enqueued' ) || ! AdminPages::is_built( 'back-in-stock' ) ) {
			return;
		}
		$asset = require AdminPages::build_path( 'back-in-stock.asset.php' );
		$asset = is_array( $asset ) ? $asset : array();
		wp_enqueue_script(
			$handle,
			plugins_url( 'build/back-in-stock.js', WC_KLAVIYO_SYNC_FILE ),
			isset( $asset['dependencies'] ) && is_array( $asset['dependencies'] ) ? $asset['dependencies'] : array(),
			isset( $asset['version'] ) ? (string) $asset['version'] : WC_KLAVIYO_SYNC_VERSION,
			true
		);
		wp_set_script_translations( $handle, 'wc-klaviyo-sync', plugin_dir_path( WC_KLAVIYO_SYNC_FILE ) . 'languages' );
	}
}
