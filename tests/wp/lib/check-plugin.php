<?php
// Structural check of plugin/src (run by `npm run typecheck -w tests/wp`): every file declares strict types,
// sits in the WcKlaviyoSync namespace matching its path (PSR-4), holds exactly one class named after the file,
// and is guarded against direct access.
$wck_src  = dirname( __DIR__, 3 ) . '/plugin/src';
$wck_fail = 0;
$wck_n    = 0;
$wck_it   = new RecursiveIteratorIterator( new RecursiveDirectoryIterator( $wck_src, FilesystemIterator::SKIP_DOTS ) );
foreach ( $wck_it as $wck_file ) {
	if ( 'php' !== $wck_file->getExtension() ) {
		continue;
	}
	++$wck_n;
	$wck_rel   = substr( $wck_file->getPathname(), strlen( $wck_src ) + 1 );
	$wck_code  = file_get_contents( $wck_file->getPathname() );
	$wck_ns    = 'WcKlaviyoSync' . ( '.' === dirname( $wck_rel ) ? '' : '\\' . str_replace( '/', '\\', dirname( $wck_rel ) ) );
	$wck_class = basename( $wck_rel, '.php' );
	$wck_tokens  = token_get_all( $wck_code );
	$wck_classes = array();
	foreach ( $wck_tokens as $wck_i => $wck_t ) {
		if ( is_array( $wck_t ) && in_array( $wck_t[0], array( T_CLASS, T_INTERFACE, T_TRAIT, T_ENUM ), true ) ) {
			$wck_prev = $wck_tokens[ $wck_i - 1 ] ?? null;
			if ( is_array( $wck_prev ) && T_DOUBLE_COLON === $wck_prev[0] ) {
				continue;
			}
			for ( $wck_j = $wck_i + 1; isset( $wck_tokens[ $wck_j ] ); $wck_j++ ) {
				if ( is_array( $wck_tokens[ $wck_j ] ) && T_STRING === $wck_tokens[ $wck_j ][0] ) {
					$wck_classes[] = $wck_tokens[ $wck_j ][1];
					break;
				}
			}
		}
	}
	$wck_problems = array();
	if ( ! preg_match( '/^declare\(strict_types=1\);$/m', $wck_code ) ) {
		$wck_problems[] = 'no declare(strict_types=1)';
	}
	if ( ! preg_match( '/^namespace ' . preg_quote( $wck_ns, '/' ) . ';$/m', $wck_code ) ) {
		$wck_problems[] = "namespace is not $wck_ns";
	}
	if ( array( $wck_class ) !== $wck_classes ) {
		$wck_problems[] = "expected exactly one class $wck_class, found " . ( $wck_classes ? implode( ', ', $wck_classes ) : 'none' );
	}
	if ( false === strpos( $wck_code, "defined( 'ABSPATH' ) || exit;" ) ) {
		$wck_problems[] = 'no ABSPATH guard';
	}
	foreach ( $wck_problems as $wck_p ) {
		echo "plugin/src/$wck_rel: $wck_p\n";
		$wck_fail = 1;
	}
}
if ( 0 === $wck_fail ) {
	echo "typecheck: $wck_n plugin classes follow PSR-4, strict types, one class per file\n";
}
exit( $wck_fail );
