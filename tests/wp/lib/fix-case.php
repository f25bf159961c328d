<?php
// The WooCommerce mirror was committed from a case-insensitive filesystem, so a few class files differ in
// case from Composer's classmaps (e.g. src/Caching/WPCacheEngine.php vs WpCacheEngine.php). On Linux that is
// a fatal error when the class loads. For each classmap path that is missing, symlink the file whose name
// matches it case-insensitively in the same folder. Usage: fix-case.php WOOCOMMERCE_DIR
$wck_dir   = rtrim( $argv[1], '/' );
$wck_links = 0;
foreach ( array( 'vendor/composer/jetpack_autoload_classmap.php', 'vendor/composer/autoload_classmap.php' ) as $wck_map_file ) {
	if ( ! is_file( "$wck_dir/$wck_map_file" ) ) {
		continue;
	}
	$wck_map = ( static function ( $file ) {
		return require $file;
	} )( "$wck_dir/$wck_map_file" );
	foreach ( $wck_map as $wck_entry ) {
		$wck_path = is_array( $wck_entry ) ? ( $wck_entry['path'] ?? '' ) : $wck_entry;
		if ( ! is_string( $wck_path ) || '' === $wck_path || file_exists( $wck_path ) || ! is_dir( dirname( $wck_path ) ) ) {
			continue;
		}
		foreach ( scandir( dirname( $wck_path ) ) as $wck_candidate ) {
			if ( 0 === strcasecmp( $wck_candidate, basename( $wck_path ) ) ) {
				symlink( $wck_candidate, $wck_path );
				++$wck_links;
				break;
			}
		}
	}
}
echo "fix-case: $wck_links case-mismatched class file(s) linked\n";
