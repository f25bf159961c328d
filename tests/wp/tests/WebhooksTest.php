<?php
/**
 * Webhook registration, idempotency, real deliveries, pause/resume, owner deletion, auto-disable and
 * re-enable, uninstall.
 */

use Automattic\WooCommerce\Utilities\FeaturesUtil;
use WcKlaviyoSync\Plugin;
use WcKlaviyoSync\Settings;
use WcKlaviyoSync\WebhookOwnership;
use WcKlaviyoSync\WebhookRegistrar;

final class WebhooksTest extends WckTestCase {

	private const TOPICS = array( 'order.created', 'order.updated', 'order.deleted', 'order.restored', 'customer.created', 'customer.updated', 'customer.deleted', 'product.created', 'product.updated', 'product.deleted', 'product.restored' );

	public function test_save_registers_a_signed_webhook_per_topic_and_pings_them(): void {
		$saved = $this->configure();
		$hooks = $this->our_webhooks();
		$this->assertSame( self::TOPICS, array_keys( $hooks ) );
		$this->assertCount( count( WebhookOwnership::TOPICS ), $this->all_webhook_ids(), 'exactly one webhook per topic in wc_webhooks' );
		$url    = 'http://' . wp_parse_url( getenv( 'SIDECAR_URL' ), PHP_URL_HOST ) . ':' . wp_parse_url( getenv( 'SIDECAR_URL' ), PHP_URL_PORT ) . '/v1/stores/' . $this->store_id() . '/webhooks/woocommerce';
		$secret = (string) get_option( Settings::SECRET_OPTION );
		$this->assertMatchesRegularExpression( '/^[A-Za-z0-9]{48}$/', $secret );
		foreach ( $hooks as $topic => $webhook ) {
			$this->assertInstanceOf( WC_Webhook::class, $webhook, $topic );
			$this->assertSame( 'Klaviyo Sync: ' . $topic, $webhook->get_name() );
			$this->assertSame( $topic, $webhook->get_topic() );
			$this->assertSame( 'active', $webhook->get_status() );
			$this->assertSame( $secret, $webhook->get_secret() );
			$this->assertSame( $url, $webhook->get_delivery_url() );
			$this->assertSame( 1, (int) $webhook->get_user_id(), 'owned by the saving administrator' );
			$this->assertSame( 'wp_api_v3', $webhook->get_api_version() );
			$this->assertFalse( (bool) $webhook->get_pending_delivery(), 'the ping got exactly 200 from the sidecar' );
		}
		$this->assertCount( count( WebhookOwnership::TOPICS ), array_filter( $saved['pings'], static fn( $p ) => true === $p['ok'] ) );
		foreach ( $saved['webhooks'] as $view ) {
			$this->assertSame( 'active', $view['status'] );
			$this->assertSame( $url, $view['deliveryUrl'] );
		}
	}

	public function test_resave_never_duplicates_and_recreates_a_vanished_webhook(): void {
		$this->configure();
		$ids = get_option( WebhookOwnership::OPTION );
		$this->configure();
		$this->configure( array( 'listId' => 'L00003' ) );
		$this->assertSame( $ids, get_option( WebhookOwnership::OPTION ), 're-save keeps the same ids' );
		$this->assertCount( count( WebhookOwnership::TOPICS ), $this->all_webhook_ids() );

		wc_get_webhook( $ids['order.updated'] )->delete( true );
		$this->fresh();
		$this->assertSame( 'missing', $this->rest( 'GET', '/settings' )->get_data()['webhooks'][1]['status'] );
		$this->configure();
		$now = get_option( WebhookOwnership::OPTION );
		$this->assertNotSame( $ids['order.updated'], $now['order.updated'] );
		unset( $ids['order.updated'], $now['order.updated'] );
		$this->assertSame( $ids, $now, 'the others are reused' );
		$this->assertCount( count( WebhookOwnership::TOPICS ), $this->all_webhook_ids() );

		// Lost ids option: the webhooks are found again by name instead of duplicated.
		delete_option( WebhookOwnership::OPTION );
		$this->configure();
		$this->assertCount( count( WebhookOwnership::TOPICS ), $this->all_webhook_ids() );
	}

	public function test_declares_hpos_and_checkout_blocks_compatibility(): void {
		$compat = FeaturesUtil::get_compatible_features_for_plugin( 'wc-klaviyo-sync/wc-klaviyo-sync.php' );
		$this->assertContains( 'custom_order_tables', $compat['compatible'] );
		$this->assertContains( 'cart_checkout_blocks', $compat['compatible'] );
	}

	public function test_orders_and_customers_are_delivered_signed_and_reach_klaviyo(): void {
		$this->configure();
		$email    = 'ann+' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
		$order_id = $this->place_order( $email );
		$this->assertGreaterThan( 0, $order_id );
		$delivery = $this->wait_for_delivery( static fn( $d ) => 'order.created' === $d['topic'] && $order_id === (int) $d['resourceId'] );
		$this->assertSame( 'succeeded', $delivery['status'], wp_json_encode( $delivery ) );
		$event = $this->wait_for_event( 'Placed Order', $email );
		$this->assertSame( "woo:{$this->store_id()}:order:{$order_id}:placed", $event['uniqueId'] );
		$this->assertSame( 'pk_test_0123456789abcdef', $event['apiKey'] );

		$customer = 'cat+' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
		$user_id  = $this->create_customer( $customer );
		$this->assertGreaterThan( 0, $user_id );
		$delivery = $this->wait_for_delivery( static fn( $d ) => 'customer.created' === $d['topic'] && $user_id === (int) $d['resourceId'] );
		$this->assertNotSame( 'rejected', $delivery['status'], wp_json_encode( $delivery ) );
		$this->assertSame( array(), $this->double( 'GET', '/__double/state' )['invalid'], 'every request to Klaviyo matched the spec' );
	}

	public function test_deactivation_pauses_and_activation_resumes(): void {
		$this->configure();
		$ids = get_option( WebhookOwnership::OPTION );
		deactivate_plugins( self::PLUGIN );
		foreach ( $this->our_webhooks() as $topic => $webhook ) {
			$this->assertSame( 'paused', $webhook->get_status(), $topic );
		}
		activate_plugin( self::PLUGIN );
		$this->assertTrue( is_plugin_active( self::PLUGIN ) );
		foreach ( $this->our_webhooks() as $topic => $webhook ) {
			$this->assertSame( 'active', $webhook->get_status(), $topic );
		}
		$this->assertSame( $ids, get_option( WebhookOwnership::OPTION ), 'the same webhooks are resumed' );
		$this->assertCount( count( WebhookOwnership::TOPICS ), $this->all_webhook_ids() );
	}

	public function test_paused_webhooks_deliver_nothing(): void {
		$this->configure();
		deactivate_plugins( self::PLUGIN );
		$email = 'paused+' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
		$this->place_order( $email );
		usleep( 500000 );
		$items = $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/deliveries?limit=100' )['items'];
		$this->assertSame( array(), array_values( array_filter( $items, static fn( $d ) => $email === $d['email'] ) ) );
		activate_plugin( self::PLUGIN );
	}

	public function test_deleting_the_webhooks_owner_reassigns_them_and_deliveries_keep_their_data(): void {
		$owner = $this->make_user( 'administrator' );
		wp_set_current_user( $owner );
		$this->configure();
		foreach ( $this->our_webhooks() as $webhook ) {
			$this->assertSame( $owner, (int) $webhook->get_user_id() );
		}
		wp_set_current_user( 1 );
		$this->assertTrue( wp_delete_user( $owner ) );
		$this->fresh();
		foreach ( $this->our_webhooks() as $topic => $webhook ) {
			$this->assertSame( 1, (int) $webhook->get_user_id(), "$topic moved to the remaining administrator, not to user 0" );
			$this->assertSame( 'active', $webhook->get_status() );
		}
		$email   = 'kept+' . strtolower( wp_generate_password( 6, false, false ) ) . '@example.com';
		$user_id = $this->create_customer( $email );
		$delivery = $this->wait_for_delivery( static fn( $d ) => 'customer.created' === $d['topic'] && $user_id === (int) $d['resourceId'] );
		$this->assertNotSame( 'rejected', $delivery['status'], 'the payload is the customer, not a REST permission error: ' . wp_json_encode( $delivery ) );
		$this->assertSame( $email, $delivery['email'] );
	}

	public function test_reassignment_to_a_non_administrator_is_corrected(): void {
		$owner   = $this->make_user( 'administrator' );
		$manager = $this->make_user( 'shop_manager' );
		wp_set_current_user( $owner );
		$this->configure();
		wp_set_current_user( 1 );
		wp_delete_user( $owner, $manager );
		foreach ( $this->our_webhooks() as $webhook ) {
			$this->assertSame( 1, (int) $webhook->get_user_id(), 'an administrator owns them (customer meta_data needs one)' );
		}
	}

	public function test_auto_disabled_webhook_is_reported_and_reenabled(): void {
		$this->configure();
		$hooks   = $this->our_webhooks();
		$webhook = $hooks['order.deleted'];
		$good    = $webhook->get_delivery_url();
		// The sidecar "goes away" for this webhook: every delivery fails.
		$webhook->set_delivery_url( 'http://127.0.0.1:1/down' );
		$webhook->save();
		$id = $webhook->get_id();
		for ( $i = 1; $i <= 7; $i++ ) {
			$webhook = wc_get_webhook( $id );
			$webhook->deliver( 424242 );
			$this->fresh();
		}
		$webhook = wc_get_webhook( $id );
		$this->assertSame( 'disabled', $webhook->get_status(), 'WooCommerce disables after the 7th consecutive failure' );
		$this->assertArrayHasKey( $id, get_option( WebhookRegistrar::DISABLED_OPTION ), 'the plugin recorded the action' );

		$status = $this->rest( 'GET', '/status' )->get_data();
		$view   = array_values( array_filter( $status['webhooks'], static fn( $w ) => 'order.deleted' === $w['topic'] ) )[0];
		$this->assertSame( 'disabled', $view['status'] );
		$this->assertNotNull( $view['disabledAt'] );
		$this->assertGreaterThanOrEqual( 6, $view['failureCount'] );
		$settings = $this->rest( 'GET', '/settings' )->get_data();
		$this->assertSame( 'disabled', $settings['webhooks'][2]['status'] );
		Plugin::instance()->alerts()->check();
		$this->assertStringContainsString( 'webhooks are not active: order.deleted (disabled)', $this->admin_notices() );

		// The sidecar is back; the admin re-enables.
		$webhook->set_delivery_url( $good );
		$webhook->save();
		$response = $this->rest( 'POST', '/webhooks/reenable' );
		$this->assertSame( 200, $response->get_status() );
		$view = array_values( array_filter( $response->get_data()['webhooks'], static fn( $w ) => 'order.deleted' === $w['topic'] ) )[0];
		$this->assertSame( 'active', $view['status'] );
		$this->assertSame( 0, $view['failureCount'] );
		$this->assertNull( $view['disabledAt'] );
		$webhook = wc_get_webhook( $id );
		$this->assertSame( 'active', $webhook->get_status() );
		$this->assertSame( 0, (int) $webhook->get_failure_count() );
		$this->assertFalse( (bool) $webhook->get_pending_delivery(), 're-enable pinged successfully' );
		$this->assertFalse( get_option( WebhookRegistrar::DISABLED_OPTION ) );
		Plugin::instance()->alerts()->check();
		$this->assertStringNotContainsString( 'not active', $this->admin_notices() );
	}

	public function test_uninstall_removes_options_and_only_our_webhooks(): void {
		$this->configure();
		$other = new WC_Webhook();
		$other->set_name( 'Someone else' );
		$other->set_topic( 'order.created' );
		$other->set_delivery_url( 'https://example.com/hook' );
		$other->set_status( 'paused' );
		$other->save();
		update_option( WebhookRegistrar::DISABLED_OPTION, array( $other->get_id() => '2026-01-01T00:00:00Z' ), false );
		// As WordPress uninstalls: the plugin is inactive, its main file is not loaded, only uninstall.php.
		deactivate_plugins( self::PLUGIN );
		$out = $this->wp_php( 'echo class_exists( "WcKlaviyoSync\\\\Plugin" ) ? "loaded" : "not loaded"; define( "WP_UNINSTALL_PLUGIN", "wc-klaviyo-sync/wc-klaviyo-sync.php" ); include WP_PLUGIN_DIR . "/wc-klaviyo-sync/uninstall.php";' );
		$this->assertStringContainsString( 'not loaded', $out );
		$this->assertSame( array( $other->get_id() ), $this->all_webhook_ids() );
		foreach ( array( Settings::OPTION, Settings::SECRET_OPTION, WebhookOwnership::OPTION, WebhookRegistrar::DISABLED_OPTION ) as $option ) {
			$this->assertFalse( get_option( $option ), $option );
		}
		$other->delete( true );
	}
}
