<?php
// Activates WooCommerce (stand-in or real) as user 1; run through lib/run.php.
require_once ABSPATH . 'wp-admin/includes/plugin.php';
wp_set_current_user( 1 );
$wck_r = activate_plugin( 'woocommerce/woocommerce.php' );
if ( is_wp_error( $wck_r ) ) {
	fwrite( STDERR, 'activating WooCommerce: ' . $wck_r->get_error_message() . "\n" );
	exit( 1 );
}
// Quiet the real WooCommerce's first-run redirects and "coming soon" mode.
delete_transient( '_wc_activation_redirect' );
update_option( 'woocommerce_coming_soon', 'no' );
update_option( 'woocommerce_onboarding_profile', array( 'skipped' => true ) );
update_option( 'woocommerce_task_list_hidden', 'yes' );
update_option( 'woocommerce_show_marketplace_suggestions', 'no' );
update_option( 'woocommerce_allow_tracking', 'no' );
fwrite( STDERR, 'WooCommerce ' . ( defined( 'WC_VERSION' ) ? WC_VERSION : '?' ) . ( defined( 'WC_STANDIN' ) ? ' (stand-in)' : '' ) . " active\n" );
