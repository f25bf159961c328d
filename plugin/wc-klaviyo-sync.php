<?php
/**
 * Plugin Name:          Klaviyo Sync for WooCommerce
 * Description:          Keeps WooCommerce orders and customers in sync with Klaviyo through signed webhooks and a durable sidecar service.
 * Version:              0.1.0
 * Author:               wc-klaviyo-sync contributors
 * License:              GPL-2.0-or-later
 * License URI:          https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:          wc-klaviyo-sync
 * Domain Path:          /languages
 * Requires at least:    6.6
 * Requires PHP:         8.1
 * Requires Plugins:     woocommerce
 * WC requires at least: 10.0
 * WC tested up to:      10.0
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

defined( 'ABSPATH' ) || exit;

define( 'WC_KLAVIYO_SYNC_VERSION', '0.1.0' );
define( 'WC_KLAVIYO_SYNC_FILE', __FILE__ );

require_once __DIR__ . '/autoload.php';

register_activation_hook( __FILE__, array( \WcKlaviyoSync\Plugin::class, 'activate' ) );
register_deactivation_hook( __FILE__, array( \WcKlaviyoSync\Plugin::class, 'deactivate' ) );

\WcKlaviyoSync\Plugin::instance()->boot();
