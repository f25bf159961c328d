<?php
/**
 * GET /status: the sidecar's status for the saved store and the webhooks.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WcKlaviyoSync\WebhookRegistrar;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * Always answers 200: the sidecar's status JSON, or why it is unavailable, beside the webhooks.
 */
final class StatusController {

	/**
	 * Proxy to the sidecar for the saved store.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * Webhook registrar.
	 *
	 * @var WebhookRegistrar
	 */
	private WebhookRegistrar $registrar;

	/**
	 * Constructor.
	 *
	 * @param StoreProxy       $proxy     Proxy to the sidecar for the saved store.
	 * @param WebhookRegistrar $registrar Webhook registrar.
	 */
	public function __construct( StoreProxy $proxy, WebhookRegistrar $registrar ) {
		$this->proxy     = $proxy;
		$this->registrar = $registrar;
	}

	/**
	 * GET /status.
	 */
	public function get_status(): WP_REST_Response {
		$result = $this->proxy->fetch( 'GET', '/status' );
		return new WP_REST_Response(
			array(
				'sidecar'      => is_wp_error( $result ) ? null : $result,
				'sidecarError' => is_wp_error( $result ) ? $result->get_error_message() : null,
				'webhooks'     => $this->registrar->describe(),
			)
		);
	}
}
