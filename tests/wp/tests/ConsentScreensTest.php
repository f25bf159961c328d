<?php
/**
 * Consent status on the customer's profile screen (user-edit.php) and the order screen: the records WordPress
 * holds, escaped, and the mount point the consent-status script fills from GET /consent after the page loaded
 * (rendering the screen makes no request to the sidecar).
 */

use WcKlaviyoSync\Admin\ConsentScreens;
use WcKlaviyoSync\Consent\ConsentRecorder;

final class ConsentScreensTest extends WckTestCase {

	/** @var list<string> */
	private array $requests = array();

	protected function setUp(): void {
		parent::setUp();
		$this->requests = array();
		add_filter( 'pre_http_request', array( $this, 'count_request' ), 1, 3 );
	}

	protected function tearDown(): void {
		remove_filter( 'pre_http_request', array( $this, 'count_request' ), 1 );
		parent::tearDown();
	}

	public function count_request( $pre, $args, $url ) {
		$this->requests[] = (string) $url;
		return $pre;
	}

	private static function records(): array {
		return array(
			array( 'channel' => 'email', 'status' => 'granted', 'label' => 'Email me <script>alert(1)</script>', 'at' => '2026-12-01T09:00:00Z', 'source' => 'registration', 'user_id' => 7 ),
			array( 'channel' => 'email', 'status' => 'withdrawn', 'label' => 'Email me', 'at' => '2026-12-02T09:00:00Z', 'source' => 'account_page', 'user_id' => 7 ),
		);
	}

	private function profile_html( int $user_id ): string {
		ob_start();
		do_action( 'edit_user_profile', get_userdata( $user_id ) );
		return (string) ob_get_clean();
	}

	public function test_the_profile_screen_shows_the_records_escaped_and_a_mount_for_the_klaviyo_status(): void {
		$this->configure();
		$customer = $this->make_user( 'customer' );
		update_user_meta( $customer, ConsentRecorder::META_KEY, wp_json_encode( self::records() ) );
		$this->requests = array();

		$html = $this->profile_html( $customer );
		$this->assertStringContainsString( 'Klaviyo marketing consent', $html );
		$this->assertStringContainsString( 'class="' . ConsentScreens::MOUNT_CLASS . '" data-email="' . esc_attr( get_userdata( $customer )->user_email ) . '"', $html );
		$this->assertStringContainsString( 'Email me &lt;script&gt;alert(1)&lt;/script&gt;', $html, 'the label as shown, escaped' );
		$this->assertStringNotContainsString( '<script>alert(1)', $html );
		$this->assertStringContainsString( '2026-12-01T09:00:00Z', $html );
		$this->assertStringContainsString( 'Opted in', $html );
		$this->assertStringContainsString( 'Opted out', $html );
		$this->assertStringContainsString( 'My Account registration', $html );
		$this->assertSame( array(), $this->requests, 'the screen waits for nobody: the status is fetched by the script' );
		if ( \WcKlaviyoSync\Admin\AdminPages::is_built( 'consent-status' ) ) {
			$this->assertTrue( wp_script_is( 'wc-klaviyo-sync-consent-status', 'enqueued' ), 'the script that fetches the status' );
		}
	}

	public function test_a_customer_without_records_is_said_to_have_none_and_users_without_manage_woocommerce_see_nothing(): void {
		$customer = $this->make_user( 'customer' );
		$this->assertStringContainsString( 'No consent recorded.', $this->profile_html( $customer ) );
		wp_set_current_user( $this->make_user( 'subscriber' ) );
		$this->assertSame( '', $this->profile_html( $customer ) );
		wp_set_current_user( 1 );
	}

	public function test_the_order_screen_box_is_added_on_both_order_screens_and_shows_the_order_records(): void {
		if ( self::is_standin() || ! class_exists( 'WC_Order' ) ) {
			$this->markTestSkipped( 'needs the real WooCommerce (WC=real): the stand-in has no order screen' );
		}
		global $wp_meta_boxes;
		// add_meta_box() and the screen API, which WordPress loads on admin screens.
		require_once ABSPATH . 'wp-admin/includes/template.php';
		require_once ABSPATH . 'wp-admin/includes/class-wp-screen.php';
		require_once ABSPATH . 'wp-admin/includes/screen.php';
		$screens = ConsentScreens::order_screens();
		$this->assertContains( 'shop_order', $screens, 'legacy post screen' );
		$this->assertContains( 'woocommerce_page_wc-orders', $screens, 'HPOS screen' );
		$order = wc_create_order();
		$order->set_billing_email( 'box@example.com' );
		ConsentRecorder::append( $order, array( ConsentRecorder::record( 'sms', 'granted', 'Texts & <i>offers</i>', 'block_checkout', array( 'order_id' => $order->get_id() ) ) ) );
		$order->save();
		foreach ( $screens as $screen ) {
			do_action( 'add_meta_boxes', $screen, $order );
			$this->assertArrayHasKey( 'wc-klaviyo-sync-consent', $wp_meta_boxes[ $screen ]['side']['default'] ?? array(), $screen );
		}
		$this->requests = array();
		ob_start();
		( new ConsentScreens() )->render_order_box( $order );
		$hpos = (string) ob_get_clean();
		$post = get_post( $order->get_id() );
		ob_start();
		( new ConsentScreens() )->render_order_box( $post instanceof WP_Post ? $post : $order );
		$legacy = (string) ob_get_clean();
		foreach ( array( $hpos, $legacy ) as $html ) {
			$this->assertStringContainsString( 'data-email="box@example.com"', $html );
			$this->assertStringContainsString( 'Texts &amp; &lt;i&gt;offers&lt;/i&gt;', $html );
			$this->assertStringContainsString( 'Checkout (blocks)', $html );
			$this->assertStringContainsString( 'SMS', $html );
		}
		$this->assertSame( array(), $this->requests );
	}
}
