<?php
/**
 * The alerts as admin notices, with a per-user dismissal of each occurrence.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Alerts;

defined( 'ABSPATH' ) || exit;

/**
 * Renders the stored alert set on every admin page for users who can manage_woocommerce. "Dismiss" hides one
 * occurrence (alert id + the time it began) for that user; the same problem coming back later is shown again.
 */
final class AlertNotices {

	public const DISMISSED_META = 'wc_klaviyo_sync_dismissed_alerts';
	public const ACTION         = 'wc_klaviyo_sync_dismiss_alert';

	/**
	 * The alert monitor.
	 *
	 * @var AlertMonitor
	 */
	private AlertMonitor $monitor;

	/**
	 * Constructor.
	 *
	 * @param AlertMonitor $monitor The alert monitor.
	 */
	public function __construct( AlertMonitor $monitor ) {
		$this->monitor = $monitor;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_action( 'admin_notices', array( $this, 'render' ) );
		add_action( 'admin_post_' . self::ACTION, array( $this, 'handle_dismiss' ) );
	}

	/**
	 * One occurrence of an alert.
	 *
	 * @param array{id: string, occurrence: int} $alert Alert.
	 */
	public static function occurrence( array $alert ): string {
		return $alert['id'] . '@' . $alert['occurrence'];
	}

	/**
	 * The occurrences the current user dismissed.
	 *
	 * @return list<string>
	 */
	private function dismissed(): array {
		$list = get_user_meta( get_current_user_id(), self::DISMISSED_META, true );
		return is_array( $list ) ? array_values( array_map( 'strval', $list ) ) : array();
	}

	/**
	 * The alerts the current user has not dismissed.
	 *
	 * @return list<array{id: string, since: int, occurrence: int, facts: array<string, mixed>}>
	 */
	public function visible(): array {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return array();
		}
		$dismissed = $this->dismissed();
		return array_values( array_filter( $this->monitor->current(), static fn( array $a ): bool => ! in_array( self::occurrence( $a ), $dismissed, true ) ) );
	}

	/**
	 * admin_notices.
	 */
	public function render(): void {
		foreach ( $this->visible() as $alert ) {
			$text    = AlertCatalog::describe( $alert['id'], $alert['facts'] );
			$dismiss = wp_nonce_url(
				add_query_arg(
					array(
						'action' => self::ACTION,
						'alert'  => self::occurrence( $alert ),
					),
					admin_url( 'admin-post.php' )
				),
				self::ACTION
			);
			$class   = in_array( $alert['id'], array( 'dead_letters', 'stalled', 'held_deliveries', 'site_copy' ), true ) ? 'notice-warning' : 'notice-error';
			echo '<div class="notice ' . esc_attr( $class ) . ' wck-alert" data-wck-alert="' . esc_attr( $alert['id'] ) . '"><p><strong>'
				. esc_html__( 'Klaviyo Sync:', 'wc-klaviyo-sync' ) . '</strong> ' . esc_html( $text['what'] ) . ' ' . esc_html( $text['means'] )
				. '</p><p><a class="button button-primary" href="' . esc_url( $text['url'] ) . '">' . esc_html( $text['action'] ) . '</a> '
				. '<a class="wck-alert-dismiss" href="' . esc_url( $dismiss ) . '">' . esc_html__( 'Dismiss', 'wc-klaviyo-sync' ) . '</a></p></div>';
		}
	}

	/**
	 * Dismisses one occurrence for the current user (only occurrences that are current; older ones are dropped).
	 *
	 * @param string $occurrence Alert id @ occurrence number.
	 */
	public function dismiss( string $occurrence ): void {
		$current = array_map( array( self::class, 'occurrence' ), $this->monitor->current() );
		$kept    = array_values( array_intersect( $this->dismissed(), $current ) );
		if ( in_array( $occurrence, $current, true ) && ! in_array( $occurrence, $kept, true ) ) {
			$kept[] = $occurrence;
		}
		update_user_meta( get_current_user_id(), self::DISMISSED_META, $kept );
	}

	/**
	 * admin-post.php?action=wc_klaviyo_sync_dismiss_alert&alert=…: checks the nonce and capability, goes back.
	 */
	public function handle_dismiss(): void {
		check_admin_referer( self::ACTION );
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to do that.', 'wc-klaviyo-sync' ), 403 );
		}
		$this->dismiss( sanitize_text_field( wp_unslash( (string) ( $_GET['alert'] ?? '' ) ) ) );
		wp_safe_redirect( wp_get_referer() ? wp_get_referer() : admin_url() );
		exit;
	}
}
