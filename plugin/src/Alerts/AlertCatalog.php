<?php
/**
 * What each alert says: what happened, what it means for the shop's emails, and the one action that fixes it.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Alerts;

use WcKlaviyoSync\Admin\AdminPages;

defined( 'ABSPATH' ) || exit;

/**
 * The texts of the alerts (docs/plugin.md has the table), translatable; the facts come from AlertMonitor.
 */
final class AlertCatalog {

	/**
	 * The settings page.
	 */
	public static function settings_url(): string {
		return admin_url( 'admin.php?page=' . AdminPages::SETTINGS_SLUG );
	}

	/**
	 * The sync log page.
	 */
	public static function log_url(): string {
		return admin_url( 'admin.php?page=' . AdminPages::LOG_SLUG );
	}

	/**
	 * The texts of one alert: title, what, means, action (link text) and url.
	 *
	 * @param string               $id    Alert id.
	 * @param array<string, mixed> $facts Its facts.
	 * @return array{title: string, what: string, means: string, action: string, url: string}
	 */
	public static function describe( string $id, array $facts ): array {
		switch ( $id ) {
			case 'sidecar_unreachable':
				return array(
					'title'  => __( 'the sync service cannot be reached', 'wc-klaviyo-sync' ),
					/* translators: %s: the error */
					'what'   => sprintf( __( 'WordPress could not reach the Klaviyo sync service: %s', 'wc-klaviyo-sync' ), (string) ( $facts['error'] ?? '' ) ),
					'means'  => __( 'Orders and customer changes may not reach Klaviyo, so order emails and flows may not start. WooCommerce retries its deliveries for a while and then disables the webhooks.', 'wc-klaviyo-sync' ),
					'action' => __( 'Check the sync service address and admin token', 'wc-klaviyo-sync' ),
					'url'    => self::settings_url(),
				);
			case 'key_refused':
				return array(
					'title'  => __( 'Klaviyo refused the private API key', 'wc-klaviyo-sync' ),
					'what'   => __( 'Klaviyo refused the private API key, so sending to Klaviyo is paused for this store.', 'wc-klaviyo-sync' ) . ( '' !== (string) ( $facts['reason'] ?? '' ) ? ' ' . (string) $facts['reason'] : '' ),
					'means'  => __( 'Orders and customers are kept and nothing is lost, but Klaviyo receives nothing until a working key is saved: order emails and flows do not start.', 'wc-klaviyo-sync' ),
					'action' => __( 'Save a working Klaviyo private key', 'wc-klaviyo-sync' ),
					'url'    => self::settings_url(),
				);
			case 'webhook_disabled':
				return array(
					'title'  => __( 'WooCommerce stopped sending to Klaviyo Sync', 'wc-klaviyo-sync' ),
					/* translators: %s: the webhooks with their status */
					'what'   => sprintf( __( 'Some of the plugin\'s WooCommerce webhooks are not active: %s.', 'wc-klaviyo-sync' ), implode( ', ', array_map( 'strval', (array) ( $facts['webhooks'] ?? array() ) ) ) ),
					'means'  => __( 'New orders and customer changes of those topics do not reach Klaviyo, so their emails and flows do not start.', 'wc-klaviyo-sync' ),
					'action' => __( 'Re-enable the webhooks (or save the settings again)', 'wc-klaviyo-sync' ),
					'url'    => self::settings_url(),
				);
			case 'dead_letters':
				$count = (int) ( $facts['count'] ?? 0 );
				return array(
					'title'  => __( 'failed deliveries need a replay', 'wc-klaviyo-sync' ),
					/* translators: %d: number of failed deliveries */
					'what'   => sprintf( _n( '%d delivery to Klaviyo failed and will not be retried by itself.', '%d deliveries to Klaviyo failed and will not be retried by themselves.', $count, 'wc-klaviyo-sync' ), $count ),
					'means'  => __( 'Those orders or customers are missing in Klaviyo, so their emails and flows did not start.', 'wc-klaviyo-sync' ),
					'action' => __( 'See why in the sync log and send them again', 'wc-klaviyo-sync' ),
					'url'    => self::log_url(),
				);
			case 'held_deliveries':
				$count = (int) ( $facts['count'] ?? 0 );
				$from  = implode( ', ', array_map( 'strval', (array) ( $facts['sources'] ?? array() ) ) );
				return array(
					'title'  => __( 'deliveries from another site are held', 'wc-klaviyo-sync' ),
					'what'   => sprintf(
						/* translators: 1: number of held deliveries, 2: the other site(s) */
						_n( '%1$d delivery from another site (%2$s) is held and was not sent to Klaviyo.', '%1$d deliveries from another site (%2$s) are held and were not sent to Klaviyo.', $count, 'wc-klaviyo-sync' ),
						$count,
						$from
					),
					'means'  => __( 'That site looks like a copy of this shop (a staging site with the same webhooks). Its orders reach Klaviyo only if you release them; discard them if they are test orders.', 'wc-klaviyo-sync' ),
					'action' => __( 'Release or discard them', 'wc-klaviyo-sync' ),
					'url'    => self::settings_url(),
				);
			case 'site_copy':
				$count = (int) ( $facts['count'] ?? 0 );
				return array(
					'title'  => __( 'this site looks like a copy of the shop', 'wc-klaviyo-sync' ),
					/* translators: %s: the shop's site */
					'what'   => sprintf( __( 'This looks like a copy of %s: its orders are not sent to Klaviyo.', 'wc-klaviyo-sync' ), (string) ( $facts['pinned'] ?? '' ) )
						. ( $count > 0
							/* translators: %d: number of held deliveries */
							? ' ' . sprintf( _n( '%d delivery from this site is held.', '%d deliveries from this site are held.', $count, 'wc-klaviyo-sync' ), $count )
							: '' ),
					'means'  => __( 'The sync service keeps the store connected to the shop\'s own site, so a staging copy does not send test orders to Klaviyo. Connect this site as a store of its own to sync it, or, if the shop moved here, make this its new address.', 'wc-klaviyo-sync' ),
					'action' => __( 'Decide on the settings page', 'wc-klaviyo-sync' ),
					'url'    => self::settings_url(),
				);
			default:
				return array(
					'title'  => __( 'nothing could be sent to Klaviyo for 15 minutes', 'wc-klaviyo-sync' ),
					/* translators: 1: number of waiting requests, 2: since when (ISO time) */
					'what'   => sprintf( __( 'Nothing could be sent to Klaviyo for at least 15 minutes while %1$d requests wait (since %2$s).', 'wc-klaviyo-sync' ), (int) ( $facts['waiting'] ?? 0 ), (string) ( $facts['since'] ?? '' ) ),
					'means'  => __( 'Order emails and flows are delayed. Nothing is lost: the work is sent once Klaviyo accepts it again.', 'wc-klaviyo-sync' ),
					'action' => __( 'See the last error in the sync log', 'wc-klaviyo-sync' ),
					'url'    => self::log_url(),
				);
		}
	}
}
