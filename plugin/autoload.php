<?php
/**
 * The class autoloader, shared by the main plugin file and uninstall.php (which WordPress runs without the
 * main file).
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

defined( 'ABSPATH' ) || exit;

// PSR-4: WcKlaviyoSync\Foo\Bar lives in src/Foo/Bar.php.
spl_autoload_register(
	static function ( string $class_name ): void {
		$prefix = 'WcKlaviyoSync\\';
		if ( 0 !== strpos( $class_name, $prefix ) ) {
			return;
		}
		$file = __DIR__ . '/src/' . str_replace( '\\', '/', substr( $class_name, strlen( $prefix ) ) ) . '.php';
		if ( is_readable( $file ) ) {
			require $file;
		}
	}
);
