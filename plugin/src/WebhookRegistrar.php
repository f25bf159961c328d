<?php
/**
 * Creates and changes the plugin's WooCommerce webhooks.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync;

use WC_Webhook;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Creates, updates, pings, pauses, resumes, re-enables and re-owns the plugin's WooCommerce webhooks, and
 * describes them. Which webhooks are ours is WebhookOwnership's to say, so a re-save never duplicates them.
 */
final class WebhookRegistrar {

	public const DISABLED_OPTION = 'wc_klaviyo_sync_disabled_webhooks';

	/**
	 * Which webhooks are ours.
	 *
	 * @var WebhookOwnership
	 */
	private WebhookOwnership $ours;

	/**
	 * Constructor.
	 *
	 * @param WebhookOwnership $ours Which webhooks are ours.
	 */
	public function __construct( WebhookOwnership $ours ) {
		$this->ours = $ours;
	}

	/**
	 * Registers the WooCommerce and user hooks.
	 */
	public function register(): void {
		add_action( 'woocommerce_webhook_disabled_due_delivery_failures', array( $this, 'record_disabled' ), 10, 1 );
		add_action( 'delete_user', array( $this, 'user_deleted' ), 10, 2 );
		add_action( 'deleted_user', array( $this, 'user_deleted' ), 20, 2 );
	}

	/**
	 * An administrator to own the webhooks: the preferred user if an administrator, else the first other one.
	 *
	 * @param int $preferred Preferred user id.
	 * @param int $exclude   User id that must not be chosen (being deleted).
	 */
	private function owner( int $preferred, int $exclude = 0 ): int {
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
	 * @return list<array{topic: string, ok: bool, message: string|null}> Ping result per created webhook.
	 */
	public function ensure( string $delivery_url, string $secret, int $user_id ): array {
		$ids   = $this->ours->ids();
		$owner = $this->owner( $user_id );
		$pings = array();
		foreach ( WebhookOwnership::TOPICS as $topic ) {
			$webhook = $this->ours->find( $topic ) ?? $this->ours->adopt( $topic );
			$created = null === $webhook;
			if ( $created ) {
				$webhook = new WC_Webhook();
			}
			$webhook->set_name( WebhookOwnership::name( $topic ) );
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
				$pings[] = $this->ping( $topic, $webhook );
			}
		}
		$this->ours->remember( $ids );
		delete_option( self::DISABLED_OPTION );
		return $pings;
	}

	/**
	 * Pings a webhook's delivery URL the way WooCommerce does.
	 *
	 * @param string     $topic   Topic.
	 * @param WC_Webhook $webhook Webhook.
	 * @return array{topic: string, ok: bool, message: string|null} The message is WooCommerce's error, if any.
	 */
	private function ping( string $topic, WC_Webhook $webhook ): array {
		$result = $webhook->deliver_ping();
		return array(
			'topic'   => $topic,
			'ok'      => ! $result instanceof WP_Error,
			'message' => $result instanceof WP_Error ? $result->get_error_message() : null,
		);
	}

	/**
	 * Sets every existing webhook of ours to a status (paused on deactivation, active on activation).
	 *
	 * @param string $status active|paused.
	 */
	public function set_all_status( string $status ): void {
		foreach ( $this->ours->existing() as $webhook ) {
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
		if ( ! $this->ours->is_ours( $webhook_id ) ) {
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
	 * @return list<array{topic: string, ok: bool, message: string|null}> Ping result per re-enabled webhook.
	 */
	public function reenable(): array {
		$pings = array();
		foreach ( $this->ours->existing() as $topic => $webhook ) {
			if ( 'active' === $webhook->get_status( 'edit' ) && 0 === (int) $webhook->get_failure_count( 'edit' ) ) {
				continue;
			}
			$webhook->set_status( 'active' );
			$webhook->set_failure_count( 0 );
			$webhook->save();
			$pings[] = $this->ping( $topic, $webhook );
		}
		delete_option( self::DISABLED_OPTION );
		return $pings;
	}

	/**
	 * On delete_user (before WooCommerce's deleted_user handler would give them to the reassignment user or to 0)
	 * and again on deleted_user (a safety net for owners that no longer exist or are no administrators): our
	 * webhooks owned by that user move to the reassignment user if an administrator, else to another
	 * administrator. Payloads built as user 0 are REST permission errors.
	 *
	 * @param mixed $user_id  User being deleted, or deleted.
	 * @param mixed $reassign Reassignment user or null.
	 */
	public function user_deleted( $user_id, $reassign = null ): void {
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
		foreach ( $this->ours->existing() as $webhook ) {
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
		$disabled = $this->disabled_records();
		$created  = $this->ours->ids();
		$out      = array();
		foreach ( WebhookOwnership::TOPICS as $topic ) {
			$webhook = $this->ours->find( $topic );
			if ( null === $webhook ) {
				// Never created (a fresh install): not set up yet; created once and gone since: missing.
				$out[] = array(
					'topic'        => $topic,
					'id'           => null,
					'status'       => isset( $created[ $topic ] ) ? 'missing' : 'not_set_up',
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
}
