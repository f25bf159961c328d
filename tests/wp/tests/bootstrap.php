<?php
/**
 * Loads the harness site's WordPress (started by run-php-tests.sh / bin/wp-up.sh) into the PHPUnit process.
 * env: WP_PORT, WP_DIR, SIDECAR_URL, DOUBLE_URL, ADMIN_TOKEN.
 */

foreach ( array( 'WP_PORT', 'SIDECAR_URL', 'DOUBLE_URL', 'ADMIN_TOKEN' ) as $wck_var ) {
	if ( false === getenv( $wck_var ) ) {
		fwrite( STDERR, "bootstrap: $wck_var is not set; run the tests through tests/wp/run-php-tests.sh\n" );
		exit( 1 );
	}
}
$wck_dir = getenv( 'WP_DIR' ) ? getenv( 'WP_DIR' ) : '/tmp/wck-wp-' . getenv( 'WP_PORT' );
$_SERVER['HTTP_HOST']      = '127.0.0.1:' . getenv( 'WP_PORT' );
$_SERVER['SERVER_NAME']    = '127.0.0.1';
$_SERVER['SERVER_PORT']    = getenv( 'WP_PORT' );
$_SERVER['REQUEST_URI']    = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
require $wck_dir . '/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/user.php';
require_once __DIR__ . '/WckTestCase.php';

// Deliveries come from separate processes (wp-php.sh, HTTP), as on a real site; this process never queues any.
remove_all_actions( 'woocommerce_webhook_process_delivery' );
