<?php
/**
 * Tells the sidecar when one of the plugin's webhooks is active again, so it checks for what WooCommerce did not deliver.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\History;

use WcKlaviyoSync\Rest\StoreProxy;
use WcKlaviyoSync\WebhookOwnership;
use WC_Webhook;

defined( 'ABSPATH' ) || exit;

/**
 * While a webhook of ours is disabled (WooCommerce does that after repeated failures) or paused (the plugin was
 * deactivated), WooCommerce delivers nothing and queues nothing. When one becomes active again, whoever did it (the
 * plugin's "Re-enable webhooks", a settings save, activation, or WooCommerce → Settings → Advanced → Webhooks), this
 * asks the sidecar for a gap check (`POST /v1/stores/{id}/gap-check`, reason `webhook_reenabled`), which compares the
 * orders WooCommerce changed meanwhile with what it holds and sends what is missing. Once per request however many
 * webhooks were re-enabled. Never on a shopper's request: only a save that makes a webhook active calls it.
 */
final class GapCheckTrigger {

	/**
	 * Our webhooks.
	 *
	 * @var WebhookOwnership
	 */
	private WebhookOwnership $ours;

	/**
	 * Proxy to the sidecar.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * Ids of our webhooks being saved from another status to active.
	 *
	 * @var array<int, true>
	 */
	private array $reenabling = array();

	/**
	 * Whether this request already asked.
	 *
	 * @var bool
	 */
	private bool $asked = false;

	/**
	 * Constructor.
	 *
	 * @param WebhookOwnership $ours  Our webhooks.
	 * @param StoreProxy       $proxy Proxy to the sidecar.
	 */
	public function __construct( WebhookOwnership $ours, StoreProxy $proxy ) {
		$this->ours  = $ours;
		$this->proxy = $proxy;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		// WC_Webhook keeps WC_Data's object type: its save fires the generic hook (any WC_Data without a type of its own).
		add_action( 'woocommerce_before_data_object_save', array( $this, 'before_save' ), 10, 1 );
		add_action( 'woocommerce_webhook_updated', array( $this, 'updated' ), 10, 1 );
	}

	/**
	 * Before WooCommerce saves a webhook: notes ours going from another status to active (a loaded object records a
	 * change only for a value that differs from the stored one).
	 *
	 * @param mixed $webhook The webhook being saved.
	 */
	public function before_save( $webhook ): void {
		if ( ! $webhook instanceof WC_Webhook || $webhook->get_id() <= 0 || ! $this->ours->is_ours( (int) $webhook->get_id() ) ) {
			return;
		}
		$changes = $webhook->get_changes();
		if ( isset( $changes['status'] ) && 'active' === $changes['status'] ) {
			$this->reenabling[ (int) $webhook->get_id() ] = true;
		}
	}

	/**
	 * After the save: asks the sidecar for a check if the webhook was re-enabled.
	 *
	 * @param mixed $webhook_id Webhook id.
	 */
	public function updated( $webhook_id ): void {
		$webhook_id = (int) $webhook_id;
		if ( ! isset( $this->reenabling[ $webhook_id ] ) ) {
			return;
		}
		unset( $this->reenabling[ $webhook_id ] );
		if ( $this->asked ) {
			return;
		}
		$this->asked = true;
		$result      = $this->proxy->fetch( 'POST', '/gap-check', array(), array( 'reason' => 'webhook_reenabled' ) );
		if ( is_wp_error( $result ) ) {
			// The daily check still runs; an unreachable sidecar also gets a check when it starts again.
			// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log
			error_log( 'Klaviyo Sync: asking the sidecar for a gap check failed: ' . $result->get_error_message() );
		}
	}

	/**
	 * Lets a later re-enable in the same request ask again (tests run many in one process).
	 */
	public function reset(): void {
		$this->asked = false;
	}
}
