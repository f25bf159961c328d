<?php
/**
 * Which WooCommerce webhooks are ours: remembered ids, recognising them again by name, removing them on uninstall
 * while WooCommerce is inactive (straight from its table; WebhooksTest covers uninstall through WooCommerce).
 */

use WcKlaviyoSync\Settings;
use WcKlaviyoSync\WebhookOwnership;
use WcKlaviyoSync\WebhookRegistrar;

final class WebhookOwnershipTest extends WckTestCase {

	private function webhook( string $name, string $topic, string $status = 'paused' ): WC_Webhook {
		$webhook = new WC_Webhook();
		$webhook->set_name( $name );
		$webhook->set_topic( $topic );
		$webhook->set_delivery_url( 'https://example.com/hook' );
		$webhook->set_status( $status );
		$webhook->save();
		return $webhook;
	}

	public function test_only_our_topics_and_real_ids_are_remembered(): void {
		update_option( WebhookOwnership::OPTION, array( 'order.created' => '12', 'order.updated' => 0, 'coupon.created' => 13, 'customer.deleted' => -4 ), false );
		$ours = new WebhookOwnership();
		$this->assertSame( array( 'order.created' => 12 ), $ours->ids() );
		$this->assertTrue( $ours->is_ours( 12 ) );
		$this->assertFalse( $ours->is_ours( 13 ), 'a topic that is not ours' );
		$this->assertFalse( $ours->is_ours( 0 ) );
		$this->assertNull( $ours->find( 'order.created' ), 'a remembered id whose webhook does not exist' );
		$this->assertSame( array(), $ours->existing() );
		update_option( WebhookOwnership::OPTION, 'garbage', false );
		$this->assertSame( array(), $ours->ids() );
	}

	public function test_a_lost_ids_option_is_recovered_by_exact_name_and_topic_only(): void {
		$this->configure();
		$ids = get_option( WebhookOwnership::OPTION );
		// Look-alikes made before and after ours: a longer name, our name on another topic, another name.
		$decoys = array(
			$this->webhook( 'Klaviyo Sync: order.created (old)', 'order.created' )->get_id(),
			$this->webhook( 'Klaviyo Sync: order.created', 'order.updated' )->get_id(),
			$this->webhook( 'Klaviyo Sync: customer.created', 'customer.updated' )->get_id(),
			$this->webhook( 'Someone else', 'order.created' )->get_id(),
		);
		$ours = new WebhookOwnership();
		delete_option( WebhookOwnership::OPTION );
		$this->fresh();
		$this->assertSame( array(), $ours->existing() );
		foreach ( $ids as $topic => $id ) {
			$adopted = $ours->adopt( $topic );
			$this->assertNotNull( $adopted, $topic );
			$this->assertSame( $id, $adopted->get_id(), $topic );
		}

		// A save adopts ours and changes none of the look-alikes.
		$this->configure();
		$this->assertSame( $ids, get_option( WebhookOwnership::OPTION ) );
		foreach ( $decoys as $id ) {
			$decoy = wc_get_webhook( $id );
			$this->assertSame( 'https://example.com/hook', $decoy->get_delivery_url(), $decoy->get_name() );
			$this->assertSame( 'paused', $decoy->get_status(), $decoy->get_name() );
			$this->assertFalse( $ours->is_ours( $id ) );
		}
		$this->assertCount( count( WebhookOwnership::TOPICS ) + 4, $this->all_webhook_ids() );
		foreach ( $decoys as $id ) {
			wc_get_webhook( $id )->delete( true );
		}
	}

	public function test_uninstall_while_woocommerce_is_inactive_deletes_our_rows_directly(): void {
		$this->configure();
		$other = $this->webhook( 'Someone else', 'order.created', 'active' );
		update_option( WebhookRegistrar::DISABLED_OPTION, array( $other->get_id() => '2026-01-01T00:00:00Z' ), false );
		$store = WC_Data_Store::load( 'webhook' );
		$this->assertCount( count( WebhookOwnership::TOPICS ) + 1, $store->get_webhooks_ids( 'active' ), 'WooCommerce cached the active ids' );
		deactivate_plugins( 'woocommerce/woocommerce.php', true );
		try {
			$out = $this->wp_php( 'echo function_exists( "wc_get_webhook" ) ? "with" : "without", " WooCommerce"; define( "WP_UNINSTALL_PLUGIN", "wc-klaviyo-sync/wc-klaviyo-sync.php" ); include WP_PLUGIN_DIR . "/wc-klaviyo-sync/uninstall.php";' );
			$this->assertStringContainsString( 'without WooCommerce', $out );
		} finally {
			activate_plugin( 'woocommerce/woocommerce.php' );
			$this->fresh();
		}
		$this->assertSame( array( $other->get_id() ), $this->all_webhook_ids() );
		$this->assertFalse( get_transient( 'woocommerce_webhook_ids_status_active' ), 'WooCommerce rebuilds its cached ids' );
		$this->assertSame( array( $other->get_id() ), array_map( 'intval', $store->get_webhooks_ids( 'active' ) ) );
		foreach ( array( Settings::OPTION, Settings::SECRET_OPTION, WebhookOwnership::OPTION, WebhookRegistrar::DISABLED_OPTION ) as $option ) {
			$this->assertFalse( get_option( $option ), $option );
		}
		$other->delete( true );
	}
}
