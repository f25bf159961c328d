<?php
// Installs WordPress without a browser and activates WooCommerce: install.php WP_ROOT URL.
$wck_root = $argv[1];
$wck_url  = $argv[2];
$wck_host = (string) parse_url( $wck_url, PHP_URL_HOST ) . ':' . (string) parse_url( $wck_url, PHP_URL_PORT );
define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST']   = $wck_host;
$_SERVER['REQUEST_URI'] = '/';
require $wck_root . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
$wck_result = wp_install( 'Klaviyo Sync test store', 'admin', 'admin@example.com', true, '', 'admin' );
if ( is_wp_error( $wck_result ) ) {
	fwrite( STDERR, $wck_result->get_error_message() . "\n" );
	exit( 1 );
}
update_option( 'siteurl', $wck_url );
update_option( 'home', $wck_url );
update_option( 'permalink_structure', '/%postname%/' );
update_option( 'timezone_string', 'UTC' );
update_option( 'blog_public', '0' );
flush_rewrite_rules( false );
echo 'WordPress ' . $GLOBALS['wp_version'] . " installed\n";
