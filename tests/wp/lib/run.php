<?php
// Loads a harness site's WordPress, then runs a PHP file or code: run.php WP_ROOT (FILE [ARGS…] | -r CODE).
$wck_root = $argv[1];
$_SERVER['HTTP_HOST']   = '127.0.0.1:' . getenv( 'WP_PORT' );
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['SERVER_PORT'] = getenv( 'WP_PORT' );
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
if ( ! isset( $argv[2] ) ) {
	fwrite( STDERR, "usage: wp-php.sh FILE [ARGS…] | -r CODE\n" );
	exit( 2 );
}
require $wck_root . '/wp-load.php';
if ( '-r' === $argv[2] ) {
	eval( $argv[3] ?? '' ); // phpcs:ignore Squiz.PHP.Eval
} else {
	$argv = array_slice( $argv, 2 );
	$argc = count( $argv );
	require $argv[0];
}
