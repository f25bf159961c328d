<?php
/**
 * Which WooCommerce webhooks are the plugin's.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync;

use WcKlaviyoSync\Contract\SidecarContract;
use WC_Webhook;

defined( 'ABSPATH' ) || exit;

/**
 * The plugin owns one webhook per topic in TOPICS. Their ids are remembered in the option
 * wc_klaviyo_sync_webhooks ({ topic: id }); when that option is lost, a webhook is recognised again by its exact
 * name ("Klaviyo Sync: <topic>") and topic. Nothing here changes a webhook's settings: that is WebhookRegistrar's.
 */
final class WebhookOwnership {

	public const OPTION      = 'wc_klaviyo_sync_webhooks';
	public const NAME_PREFIX = 'Klaviyo Sync: ';
	public const TOPICS      = SidecarContract::WEBHOOK_TOPICS;

	/**
	 * The name our webhook of a topic carries.
	 *
	 * @param string $topic Topic.
	 */
	public static function name( string $topic ): string {
		return self::NAME_PREFIX . $topic;
	}

	/**
	 * Remembered ids, by topic (only our topics and positive ids).
	 *
	 * @return array<string, int>
	 */
	public function ids(): array {
		$ids = get_option( self::OPTION, array() );
		$out = array();
		if ( is_array( $ids ) ) {
			foreach ( $ids as $topic => $id ) {
				if ( in_array( $topic, self::TOPICS, true ) && (int) $id > 0 ) {
					$out[ (string) $topic ] = (int) $id;
				}
			}
		}
		return $out;
	}

	/**
	 * Remembers the ids of our webhooks.
	 *
	 * @param array<string, int> $ids Webhook id by topic.
	 */
	public function remember( array $ids ): void {
		update_option( self::OPTION, $ids, false );
	}

	/**
	 * Whether a webhook id is one of ours.
	 *
	 * @param int $webhook_id Webhook id.
	 */
	public function is_ours( int $webhook_id ): bool {
		return in_array( $webhook_id, $this->ids(), true );
	}

	/**
	 * Loads one webhook or null when it does not exist.
	 *
	 * @param int $id Webhook id.
	 */
	public function load( int $id ): ?WC_Webhook {
		if ( $id <= 0 ) {
			return null;
		}
		try {
			$webhook = wc_get_webhook( $id );
		} catch ( \Exception $e ) {
			return null;
		}
		return $webhook instanceof WC_Webhook && $webhook->get_id() > 0 ? $webhook : null;
	}

	/**
	 * Our remembered webhook of a topic, or null when none is remembered or it vanished.
	 *
	 * @param string $topic Topic.
	 */
	public function find( string $topic ): ?WC_Webhook {
		$ids = $this->ids();
		return isset( $ids[ $topic ] ) ? $this->load( $ids[ $topic ] ) : null;
	}

	/**
	 * Our webhooks that exist, by topic.
	 *
	 * @return array<string, WC_Webhook>
	 */
	public function existing(): array {
		$out = array();
		foreach ( $this->ids() as $topic => $id ) {
			$webhook = $this->load( $id );
			if ( null !== $webhook ) {
				$out[ $topic ] = $webhook;
			}
		}
		return $out;
	}

	/**
	 * Finds an existing webhook of ours by its exact name and topic (when the ids option was lost).
	 *
	 * @param string $topic Topic.
	 */
	public function adopt( string $topic ): ?WC_Webhook {
		$store = \WC_Data_Store::load( 'webhook' );
		$ids   = $store->search_webhooks(
			array(
				'search' => self::name( $topic ),
				'limit'  => -1,
			)
		);
		foreach ( is_array( $ids ) ? $ids : array() as $id ) {
			$webhook = $this->load( (int) $id );
			if ( null !== $webhook && self::name( $topic ) === $webhook->get_name() && $topic === $webhook->get_topic() ) {
				return $webhook;
			}
		}
		return null;
	}

	/**
	 * Deletes every remembered webhook of ours and forgets them (uninstall). Through WooCommerce when it is
	 * loaded; otherwise straight from its wc_webhooks table (its caches are rebuilt when it loads again).
	 */
	public function remove_all(): void {
		$ids = $this->ids();
		if ( function_exists( 'wc_get_webhook' ) ) {
			foreach ( $ids as $id ) {
				$webhook = $this->load( $id );
				if ( null !== $webhook ) {
					$webhook->delete( true );
				}
			}
		} elseif ( array() !== $ids ) {
			self::delete_rows( array_values( $ids ) );
		}
		delete_option( self::OPTION );
	}

	/**
	 * Deletes webhook rows from WooCommerce's table while WooCommerce is inactive, and its cached id lists.
	 *
	 * @param list<int> $ids Webhook ids.
	 */
	private static function delete_rows( array $ids ): void {
		global $wpdb;
		$table = $wpdb->prefix . 'wc_webhooks';
		if ( $wpdb->get_var( $wpdb->prepare( 'SHOW TABLES LIKE %s', $table ) ) !== $table ) { // phpcs:ignore WordPress.DB.DirectDatabaseQuery
			return;
		}
		foreach ( $ids as $id ) {
			$wpdb->delete( $table, array( 'webhook_id' => $id ), array( '%d' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		}
		delete_transient( 'woocommerce_webhook_ids' );
		foreach ( array( 'active', 'paused', 'disabled' ) as $status ) {
			delete_transient( 'woocommerce_webhook_ids_status_' . $status );
		}
	}
}
