<?php
/**
 * Captures the shopper's cart when it is known whose it is, for Started Checkout and Added to Cart.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Cart;

use WcKlaviyoSync\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * Thin capture, nothing decided here: when the shopper's email becomes known at checkout (the block checkout's Store
 * API customer update, the classic checkout's order review update, a logged-in customer on the checkout page) the
 * cart is captured as `cart.checkout_started`; an item added by an identified shopper (logged in, or whose email
 * the session knows) as `cart.item_added`. A capture is a snapshot of the session's cart handed to the queue
 * (CartSender): nothing in the shopper's request talks to the sidecar. The same cart and email captured again in the
 * same session is not queued again. A cart that becomes an order is marked so (its link is refused, what is still
 * queued names the order) and the session starts a new cart token.
 */
final class CartCapture {

	public const SESSION_TOKEN = 'wck_cart_token';
	public const SESSION_SENT  = 'wck_cart_sent';

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * The queue.
	 *
	 * @var CartSender
	 */
	private CartSender $sender;

	/**
	 * While a restore link refills the cart: its add_to_cart calls are not Added to Cart.
	 *
	 * @var bool
	 */
	private static bool $restoring = false;

	/**
	 * Constructor.
	 *
	 * @param Settings   $settings Stored settings.
	 * @param CartSender $sender   The queue.
	 */
	public function __construct( Settings $settings, CartSender $sender ) {
		$this->settings = $settings;
		$this->sender   = $sender;
	}

	/**
	 * Registers the hooks.
	 */
	public function register(): void {
		add_action( 'woocommerce_store_api_cart_update_customer_from_request', array( $this, 'on_block_customer_update' ), 10, 1 );
		add_action( 'woocommerce_checkout_update_order_review', array( $this, 'on_classic_order_review' ), 10, 1 );
		add_action( 'template_redirect', array( $this, 'on_checkout_page' ), 20 );
		add_action( 'woocommerce_add_to_cart', array( $this, 'on_add_to_cart' ), 10, 4 );
		add_action( 'woocommerce_checkout_order_processed', array( $this, 'on_order' ), 10, 3 );
		add_action( 'woocommerce_store_api_checkout_order_processed', array( $this, 'on_order' ), 10, 1 );
	}

	/**
	 * Runs a callback while a restore link refills the cart.
	 *
	 * @param callable $fill Fills the cart.
	 */
	public static function while_restoring( callable $fill ): void {
		self::$restoring = true;
		try {
			$fill();
		} finally {
			self::$restoring = false;
		}
	}

	/**
	 * Block checkout: the Store API saved the customer's address (and email) from the request.
	 *
	 * @param mixed $customer WC_Customer.
	 */
	public function on_block_customer_update( $customer ): void {
		if ( $customer instanceof \WC_Customer ) {
			$this->capture_checkout( 'block_checkout', (string) $customer->get_billing_email() );
		}
	}

	/**
	 * Classic checkout: the order review is updated with the form (as a query string).
	 *
	 * @param mixed $post_data The checkout form, URL-encoded.
	 */
	public function on_classic_order_review( $post_data ): void {
		$form = array();
		wp_parse_str( is_string( $post_data ) ? $post_data : '', $form );
		$email = isset( $form['billing_email'] ) && is_string( $form['billing_email'] ) ? sanitize_email( $form['billing_email'] ) : '';
		if ( '' === $email && is_user_logged_in() ) {
			$email = $this->known_email();
		}
		$this->capture_checkout( 'classic_checkout', $email );
	}

	/**
	 * A logged-in customer on the checkout page: their email is known before they type anything.
	 */
	public function on_checkout_page(): void {
		if ( ! is_user_logged_in() || ! function_exists( 'is_checkout' ) || ! is_checkout() || ( function_exists( 'is_wc_endpoint_url' ) && is_wc_endpoint_url( 'order-received' ) ) ) {
			return;
		}
		$this->capture_checkout( 'account', $this->known_email() );
	}

	/**
	 * An item was added to the cart.
	 *
	 * @param mixed $cart_item_key The cart item's key.
	 * @param mixed $product_id    Product id.
	 * @param mixed $quantity      Quantity added.
	 * @param mixed $variation_id  Variation id.
	 */
	public function on_add_to_cart( $cart_item_key, $product_id, $quantity, $variation_id ): void {
		if ( self::$restoring || '' === $this->settings->webhook_url() ) {
			return;
		}
		$email = $this->known_email();
		if ( '' === $email || ! is_email( $email ) ) {
			return;
		}
		$fingerprint = $this->fingerprint( 'cart.item_added', $email, (string) $cart_item_key );
		if ( '' === $fingerprint || $this->already_queued( $fingerprint ) ) {
			return;
		}
		$items = $this->items();
		if ( array() === $items ) {
			return;
		}
		$added = null;
		foreach ( $items as $item ) {
			if ( ( $item['_key'] ?? '' ) === $cart_item_key ) {
				$added             = $item;
				$added['quantity'] = max( 1, (int) $quantity );
				$added['subtotal'] = $item['_unit'] * $added['quantity'];
				$added['total']    = $added['subtotal'];
			}
		}
		if ( null === $added ) {
			return;
		}
		unset( $product_id, $variation_id );
		$this->capture( 'cart.item_added', 'add_to_cart', $email, $items, $added, $fingerprint );
	}

	/**
	 * A checkout became an order (classic: order id first; Store API: the order): its cart is over.
	 *
	 * @param mixed $order_or_id The order, or its id.
	 */
	public function on_order( $order_or_id ): void {
		$order_id = $order_or_id instanceof \WC_Order ? $order_or_id->get_id() : (int) $order_or_id;
		$session  = $this->session();
		if ( null === $session || $order_id <= 0 ) {
			return;
		}
		$token = $session->get( self::SESSION_TOKEN );
		if ( is_string( $token ) && '' !== $token ) {
			CartLinks::mark_ordered( $token, $order_id );
		}
		$session->set( self::SESSION_TOKEN, null );
		$session->set( self::SESSION_SENT, null );
	}

	/**
	 * The session's cart token, made when first needed (a restored cart keeps the link's).
	 */
	public static function token(): string {
		$session = function_exists( 'WC' ) && WC()->session ? WC()->session : null;
		if ( null === $session ) {
			return '';
		}
		$token = $session->get( self::SESSION_TOKEN );
		if ( ! is_string( $token ) || 1 !== preg_match( CartLinks::TOKEN_PATTERN, $token ) ) {
			$token = CartLinks::new_token();
			$session->set( self::SESSION_TOKEN, $token );
		}
		return $token;
	}

	/**
	 * Adopts a restored cart's token, so the restored cart is the same cart.
	 *
	 * @param string $token Cart token.
	 */
	public static function adopt( string $token ): void {
		$session = function_exists( 'WC' ) && WC()->session ? WC()->session : null;
		if ( null !== $session ) {
			$session->set( self::SESSION_TOKEN, $token );
			$session->set( self::SESSION_SENT, null );
		}
	}

	/**
	 * Started Checkout, if there is an email and a cart.
	 *
	 * @param string $source Where the email became known.
	 * @param string $email  The shopper's email.
	 */
	private function capture_checkout( string $source, string $email ): void {
		$email = strtolower( trim( $email ) );
		if ( '' === $email || ! is_email( $email ) || '' === $this->settings->webhook_url() ) {
			return;
		}
		$fingerprint = $this->fingerprint( 'cart.checkout_started', $email, '' );
		if ( '' === $fingerprint || $this->already_queued( $fingerprint ) ) {
			return;
		}
		$items = $this->items();
		if ( array() !== $items ) {
			$this->capture( 'cart.checkout_started', $source, $email, $items, null, $fingerprint );
		}
	}

	/**
	 * What makes a capture the same as one already queued: the topic, the email, the cart's contents (product,
	 * variation, attributes, quantity) and, for Added to Cart, the item added. Read from the cart's own data, so the
	 * same cart again costs no product lookup. Empty when the cart is.
	 *
	 * @param string $topic     The cart topic.
	 * @param string $email     The shopper's email.
	 * @param string $added_key The added item's key, or ''.
	 */
	private function fingerprint( string $topic, string $email, string $added_key ): string {
		if ( ! function_exists( 'WC' ) || ! WC()->cart ) {
			return '';
		}
		$contents = array();
		foreach ( WC()->cart->get_cart() as $cart_item ) {
			$product = $cart_item['data'] ?? null;
			if ( ! $product instanceof \WC_Product ) {
				continue;
			}
			$variation  = isset( $cart_item['variation'] ) && is_array( $cart_item['variation'] ) ? $cart_item['variation'] : array();
			$contents[] = (int) ( $cart_item['product_id'] ?? $product->get_id() ) . ':' . (int) ( $cart_item['variation_id'] ?? 0 ) . ':' . wp_json_encode( $variation ) . ':' . max( 1, (int) ( $cart_item['quantity'] ?? 1 ) );
		}
		if ( array() === $contents ) {
			return '';
		}
		sort( $contents );
		return md5( $topic . '|' . $email . '|' . implode( ',', $contents ) . '|' . $added_key );
	}

	/**
	 * Whether this session queued that capture already.
	 *
	 * @param string $fingerprint From fingerprint().
	 */
	private function already_queued( string $fingerprint ): bool {
		$session = $this->session();
		$sent    = null === $session ? array() : $session->get( self::SESSION_SENT );
		return null === $session || ( is_array( $sent ) && in_array( $fingerprint, $sent, true ) );
	}

	/**
	 * Builds the payload and queues it with the cart its link restores (one Action Scheduler row: the action stores
	 * the cart, outside the shopper's request), and remembers it in the session so the same cart is not queued again.
	 *
	 * @param string                    $topic       cart.checkout_started or cart.item_added.
	 * @param string                    $source      Where it was captured.
	 * @param string                    $email       The shopper's email.
	 * @param array<int, array>         $items       The cart's items.
	 * @param array<string, mixed>|null $added       The added item (cart.item_added).
	 * @param string                    $fingerprint From fingerprint().
	 */
	private function capture( string $topic, string $source, string $email, array $items, ?array $added, string $fingerprint ): void {
		$session = $this->session();
		$token   = self::token();
		if ( null === $session || '' === $token ) {
			return;
		}
		$sent   = $session->get( self::SESSION_SENT );
		$sent   = is_array( $sent ) ? $sent : array();
		$sent[] = $fingerprint;
		$session->set( self::SESSION_SENT, array_slice( $sent, -20 ) );

		$expires = time() + CartLinks::ttl();
		$record  = array(
			'email'   => $email,
			'expires' => $expires,
			'items'   => array_map(
				static fn ( array $i ): array => array(
					'product_id'   => $i['product_id'],
					'variation_id' => $i['variation_id'],
					'quantity'     => $i['quantity'],
					'variation'    => $i['_variation'],
				),
				$items
			),
		);
		$decimals = function_exists( 'wc_get_price_decimals' ) ? wc_get_price_decimals() : 2;
		$money    = static fn ( $v ): string => function_exists( 'wc_format_decimal' ) ? (string) wc_format_decimal( (float) $v, $decimals ) : number_format( (float) $v, $decimals, '.', '' );
		$public   = static function ( array $i ) use ( $money ): array {
			$i['subtotal'] = $money( $i['subtotal'] );
			$i['total']    = $money( $i['total'] );
			return array_diff_key( $i, array_flip( array( '_key', '_unit', '_variation' ) ) );
		};
		$total    = 'cart.checkout_started' === $topic && WC()->cart ? (float) WC()->cart->get_total( 'edit' ) : 0.0;
		if ( $total <= 0 ) {
			$total = array_sum( array_map( static fn ( array $i ): float => (float) $i['total'], $items ) );
		}
		$user     = wp_get_current_user();
		$customer = WC()->customer;
		$payload  = array(
			'cart_token'      => $token,
			'email'           => $email,
			'customer_id'     => get_current_user_id(),
			'first_name'      => $customer ? (string) $customer->get_billing_first_name() : ( $user->first_name ?? '' ),
			'last_name'       => $customer ? (string) $customer->get_billing_last_name() : ( $user->last_name ?? '' ),
			'currency'        => get_woocommerce_currency(),
			'total'           => $money( $total ),
			'line_items'      => array_map( $public, $items ),
			'checkout_url'    => CartLinks::url( $token, $expires ),
			'captured_at_gmt' => gmdate( 'Y-m-d\TH:i:s\Z' ),
			'source'          => $source,
		);
		if ( null !== $added ) {
			$payload['added'] = $public( $added );
		}
		$this->sender->enqueue(
			$topic,
			$payload,
			array(
				'token'  => $token,
				'record' => $record,
			)
		);
	}

	/**
	 * The session's cart as line items shaped like an order's (`wp_api_v3` line items), with what the capture needs
	 * besides (`_key`, `_unit`, `_variation`, removed before sending).
	 *
	 * @return array<int, array<string, mixed>>
	 */
	private function items(): array {
		if ( ! function_exists( 'WC' ) || ! WC()->cart ) {
			return array();
		}
		$out = array();
		$n   = 0;
		foreach ( WC()->cart->get_cart() as $key => $cart_item ) {
			$product = $cart_item['data'] ?? null;
			if ( ! $product instanceof \WC_Product ) {
				continue;
			}
			$quantity  = max( 1, (int) ( $cart_item['quantity'] ?? 1 ) );
			$unit      = (float) $product->get_price( 'edit' );
			$subtotal  = isset( $cart_item['line_subtotal'] ) ? (float) $cart_item['line_subtotal'] : $unit * $quantity;
			$total     = isset( $cart_item['line_total'] ) ? (float) $cart_item['line_total'] : $subtotal;
			$variation = isset( $cart_item['variation'] ) && is_array( $cart_item['variation'] ) ? $cart_item['variation'] : array();
			$meta      = array();
			foreach ( $variation as $attribute => $value ) {
				$taxonomy = str_replace( 'attribute_', '', (string) $attribute );
				$term     = taxonomy_exists( $taxonomy ) ? get_term_by( 'slug', (string) $value, $taxonomy ) : false;
				$meta[]   = array(
					'key'           => $taxonomy,
					'display_key'   => function_exists( 'wc_attribute_label' ) ? wc_attribute_label( $taxonomy, $product ) : $taxonomy,
					'display_value' => $term ? $term->name : (string) $value,
				);
			}
			$parent = $product->get_parent_id() ? wc_get_product( $product->get_parent_id() ) : null;
			$image  = $product->get_image_id() ? wp_get_attachment_image_url( (int) $product->get_image_id(), 'full' ) : false;
			$out[]  = array(
				'id'           => ++$n,
				'name'         => $product->get_name(),
				'product_id'   => (int) ( $cart_item['product_id'] ?? $product->get_id() ),
				'variation_id' => (int) ( $cart_item['variation_id'] ?? 0 ),
				'quantity'     => $quantity,
				'subtotal'     => $subtotal,
				'total'        => $total,
				'sku'          => (string) $product->get_sku(),
				'image'        => array( 'src' => $image ? (string) $image : '' ),
				'parent_name'  => $parent ? $parent->get_name() : null,
				'meta_data'    => $meta,
				'_key'         => (string) $key,
				'_unit'        => $unit,
				'_variation'   => $variation,
			);
		}
		return $out;
	}

	/**
	 * The email the session or the account knows.
	 */
	private function known_email(): string {
		$customer = function_exists( 'WC' ) ? WC()->customer : null;
		$email    = $customer ? (string) $customer->get_billing_email() : '';
		if ( '' === $email && is_user_logged_in() ) {
			$email = (string) wp_get_current_user()->user_email;
		}
		return strtolower( trim( $email ) );
	}

	/**
	 * WooCommerce's session, when there is one.
	 *
	 * @return \WC_Session|null
	 */
	private function session() {
		return function_exists( 'WC' ) && WC()->session ? WC()->session : null;
	}
}
