<?php
/**
 * The "Klaviyo" box on the order screen (HPOS and the legacy post screen).
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Admin;

use WcKlaviyoSync\Rest\OrdersController;
use WcKlaviyoSync\Rest\Routes;

defined( 'ABSPATH' ) || exit;

/**
 * What was sent to Klaviyo for this order, when, the outcome, Klaviyo's error if any, and "Send again" (the plugin's
 * replay route, which proxies the sidecar's).
 */
final class OrderBox {

	public const ID = 'wc-klaviyo-sync-order';

	/**
	 * Reads the order's sync-log entries.
	 *
	 * @var OrdersController
	 */
	private OrdersController $orders;

	/**
	 * Constructor.
	 *
	 * @param OrdersController $orders Reads the order's sync-log entries.
	 */
	public function __construct( OrdersController $orders ) {
		$this->orders = $orders;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'add_meta_boxes', array( $this, 'add' ), 10, 2 );
	}

	/**
	 * The order screens: the legacy post type's and HPOS's (woocommerce_page_wc-orders).
	 *
	 * @return list<string>
	 */
	public static function screens(): array {
		$screens = array( 'shop_order' );
		if ( function_exists( 'wc_get_page_screen_id' ) ) {
			$screens[] = (string) wc_get_page_screen_id( 'shop-order' );
		}
		$screens[] = 'woocommerce_page_wc-orders';
		return array_values( array_unique( $screens ) );
	}

	/**
	 * add_meta_boxes.
	 *
	 * @param string $screen_id Screen (or post type).
	 * @param mixed  $object    The post (legacy) or the order (HPOS).
	 */
	public function add( $screen_id, $object = null ): void {
		if ( ! in_array( (string) $screen_id, self::screens(), true ) || ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		add_meta_box( self::ID, __( 'Klaviyo', 'wc-klaviyo-sync' ), array( $this, 'render' ), (string) $screen_id, 'side', 'default' );
		wp_enqueue_script( 'wp-api-fetch' );
	}

	/**
	 * The order id of the box's object: a WC_Order (HPOS) or a WP_Post (legacy).
	 *
	 * @param mixed $object The post or the order.
	 */
	public static function order_id( $object ): int {
		if ( is_object( $object ) && method_exists( $object, 'get_id' ) ) {
			return (int) $object->get_id();
		}
		return is_object( $object ) && isset( $object->ID ) ? (int) $object->ID : 0;
	}

	/**
	 * The box.
	 *
	 * @param mixed $object The post or the order.
	 */
	public function render( $object ): void {
		$order_id = self::order_id( $object );
		$items    = $order_id > 0 ? $this->orders->deliveries( $order_id ) : array();
		echo '<div class="wck-order-box" data-order="' . esc_attr( (string) $order_id ) . '">';
		if ( is_wp_error( $items ) ) {
			echo '<p class="wck-order-box-error">' . esc_html( $items->get_error_message() ) . '</p></div>';
			return;
		}
		if ( array() === $items ) {
			echo '<p>' . esc_html__( 'Nothing was sent to Klaviyo for this order yet.', 'wc-klaviyo-sync' ) . '</p></div>';
			return;
		}
		echo '<ul class="wck-order-deliveries">';
		foreach ( $items as $d ) {
			$this->render_delivery( $d );
		}
		echo '</ul>';
		$log = admin_url( 'admin.php?page=' . AdminPages::LOG_SLUG );
		echo '<p><a href="' . esc_url( $log ) . '">' . esc_html__( 'Open the sync log', 'wc-klaviyo-sync' ) . '</a></p></div>';
		$this->print_script();
	}

	/**
	 * One sync-log entry.
	 *
	 * @param array<string, mixed> $d The entry (the sidecar's DeliveryView).
	 */
	private function render_delivery( array $d ): void {
		$received = strtotime( (string) ( $d['receivedAt'] ?? '' ) );
		$when     = false === $received ? '' : wp_date( (string) get_option( 'date_format' ) . ' ' . (string) get_option( 'time_format' ), $received );
		echo '<li class="wck-order-delivery" data-delivery="' . esc_attr( (string) ( $d['id'] ?? '' ) ) . '" data-status="' . esc_attr( (string) ( $d['status'] ?? '' ) ) . '">';
		echo '<strong>' . esc_html( (string) ( $d['topic'] ?? '' ) ) . '</strong> · ' . esc_html( (string) ( $d['status'] ?? '' ) ) . '<br />';
		echo '<time datetime="' . esc_attr( (string) ( $d['receivedAt'] ?? '' ) ) . '">' . esc_html( $when ) . '</time>';
		$sent = array();
		foreach ( (array) ( $d['requests'] ?? array() ) as $r ) {
			$sent[] = ( ! empty( $r['metric'] ) ? (string) $r['metric'] : (string) ( $r['kind'] ?? '' ) ) . ': ' . (string) ( $r['status'] ?? '' )
				. ( isset( $r['responseStatus'] ) ? ' (' . (int) $r['responseStatus'] . ')' : '' );
		}
		if ( array() !== $sent ) {
			echo '<br />' . esc_html( implode( ', ', $sent ) );
		}
		if ( ! empty( $d['note'] ) ) {
			echo '<br /><em>' . esc_html( (string) $d['note'] ) . '</em>';
		}
		$error = is_array( $d['error'] ?? null ) ? $d['error'] : null;
		if ( null !== $error ) {
			$details = array();
			foreach ( (array) ( $error['klaviyo'] ?? array() ) as $k ) {
				$details[] = (string) ( $k['detail'] ?? $k['title'] ?? '' );
			}
			/* translators: %s: the error message */
			echo '<br /><span class="wck-order-delivery-error">' . esc_html( sprintf( __( 'Error: %s', 'wc-klaviyo-sync' ), (string) ( $error['message'] ?? '' ) ) )
				. ( array() !== $details ? ' — ' . esc_html( implode( '; ', array_filter( $details ) ) ) : '' ) . '</span>';
		}
		// A delivery that sent nothing (a repeat of content already sent, or nothing to send) has nothing to send again.
		if ( array() !== $sent ) {
			echo '<br /><button type="button" class="button wck-send-again" data-delivery="' . esc_attr( (string) ( $d['id'] ?? '' ) ) . '">' . esc_html__( 'Send again', 'wc-klaviyo-sync' ) . '</button>';
		}
		echo '</li>';
	}

	/**
	 * "Send again": POST /deliveries/{id}/replay?all=1 through api-fetch (REST nonce), then reload.
	 */
	private function print_script(): void {
		$path  = '/' . Routes::NAMESPACE . '/deliveries/';
		$sent  = __( 'Queued again. Reloading…', 'wc-klaviyo-sync' );
		$fail  = __( 'Could not send again:', 'wc-klaviyo-sync' );
		$code  = '(function(){document.querySelectorAll(".wck-send-again").forEach(function(b){b.addEventListener("click",function(){'
			. 'b.disabled=true;wp.apiFetch({path:' . wp_json_encode( $path ) . '+encodeURIComponent(b.dataset.delivery)+"/replay?all=1",method:"POST"})'
			. '.then(function(){b.textContent=' . wp_json_encode( $sent ) . ';window.location.reload();})'
			. '.catch(function(e){b.disabled=false;b.insertAdjacentText("afterend"," "+' . wp_json_encode( $fail ) . '+" "+(e&&e.message?e.message:""));});});});})();';
		wp_print_inline_script_tag( $code );
	}
}
