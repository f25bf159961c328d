<?php
/**
 * Uninstall: removes the plugin's options and the WooCommerce webhooks it made.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/autoload.php';

\WcKlaviyoSync\Plugin::uninstall();
