<?php
/**
 * GET /sources, POST /sources/release, /sources/discard, /sources/separate: staging copies.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WcKlaviyoSync\Connector;
use WcKlaviyoSync\Settings;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * Proxies the sidecar's sources routes for this store. The sidecar decides which deliveries are held and whether
 * this site is the pinned one (it is told this site's `home_url()`); this class only passes the merchant's answer on.
 * "Separate" is the one step of its own: the sidecar hands out a connection code for a new store, and this site
 * connects with it (a new webhook secret, its webhooks pointed at the new store) as the settings save does.
 */
final class SourcesController {

	/**
	 * Proxy to the sidecar.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * The save flow.
	 *
	 * @var Connector
	 */
	private Connector $connector;

	/**
	 * Constructor.
	 *
	 * @param StoreProxy $proxy     Proxy to the sidecar.
	 * @param Connector  $connector The save flow.
	 */
	public function __construct( StoreProxy $proxy, Connector $connector ) {
		$this->proxy     = $proxy;
		$this->connector = $connector;
	}

	/**
	 * The source a request names, or this site (the copy acting on its own deliveries).
	 *
	 * @param WP_REST_Request $request Request.
	 */
	private static function source( WP_REST_Request $request ): string {
		$source = trim( (string) $request->get_param( 'source' ) );
		return '' === $source ? home_url() : $source;
	}

	/**
	 * GET /sources: the pinned site, whether this site is it, and the held sources.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_sources() {
		return $this->proxy->respond( 'GET', '/sources', array( 'site' => home_url() ) );
	}

	/**
	 * POST /sources/release `{ source?, repin? }`: sends the source's held deliveries (this site's without a source).
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function release_source( WP_REST_Request $request ) {
		$result = $this->proxy->respond(
			'POST',
			'/sources/release',
			array(),
			array(
				'source' => self::source( $request ),
				'repin'  => (bool) $request->get_param( 'repin' ),
			)
		);
		/** What was held may be gone: the alerts are checked again (AlertMonitor). */
		do_action( 'wc_klaviyo_sync_changed' );
		return $result;
	}

	/**
	 * POST /sources/discard `{ source? }`.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function discard_source( WP_REST_Request $request ) {
		$result = $this->proxy->respond( 'POST', '/sources/discard', array(), array( 'source' => self::source( $request ) ) );
		do_action( 'wc_klaviyo_sync_changed' );
		return $result;
	}

	/**
	 * POST /sources/separate: this site (a copy) connects as a store of its own. The sidecar discards this site's
	 * held deliveries in the store it copied and answers a connection code; this site redeems it with a new webhook
	 * secret. If connecting fails, the old secret is put back and the code is in the error, so nothing is lost.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function separate() {
		$separated = $this->proxy->fetch( 'POST', '/sources/separate', array(), array( 'source' => home_url() ) );
		if ( is_wp_error( $separated ) ) {
			return $separated;
		}
		$code = (string) ( $separated['code'] ?? '' );
		$old  = get_option( Settings::SECRET_OPTION, '' );
		// The copy's own store gets its own webhook secret: the one it shares with the store it copied is no longer its.
		delete_option( Settings::SECRET_OPTION );
		$connected = $this->connector->connect( array( 'connectionCode' => $code ), get_current_user_id() );
		if ( is_wp_error( $connected ) ) {
			update_option( Settings::SECRET_OPTION, $old, false );
			return new WP_Error(
				'wck_separate_failed',
				/* translators: 1: why connecting failed, 2: the connection code */
				sprintf( __( 'The sync service made a store of its own for this site, but connecting to it failed: %1$s Paste this connection code in the settings below to finish (it works once, for a short time): %2$s', 'wc-klaviyo-sync' ), $connected->get_error_message(), $code ),
				array( 'status' => 502 )
			);
		}
		do_action( 'wc_klaviyo_sync_changed' );
		return new WP_REST_Response(
			array(
				'storeId'   => (string) ( $separated['storeId'] ?? '' ),
				'discarded' => (int) ( $separated['discarded'] ?? 0 ),
				'key'       => $connected['key'],
			)
		);
	}
}
