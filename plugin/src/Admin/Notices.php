<?php
/**
 * Admin notices.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Admin;

defined( 'ABSPATH' ) || exit;

/**
 * "WooCommerce is missing" (the other notices are the alerts, Alerts\AlertNotices).
 */
final class Notices {

	/**
	 * Shown when WooCommerce is not active.
	 */
	public function render_missing_woocommerce(): void {
		if ( ! current_user_can( 'activate_plugins' ) ) {
			return;
		}
		echo '<div class="notice notice-error"><p>' . esc_html__( 'Klaviyo Sync for WooCommerce needs WooCommerce. Install and activate WooCommerce; until then the plugin does nothing.', 'wc-klaviyo-sync' ) . '</p></div>';
	}
}
