<?php
/**
 * Uninstall: removes the plugin's options and the WooCommerce webhooks it made.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

$wck_ids = get_option( 'wc_klaviyo_sync_webhooks', array() );
$wck_ids = is_array( $wck_ids ) ? array_filter( array_map( 'intval', $wck_ids ) ) : array();

if ( function_exists( 'wc_get_webhook' ) ) {
	foreach ( $wck_ids as $wck_id ) {
		try {
			$wck_webhook = wc_get_webhook( $wck_id );
			if ( $wck_webhook ) {
				$wck_webhook->delete( true );
			}
		} catch ( \Exception $e ) {
			continue;
		}
	}
} elseif ( array() !== $wck_ids ) {
	// WooCommerce is inactive: remove the rows directly; its caches are rebuilt when it loads again.
	global $wpdb;
	$wck_table = $wpdb->prefix . 'wc_webhooks';
	if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $wck_table ) ) === $wck_table ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		foreach ( $wck_ids as $wck_id ) {
			$wpdb->delete( $wck_table, array( 'webhook_id' => $wck_id ), array( '%d' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		}
		delete_transient( 'woocommerce_webhook_ids' );
		foreach ( array( 'active', 'paused', 'disabled' ) as $wck_status ) {
			delete_transient( 'woocommerce_webhook_ids_status_' . $wck_status );
		}
	}
}

foreach ( array( 'wc_klaviyo_sync_settings', 'wc_klaviyo_sync_webhooks', 'wc_klaviyo_sync_webhook_secret', 'wc_klaviyo_sync_disabled_webhooks' ) as $wck_option ) {
	delete_option( $wck_option );
}
