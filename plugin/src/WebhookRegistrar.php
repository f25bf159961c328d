<?php
/**
 * Everything that touches WooCommerce webhooks.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync;

use WC_Webhook;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Creates, updates, pauses, re-enables, re-owns and deletes the plugin's WooCommerce webhooks. Their ids
 * are remembered in the option wc_klaviyo_sync_webhooks ({ topic: id }) so a re-save never duplicates them.
 */
final class WebhookRegistrar {

	public const OPTION          = 'wc_klaviyo_sync_webhooks';
	public const DISABLED_OPTION = 'wc_klaviyo_sync_disabled_webhooks';
	public const NAME_PREFIX     = 'Klaviyo Sync: ';
	public const TOPICS          = array(
		'order.created',
		'order.updated',
		'order.deleted',
		'order.restored',
		'customer.created',
		'customer.updated',
		'customer.deleted',
	);

	/**
	 * Registers the WooCommerce and user hooks.
	 */
	public function register(): void {
		add_action( 'woocommerce_webhook_disabled_due_delivery_failures', array( $this, 'record_disabled' ), 10, 1 );
		add_action( 'delete_user', array( $this, 'before_user_deleted' ), 10, 2 );
		add_action( 'deleted_user', array( $this, 'after_user_deleted' ), 20, 2 );
	}

	/**
	 * Remembered ids.
	 *
	 * @return array<string, int>
	 */
	public function remembered_ids(): array {
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
	 * Loads one webhook or null when it does not exist.
	 *
	 * @param int $id Webhook id.
	 */
	private function load( int $id ): ?WC_Webhook {
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
	 * Our webhooks that exist, by topic.
	 *
	 * @return array<string, WC_Webhook>
	 */
	private function existing(): array {
		$out = array();
		foreach ( $this->remembered_ids() as $topic => $id ) {
			$webhook = $this->load( $id );
			if ( null !== $webhook ) {
				$out[ $topic ] = $webhook;
			}
		}
		return $out;
	}

	/**
	 * Finds an existing webhook of ours by its exact name (when the ids option was lost).
	 *
	 * @param string $topic Topic.
	 */
	private function adopt( string $topic ): ?WC_Webhook {
		$store = \WC_Data_Store::load( 'webhook' );
		$ids   = $store->search_webhooks(
			array(
				'search' => self::NAME_PREFIX . $topic,
				'limit'  => -1,
			)
		);
		foreach ( is_array( $ids ) ? $ids : array() as $id ) {
			$webhook = $this->load( (int) $id );
			if ( null !== $webhook && self::NAME_PREFIX . $topic === $webhook->get_name() && $topic === $webhook->get_topic() ) {
				return $webhook;
			}
		}
		return null;
	}

	/**
	 * An administrator to own the webhooks: the preferred user if an administrator, else the first other one.
	 *
	 * @param int $preferred Preferred user id.
	 * @param int $exclude   User id that must not be chosen (being deleted).
	 */
	public function owner( int $preferred, int $exclude = 0 ): int {
		if ( $preferred > 0 && $preferred !== $exclude ) {
			$user = get_userdata( $preferred );
			if ( $user && in_array( 'administrator', (array) $user->roles, true ) ) {
				return $preferred;
			}
		}
		$admins = get_users(
			array(
				'role'    => 'administrator',
				'exclude' => $exclude > 0 ? array( $exclude ) : array(),
				'orderby' => 'ID',
				'order'   => 'ASC',
				'number'  => 1,
				'fields'  => 'ID',
			)
		);
		return isset( $admins[0] ) ? (int) $admins[0] : 0;
	}

	/**
	 * Creates or updates the seven webhooks; pings the new ones.
	 *
	 * @param string $delivery_url Sidecar delivery URL.
	 * @param string $secret       Signing secret.
	 * @param int    $user_id      Preferred owner.
	 * @return array<string, true|string> Ping result per created topic (true or an error message).
	 */
	public function ensure( string $delivery_url, string $secret, int $user_id ): array {
		$ids   = $this->remembered_ids();
		$owner = $this->owner( $user_id );
		$pings = array();
		foreach ( self::TOPICS as $topic ) {
			$webhook = isset( $ids[ $topic ] ) ? $this->load( $ids[ $topic ] ) : null;
			$webhook = $webhook ?? $this->adopt( $topic );
			$created = null === $webhook;
			if ( $created ) {
				$webhook = new WC_Webhook();
			}
			$webhook->set_name( self::NAME_PREFIX . $topic );
			$webhook->set_user_id( $owner );
			$webhook->set_topic( $topic );
			$webhook->set_delivery_url( $delivery_url );
			$webhook->set_secret( $secret );
			$webhook->set_api_version( 'wp_api_v3' );
			$webhook->set_status( 'active' );
			if ( ! $created && 'disabled' === $webhook->get_status( 'edit' ) ) {
				$webhook->set_failure_count( 0 );
			}
			$webhook->save();
			$ids[ $topic ] = (int) $webhook->get_id();
			if ( $created ) {
				// Creating in code never pings (WooCommerce's data store pings by itself on update when the URL changed).
				$pings[ $topic ] = $this->ping( $webhook );
			}
		}
		update_option( self::OPTION, $ids, false );
		delete_option( self::DISABLED_OPTION );
		return $pings;
	}

	/**
	 * Pings a webhook's delivery URL the way WooCommerce does.
	 *
	 * @param WC_Webhook $webhook Webhook.
	 * @return true|string
	 */
	private function ping( WC_Webhook $webhook ) {
		$result = $webhook->deliver_ping();
		return $result instanceof WP_Error ? $result->get_error_message() : true;
	}

	/**
	 * Sets every existing webhook of ours to a status (paused on deactivation, active on activation).
	 *
	 * @param string $status active|paused.
	 */
	public function set_all_status( string $status ): void {
		foreach ( $this->existing() as $webhook ) {
			if ( 'disabled' === $webhook->get_status( 'edit' ) && 'active' !== $status ) {
				continue;
			}
			$webhook->set_status( $status );
			$webhook->save();
		}
	}

	/**
	 * Records that WooCommerce disabled one of our webhooks after repeated delivery failures.
	 *
	 * @param mixed $webhook_id Webhook id.
	 */
	public function record_disabled( $webhook_id ): void {
		$webhook_id = (int) $webhook_id;
		if ( ! in_array( $webhook_id, $this->remembered_ids(), true ) ) {
			return;
		}
		$disabled                = get_option( self::DISABLED_OPTION, array() );
		$disabled                = is_array( $disabled ) ? $disabled : array();
		$disabled[ $webhook_id ] = gmdate( 'Y-m-d\TH:i:s\Z' );
		update_option( self::DISABLED_OPTION, $disabled, false );
	}

	/**
	 * When disabled webhooks were recorded, by id.
	 *
	 * @return array<int, string>
	 */
	public function disabled_records(): array {
		$disabled = get_option( self::DISABLED_OPTION, array() );
		return is_array( $disabled ) ? $disabled : array();
	}

	/**
	 * Re-enables our disabled webhooks: active, failure count 0, ping.
	 *
	 * @return array<string, true|string> Ping result per re-enabled topic.
	 */
	public function reenable(): array {
		$pings = array();
		foreach ( $this->existing() as $topic => $webhook ) {
			if ( 'active' === $webhook->get_status( 'edit' ) && 0 === (int) $webhook->get_failure_count( 'edit' ) ) {
				continue;
			}
			$webhook->set_status( 'active' );
			$webhook->set_failure_count( 0 );
			$webhook->save();
			$pings[ $topic ] = $this->ping( $webhook );
		}
		delete_option( self::DISABLED_OPTION );
		return $pings;
	}

	/**
	 * Before a user is deleted: our webhooks owned by them move to the reassignment user if that user is an
	 * administrator, else to another administrator (WooCommerce would set them to the reassign user or 0, and
	 * payloads built as user 0 are REST permission errors).
	 *
	 * @param mixed $user_id  User being deleted.
	 * @param mixed $reassign Reassignment user or null.
	 */
	public function before_user_deleted( $user_id, $reassign = null ): void {
		$this->reown( (int) $user_id, (int) $reassign );
	}

	/**
	 * After a user is deleted: safety net for owners that no longer exist or are no administrators.
	 *
	 * @param mixed $user_id  Deleted user.
	 * @param mixed $reassign Reassignment user or null.
	 */
	public function after_user_deleted( $user_id, $reassign = null ): void {
		$this->reown( (int) $user_id, (int) $reassign );
	}

	/**
	 * Moves our webhooks away from a user that is (being) deleted or is no administrator.
	 *
	 * @param int $deleted  Deleted user id.
	 * @param int $reassign Preferred new owner.
	 */
	private function reown( int $deleted, int $reassign ): void {
		$owner = null;
		foreach ( $this->existing() as $webhook ) {
			$current = (int) $webhook->get_user_id( 'edit' );
			$user    = $current > 0 ? get_userdata( $current ) : false;
			$ok      = $current !== $deleted && $user && in_array( 'administrator', (array) $user->roles, true );
			if ( $ok ) {
				continue;
			}
			$owner = $owner ?? $this->owner( $reassign, $deleted );
			if ( $owner > 0 && $owner !== $current ) {
				$webhook->set_user_id( $owner );
				$webhook->save();
			}
		}
	}

	/**
	 * The Webhook view for the REST API.
	 *
	 * @return list<array<string, mixed>>
	 */
	public function describe(): array {
		$ids      = $this->remembered_ids();
		$disabled = $this->disabled_records();
		$out      = array();
		foreach ( self::TOPICS as $topic ) {
			$webhook = isset( $ids[ $topic ] ) ? $this->load( $ids[ $topic ] ) : null;
			if ( null === $webhook ) {
				$out[] = array(
					'topic'        => $topic,
					'id'           => null,
					'status'       => 'missing',
					'failureCount' => 0,
					'deliveryUrl'  => null,
					'disabledAt'   => null,
				);
				continue;
			}
			$status = (string) $webhook->get_status( 'edit' );
			$out[]  = array(
				'topic'        => $topic,
				'id'           => (int) $webhook->get_id(),
				'status'       => in_array( $status, array( 'active', 'paused', 'disabled' ), true ) ? $status : 'disabled',
				'failureCount' => (int) $webhook->get_failure_count( 'edit' ),
				'deliveryUrl'  => (string) $webhook->get_delivery_url( 'edit' ),
				'disabledAt'   => 'disabled' === $status ? ( $disabled[ $webhook->get_id() ] ?? null ) : null,
			);
		}
		return $out;
	}

	/**
	 * Deletes every webhook of ours (uninstall).
	 */
	public function delete_all(): void {
		foreach ( $this->existing() as $webhook ) {
			$webhook->delete( true );
		}
		delete_option( self::OPTION );
		delete_option( self::DISABLED_OPTION );
	}
}
