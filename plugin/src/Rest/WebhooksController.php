<?php
/**
 * POST /webhooks/reenable.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WcKlaviyoSync\WebhookRegistrar;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * Sets our disabled (or failing) webhooks active again and pings them.
 */
final class WebhooksController {

	/**
	 * Webhook registrar.
	 *
	 * @var WebhookRegistrar
	 */
	private WebhookRegistrar $registrar;

	/**
	 * Constructor.
	 *
	 * @param WebhookRegistrar $registrar Webhook registrar.
	 */
	public function __construct( WebhookRegistrar $registrar ) {
		$this->registrar = $registrar;
	}

	/**
	 * POST /webhooks/reenable.
	 */
	public function reenable_webhooks(): WP_REST_Response {
		$pings = $this->registrar->reenable();
		/** The webhooks changed: the alerts are checked again (AlertMonitor). */
		do_action( 'wc_klaviyo_sync_changed' );
		return new WP_REST_Response(
			array(
				'webhooks' => $this->registrar->describe(),
				'pings'    => $pings,
			)
		);
	}
}
