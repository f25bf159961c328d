<?php
/**
 * Without WooCommerce the plugin only explains itself: an admin notice, no routes, no hooks.
 */

final class WithoutWooCommerceTest extends WckTestCase {

	public function test_without_woocommerce_there_is_a_notice_and_nothing_else(): void {
		deactivate_plugins( 'woocommerce/woocommerce.php', true );
		try {
			$out = $this->wp_php(
				'wp_set_current_user( 1 ); do_action( "rest_api_init" ); ob_start(); do_action( "admin_notices" ); $notice = ob_get_clean();
				echo wp_json_encode( array(
					"booted" => class_exists( "WcKlaviyoSync\\\\Plugin", false ),
					"routes" => count( array_filter( array_keys( rest_get_server()->get_routes() ), static fn( $r ) => str_starts_with( $r, "/wc-klaviyo-sync/" ) ) ),
					"filters" => has_filter( "http_allowed_safe_ports" ) !== false,
					"notice" => wp_strip_all_tags( $notice ),
				) );'
			);
			$state = json_decode( substr( $out, (int) strpos( $out, '{' ) ), true );
			$this->assertIsArray( $state, $out );
			$this->assertTrue( $state['booted'] );
			$this->assertSame( 0, $state['routes'] );
			$this->assertFalse( $state['filters'] );
			$this->assertStringContainsString( 'needs WooCommerce', $state['notice'] );
		} finally {
			activate_plugin( 'woocommerce/woocommerce.php' );
			$this->fresh();
		}
		$this->assertTrue( is_plugin_active( 'woocommerce/woocommerce.php' ) );
	}
}
