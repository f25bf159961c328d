<?php
/**
 * Plugin Name: WooCommerce
 * Description: Test stand-in for WooCommerce 10.0.2: only the webhook, feature and capability APIs the Klaviyo Sync plugin calls, plus a tiny order/customer API that fires real, signed webhook deliveries. Not WooCommerce.
 * Version: 10.0.2
 * Requires at least: 6.6
 * Requires PHP: 7.4
 * Text Domain: woocommerce
 *
 * @package WooCommerceStandin
 */

defined( 'ABSPATH' ) || exit;

define( 'WC_VERSION', '10.0.2' );
define( 'WC_PLUGIN_FILE', __FILE__ );
define( 'WC_STANDIN', true );

require __DIR__ . '/includes/class-wc-data.php';
require __DIR__ . '/includes/class-wc-webhook-data-store.php';
require __DIR__ . '/includes/class-wc-webhook.php';
require __DIR__ . '/includes/features-util.php';
require __DIR__ . '/includes/store.php';
require __DIR__ . '/includes/action-scheduler.php';
require __DIR__ . '/includes/products.php';

final class WooCommerce {
	public $version = WC_VERSION;
	private static $instance;

	public static function instance() {
		if ( null === self::$instance ) {
			self::$instance = new self();
		}
		return self::$instance;
	}

	private function __construct() {
		add_action( 'plugins_loaded', array( $this, 'on_plugins_loaded' ), -1 );
		add_action( 'init', array( $this, 'init' ), 0 );
		add_action( 'shutdown', 'wc_webhook_execute_queue' );
		add_action( 'woocommerce_webhook_process_delivery', 'wc_webhook_process_delivery', 10, 2 );
		add_action( 'deleted_user', array( $this, 'reassign_webhooks_to_new_user_id' ), 10, 2 );
		add_action( 'admin_menu', array( $this, 'admin_menu' ), 9 );
		add_action( 'rest_api_init', 'wc_standin_register_routes' );
	}

	public function on_plugins_loaded() {
		wc_standin_maybe_install();
		do_action( 'woocommerce_loaded' );
	}

	public function init() {
		do_action( 'before_woocommerce_init' );
		$this->load_webhooks();
		do_action( 'woocommerce_init' );
	}

	public function load_webhooks() {
		if ( ! is_blog_installed() ) {
			return;
		}
		wc_load_webhooks( 'active', apply_filters( 'woocommerce_load_webhooks_limit', null ) );
	}

	public function admin_menu() {
		add_menu_page( 'WooCommerce', 'WooCommerce', 'edit_others_shop_orders', 'woocommerce', '__return_null', 'dashicons-cart', 55 );
	}

	/** WebhookUtil::reassign_webhooks_to_new_user_id: the deleted user's webhooks (first 10) go to the reassign user or 0. */
	public function reassign_webhooks_to_new_user_id( $old_user_id, $new_user_id ) {
		$ids = WC_Data_Store::load( 'webhook' )->search_webhooks( array( 'user_id' => (int) $old_user_id ) );
		foreach ( $ids as $id ) {
			$webhook = new WC_Webhook( $id );
			$webhook->set_user_id( $new_user_id ?? 0 );
			$webhook->save();
		}
	}

	public function queue() {
		return null;
	}
}

function WC() { // phpcs:ignore WordPress.NamingConventions.ValidFunctionName
	return WooCommerce::instance();
}

function wc_clean( $value ) {
	return is_array( $value ) ? array_map( 'wc_clean', $value ) : ( is_scalar( $value ) ? sanitize_text_field( (string) $value ) : $value );
}

function wc_get_webhook_statuses() {
	return array(
		'active'   => 'Active',
		'paused'   => 'Paused',
		'disabled' => 'Disabled',
	);
}

function wc_get_webhook_rest_api_versions() {
	return array( 'wp_api_v1', 'wp_api_v2', 'wp_api_v3' );
}

function wc_is_webhook_valid_topic( $topic ) {
	$invalid = array( 'action.woocommerce_login_credentials', 'action.woocommerce_product_csv_importer_check_import_file_path', 'action.woocommerce_webhook_should_deliver' );
	if ( in_array( $topic, $invalid, true ) ) {
		return false;
	}
	if ( 0 === strpos( (string) $topic, 'action.' ) ) {
		return 0 === strpos( (string) $topic, 'action.woocommerce_' ) || 0 === strpos( (string) $topic, 'action.wc_' );
	}
	$data = explode( '.', (string) $topic );
	if ( ! isset( $data[0], $data[1] ) ) {
		return false;
	}
	$resources = apply_filters( 'woocommerce_valid_webhook_resources', array( 'coupon', 'customer', 'order', 'product' ) );
	$events    = apply_filters( 'woocommerce_valid_webhook_events', array( 'created', 'updated', 'deleted', 'restored' ) );
	return in_array( $data[0], $resources, true ) && in_array( $data[1], $events, true );
}

function wc_get_webhook( $id ) {
	$webhook = new WC_Webhook( $id );
	return 0 !== $webhook->get_id() ? $webhook : null;
}

function wc_load_webhooks( $status = '', $limit = null ) {
	$store = WC_Data_Store::load( 'webhook' );
	$args  = array(
		'limit'  => null === $limit ? -1 : $limit,
		'status' => $status,
	);
	$ids   = $store->search_webhooks( $args );
	$n     = 0;
	foreach ( $ids as $id ) {
		$webhook = new WC_Webhook( $id );
		$webhook->enqueue();
		++$n;
	}
	return 0 < $n;
}

function wc_webhook_process_delivery( $webhook, $arg ) {
	$GLOBALS['wc_queued_webhooks'][] = array(
		'webhook' => $webhook,
		'arg'     => $arg,
	);
}

/** WooCommerce's shutdown queue, in its synchronous mode (woocommerce_webhook_deliver_async = false). */
function wc_webhook_execute_queue() {
	$queue = $GLOBALS['wc_queued_webhooks'] ?? array();
	$GLOBALS['wc_queued_webhooks'] = array();
	foreach ( $queue as $item ) {
		$item['webhook']->deliver( $item['arg'] );
	}
}

/** Creates the wc_webhooks table (WooCommerce's schema), roles and capabilities. */
function wc_standin_install() {
	global $wpdb;
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	$collate = $wpdb->get_charset_collate();
	dbDelta(
		"CREATE TABLE {$wpdb->prefix}wc_webhooks (
  webhook_id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
  status varchar(200) NOT NULL,
  name text NOT NULL,
  user_id bigint(20) unsigned NOT NULL,
  delivery_url text NOT NULL,
  secret text NOT NULL,
  topic varchar(200) NOT NULL,
  date_created datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  date_created_gmt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  date_modified datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  date_modified_gmt datetime NOT NULL DEFAULT '0000-00-00 00:00:00',
  api_version smallint(4) NOT NULL,
  failure_count smallint(10) NOT NULL DEFAULT '0',
  pending_delivery tinyint(1) NOT NULL DEFAULT '0',
  PRIMARY KEY  (webhook_id),
  KEY user_id (user_id)
) $collate;"
	);
	$shop_caps = array( 'manage_woocommerce', 'view_woocommerce_reports', 'read_private_shop_orders', 'edit_shop_orders', 'edit_others_shop_orders', 'read_shop_order' );
	remove_role( 'customer' );
	add_role( 'customer', 'Customer', array( 'read' => true ) );
	remove_role( 'shop_manager' );
	add_role( 'shop_manager', 'Shop manager', array_fill_keys( array_merge( array( 'read', 'list_users', 'edit_users' ), $shop_caps ), true ) );
	$admin = get_role( 'administrator' );
	if ( $admin ) {
		foreach ( $shop_caps as $cap ) {
			$admin->add_cap( $cap );
		}
	}
	update_option( 'woocommerce_version', WC_VERSION );
	update_option( 'woocommerce_db_version', WC_VERSION );
}

function wc_standin_maybe_install() {
	if ( is_blog_installed() && WC_VERSION !== get_option( 'woocommerce_db_version' ) ) {
		wc_standin_install();
	}
}

register_activation_hook( __FILE__, 'wc_standin_install' );

WC();
