<?php
/**
 * Consent status on the customer's profile screen and on the order screen.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Admin;

use WcKlaviyoSync\Consent\ConsentRecorder;

defined( 'ABSPATH' ) || exit;

/**
 * The profile screen (profile.php, user-edit.php) gets a "Klaviyo marketing consent" section and the order
 * screen (HPOS and the legacy post screen) a side box. Each prints the consent records WordPress holds (the
 * user's or the order's _wck_consent, escaped) and a mount point: the consent-status script fetches the current
 * Klaviyo email and SMS status, with the records the sidecar holds, from GET /consent after the page has loaded,
 * so the screen never waits for the sidecar or Klaviyo. Only for users with manage_woocommerce.
 */
final class ConsentScreens {

	public const MOUNT_CLASS = 'wck-consent-status';

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'show_user_profile', array( $this, 'render_profile' ) );
		add_action( 'edit_user_profile', array( $this, 'render_profile' ) );
		add_action( 'add_meta_boxes', array( $this, 'add_order_box' ), 40, 2 );
	}

	/**
	 * The screens of the order editor: the legacy post screen and the HPOS page (whichever is in use: the box on
	 * the other is never shown).
	 *
	 * @return list<string>
	 */
	public static function order_screens(): array {
		$screens = array( 'shop_order', 'woocommerce_page_wc-orders' );
		if ( function_exists( 'wc_get_page_screen_id' ) ) {
			$screens[] = (string) wc_get_page_screen_id( 'shop-order' );
		}
		return array_values( array_unique( $screens ) );
	}

	/**
	 * The profile screen section.
	 *
	 * @param \WP_User|mixed $user The user being shown.
	 */
	public function render_profile( $user ): void {
		if ( ! $user instanceof \WP_User || ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		$records = class_exists( 'WC_Customer' ) ? ConsentRecorder::records_of( new \WC_Customer( $user->ID ) ) : self::user_records( $user->ID );
		echo '<h2>' . esc_html__( 'Klaviyo marketing consent', 'wc-klaviyo-sync' ) . '</h2>';
		echo '<table class="form-table" role="presentation"><tr><th scope="row">' . esc_html__( 'In Klaviyo', 'wc-klaviyo-sync' ) . '</th><td>';
		self::mount( (string) $user->user_email );
		echo '</td></tr><tr><th scope="row">' . esc_html__( 'Consent recorded in WooCommerce', 'wc-klaviyo-sync' ) . '</th><td>';
		self::records_table( $records );
		echo '</td></tr></table>';
	}

	/**
	 * The user's records straight from user meta (when WC_Customer is not available).
	 *
	 * @param int $user_id User id.
	 * @return list<array<string, mixed>>
	 */
	private static function user_records( int $user_id ): array {
		$raw     = get_user_meta( $user_id, ConsentRecorder::META_KEY, true );
		$decoded = is_string( $raw ) && '' !== $raw ? json_decode( $raw, true ) : array();
		return is_array( $decoded ) ? array_values( array_filter( $decoded, 'is_array' ) ) : array();
	}

	/**
	 * Adds the side box on the order screen.
	 *
	 * @param string|mixed $screen_id Screen id (HPOS) or post type (legacy).
	 * @param mixed        $subject   The order or post.
	 */
	public function add_order_box( $screen_id, $subject = null ): void {
		if ( ! is_string( $screen_id ) || ! in_array( $screen_id, self::order_screens(), true ) || ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		add_meta_box( 'wc-klaviyo-sync-consent', __( 'Klaviyo marketing consent', 'wc-klaviyo-sync' ), array( $this, 'render_order_box' ), $screen_id, 'side', 'default' );
	}

	/**
	 * The order screen box.
	 *
	 * @param \WC_Order|\WP_Post|mixed $subject The order (HPOS) or its post (legacy).
	 */
	public function render_order_box( $subject ): void {
		$order = $subject instanceof \WC_Order ? $subject : ( $subject instanceof \WP_Post && function_exists( 'wc_get_order' ) ? wc_get_order( $subject->ID ) : null );
		if ( ! $order instanceof \WC_Order ) {
			return;
		}
		$email = (string) $order->get_billing_email();
		echo '<p><strong>' . esc_html__( 'In Klaviyo', 'wc-klaviyo-sync' ) . '</strong></p>';
		if ( '' === $email ) {
			echo '<p>' . esc_html__( 'This order has no billing email address.', 'wc-klaviyo-sync' ) . '</p>';
		} else {
			self::mount( $email );
		}
		echo '<p><strong>' . esc_html__( 'Consent recorded with this order', 'wc-klaviyo-sync' ) . '</strong></p>';
		self::records_table( ConsentRecorder::records_of( $order ) );
	}

	/**
	 * The mount point the script fills, and the script.
	 *
	 * @param string $email The profile's email address.
	 */
	private static function mount( string $email ): void {
		echo '<div class="' . esc_attr( self::MOUNT_CLASS ) . '" data-email="' . esc_attr( $email ) . '">';
		echo AdminPages::is_built( 'consent-status' )
			? esc_html__( 'Loading the status from Klaviyo…', 'wc-klaviyo-sync' )
			: esc_html__( 'The Klaviyo Sync admin interface is missing from this installation (plugin/build is empty), so the status from Klaviyo cannot be shown.', 'wc-klaviyo-sync' );
		echo '</div>';
		AdminPages::enqueue_build( 'consent-status' );
	}

	/**
	 * The records as a small table (or a sentence when there are none).
	 *
	 * @param list<array<string, mixed>> $records Records.
	 */
	private static function records_table( array $records ): void {
		if ( array() === $records ) {
			echo '<p class="wck-consent-records-none">' . esc_html__( 'No consent recorded.', 'wc-klaviyo-sync' ) . '</p>';
			return;
		}
		echo '<table class="widefat striped wck-consent-records"><thead><tr>';
		foreach ( array( __( 'Channel', 'wc-klaviyo-sync' ), __( 'Status', 'wc-klaviyo-sync' ), __( 'When (UTC)', 'wc-klaviyo-sync' ), __( 'Where', 'wc-klaviyo-sync' ), __( 'Text shown', 'wc-klaviyo-sync' ) ) as $head ) {
			echo '<th>' . esc_html( $head ) . '</th>';
		}
		echo '</tr></thead><tbody>';
		foreach ( $records as $record ) {
			$cells = array(
				self::channel_name( self::text( $record, 'channel' ) ),
				self::status_name( self::text( $record, 'status' ) ),
				self::text( $record, 'at' ),
				self::source_name( self::text( $record, 'source' ) ),
				self::text( $record, 'label' ),
			);
			echo '<tr>';
			foreach ( $cells as $cell ) {
				echo '<td>' . esc_html( $cell ) . '</td>';
			}
			echo '</tr>';
		}
		echo '</tbody></table>';
	}

	/**
	 * A string field of a record ('' otherwise).
	 *
	 * @param array<string, mixed> $record Record.
	 * @param string               $key    Field.
	 */
	private static function text( array $record, string $key ): string {
		return isset( $record[ $key ] ) && is_scalar( $record[ $key ] ) ? (string) $record[ $key ] : '';
	}

	/**
	 * Channel in words.
	 *
	 * @param string $channel email|sms.
	 */
	private static function channel_name( string $channel ): string {
		$names = array(
			'email' => __( 'Email', 'wc-klaviyo-sync' ),
			'sms'   => __( 'SMS', 'wc-klaviyo-sync' ),
		);
		return $names[ $channel ] ?? $channel;
	}

	/**
	 * Status in words.
	 *
	 * @param string $status granted|withdrawn.
	 */
	private static function status_name( string $status ): string {
		$names = array(
			'granted'   => __( 'Opted in', 'wc-klaviyo-sync' ),
			'withdrawn' => __( 'Opted out', 'wc-klaviyo-sync' ),
		);
		return $names[ $status ] ?? $status;
	}

	/**
	 * Source in words.
	 *
	 * @param string $source Record source.
	 */
	private static function source_name( string $source ): string {
		$names = array(
			'block_checkout'   => __( 'Checkout (blocks)', 'wc-klaviyo-sync' ),
			'classic_checkout' => __( 'Checkout (classic)', 'wc-klaviyo-sync' ),
			'registration'     => __( 'My Account registration', 'wc-klaviyo-sync' ),
			'account_page'     => __( 'My Account → Account details', 'wc-klaviyo-sync' ),
		);
		return $names[ $source ] ?? $source;
	}
}
