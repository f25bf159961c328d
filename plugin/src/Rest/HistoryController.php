<?php
/**
 * The history sync, from wp-admin: start one (everything or the last N months), its progress, pause, resume, cancel.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WP_Error;
use WP_REST_Request;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * GET /history and POST /history, /history/pause, /history/resume, /history/cancel proxy the sidecar's
 * `…/history` routes for the saved store, unchanged. The sidecar reads the store's past from the plugin's signed
 * machine routes (History\HistoryRoute); nothing here reads an order.
 */
final class HistoryController {

	/**
	 * Sidecar proxy.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * Constructor.
	 *
	 * @param StoreProxy $proxy Sidecar proxy.
	 */
	public function __construct( StoreProxy $proxy ) {
		$this->proxy = $proxy;
	}

	/**
	 * GET /history: the latest run's state and progress.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_history() {
		return $this->proxy->respond( 'GET', '/history' );
	}

	/**
	 * POST /history: body { scope: "all" } or { scope: "months", months: N }.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function start_history( WP_REST_Request $request ) {
		$scope = (string) $request->get_param( 'scope' );
		if ( 'all' === $scope ) {
			return $this->proxy->respond( 'POST', '/history', array(), array( 'scope' => 'all' ) );
		}
		$months = (int) $request->get_param( 'months' );
		if ( 'months' !== $scope || $months < 1 || $months > 240 ) {
			return new WP_Error( 'wck_invalid_field', __( 'Choose everything, or a number of months between 1 and 240.', 'wc-klaviyo-sync' ), array( 'status' => 400, 'field' => 'months' ) );
		}
		return $this->proxy->respond( 'POST', '/history', array(), array( 'scope' => 'months', 'months' => $months ) );
	}

	/**
	 * POST /history/pause.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function pause_history() {
		return $this->proxy->respond( 'POST', '/history/pause' );
	}

	/**
	 * POST /history/resume.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function resume_history() {
		return $this->proxy->respond( 'POST', '/history/resume' );
	}

	/**
	 * POST /history/cancel.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function cancel_history() {
		return $this->proxy->respond( 'POST', '/history/cancel' );
	}
}
