<?php
/**
 * GET/POST /alerts: the current alerts and whether they are emailed.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WcKlaviyoSync\Alerts\AlertCatalog;
use WcKlaviyoSync\Alerts\AlertMonitor;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * The stored alert set with its texts, and the email setting.
 */
final class AlertsController {

	/**
	 * The alert monitor.
	 *
	 * @var AlertMonitor
	 */
	private AlertMonitor $monitor;

	/**
	 * Constructor.
	 *
	 * @param AlertMonitor $monitor The alert monitor.
	 */
	public function __construct( AlertMonitor $monitor ) {
		$this->monitor = $monitor;
	}

	/**
	 * The response body.
	 *
	 * @return array<string, mixed>
	 */
	private function view(): array {
		$alerts = array();
		foreach ( $this->monitor->current() as $alert ) {
			$text     = AlertCatalog::describe( $alert['id'], $alert['facts'] );
			$alerts[] = array(
				'id'     => $alert['id'],
				'since'  => gmdate( 'c', $alert['since'] ),
				'what'   => $text['what'],
				'means'  => $text['means'],
				'action' => $text['action'],
				'url'    => $text['url'],
			);
		}
		$checked = (int) ( $this->monitor->state()['checkedAt'] ?? 0 );
		return array(
			'alerts'      => $alerts,
			'checkedAt'   => $checked > 0 ? gmdate( 'c', $checked ) : null,
			'emailAlerts' => AlertMonitor::emails_enabled(),
		);
	}

	/**
	 * GET /alerts (`?refresh=1` checks now).
	 *
	 * @param WP_REST_Request $request Request.
	 */
	public function get_alerts( WP_REST_Request $request ): WP_REST_Response {
		if ( ! empty( $request['refresh'] ) ) {
			$this->monitor->check();
		}
		return new WP_REST_Response( $this->view() );
	}

	/**
	 * POST /alerts: `{ emailAlerts: boolean }`.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function save_alerts( WP_REST_Request $request ) {
		if ( null === $request['emailAlerts'] ) {
			return new WP_Error( 'wck_invalid_field', __( 'Say whether alerts are emailed (emailAlerts: true or false).', 'wc-klaviyo-sync' ), array( 'status' => 400, 'field' => 'emailAlerts' ) );
		}
		AlertMonitor::set_emails_enabled( (bool) $request['emailAlerts'] );
		return new WP_REST_Response( $this->view() );
	}
}
