<?php
/**
 * Admin notices.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Admin;

use WcKlaviyoSync\WebhookRegistrar;

defined( 'ABSPATH' ) || exit;

/**
 * "WooCommerce is missing" and "WooCommerce disabled our webhooks" notices.
 */
final class Notices {

	/**
	 * Webhook registrar.
	 *
	 * @var WebhookRegistrar
	 */
	private WebhookRegistrar $registrar;

	/**
	 * Constructor.
	 *
	 * @param WebhookRegistrar $registrar Webhook registrar.
	 */
	public function __construct( WebhookRegistrar $registrar ) {
		$this->registrar = $registrar;
	}

	/**
	 * Shown when WooCommerce is not active.
	 */
	public function render_missing_woocommerce(): void {
		if ( ! current_user_can( 'activate_plugins' ) ) {
			return;
		}
		echo '<div class="notice notice-error"><p>' . esc_html__( 'Klaviyo Sync for WooCommerce needs WooCommerce. Install and activate WooCommerce; until then the plugin does nothing.', 'wc-klaviyo-sync' ) . '</p></div>';
	}

	/**
	 * Shown when WooCommerce disabled our webhooks after repeated delivery failures.
	 */
	public function render_disabled_webhooks(): void {
		if ( ! current_user_can( 'manage_woocommerce' ) || array() === $this->registrar->disabled_records() ) {
			return;
		}
		$still_disabled = array_filter( $this->registrar->describe(), static fn( array $w ): bool => 'disabled' === $w['status'] );
		if ( array() === $still_disabled ) {
			return;
		}
		$url = admin_url( 'admin.php?page=' . AdminPages::SETTINGS_SLUG );
		echo '<div class="notice notice-warning"><p>' . esc_html__( 'WooCommerce stopped sending orders and customers to Klaviyo Sync after repeated delivery failures.', 'wc-klaviyo-sync' ) . ' <a href="' . esc_url( $url ) . '">' . esc_html__( 'Check the sync service and re-enable the webhooks.', 'wc-klaviyo-sync' ) . '</a></p></div>';
	}
}
