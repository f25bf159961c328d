<?php
/**
 * The settings routes: read, save, test the connection.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WcKlaviyoSync\Connector;
use WcKlaviyoSync\CredentialMigration;
use WcKlaviyoSync\Settings;
use WcKlaviyoSync\WebhookRegistrar;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * GET /settings, POST /settings, POST /test-connection and POST /credential/rotate. No secret is ever returned:
 * the settings view holds only whether the site is connected and as which store, and the Klaviyo key's last four
 * characters.
 */
final class SettingsController {

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Webhook registrar.
	 *
	 * @var WebhookRegistrar
	 */
	private WebhookRegistrar $registrar;

	/**
	 * Save flow and connection test.
	 *
	 * @var Connector
	 */
	private Connector $connector;

	/**
	 * Admin-token exchange.
	 *
	 * @var CredentialMigration
	 */
	private CredentialMigration $migration;

	/**
	 * Constructor.
	 *
	 * @param Settings            $settings  Stored settings.
	 * @param WebhookRegistrar    $registrar Webhook registrar.
	 * @param Connector           $connector Save flow and connection test.
	 * @param CredentialMigration $migration Admin-token exchange.
	 */
	public function __construct( Settings $settings, WebhookRegistrar $registrar, Connector $connector, CredentialMigration $migration ) {
		$this->settings  = $settings;
		$this->registrar = $registrar;
		$this->connector = $connector;
		$this->migration = $migration;
	}

	/**
	 * JSON or form body as an array.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return array<string, mixed>
	 */
	private static function body( WP_REST_Request $request ): array {
		$json = $request->get_json_params();
		if ( is_array( $json ) && array() !== $json ) {
			return $json;
		}
		$form = $request->get_body_params();
		return is_array( $form ) ? $form : array();
	}

	/**
	 * Settings view.
	 *
	 * @return array<string, mixed>
	 */
	private function view(): array {
		return $this->settings->public_view() + array( 'webhooks' => $this->registrar->describe() );
	}

	/**
	 * GET /settings (an admin request: a saved admin token is exchanged here if it still waits).
	 */
	public function get_settings(): WP_REST_Response {
		$this->migration->run();
		return new WP_REST_Response( $this->view() );
	}

	/**
	 * POST /credential/rotate: a new store credential; the old one stops working at once.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function rotate_credential() {
		$this->migration->run( true );
		$result = $this->connector->rotate();
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		return new WP_REST_Response( $this->view() + array( 'rotated' => true ) );
	}

	/**
	 * POST /settings.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function save_settings( WP_REST_Request $request ) {
		$result = $this->connector->connect( self::body( $request ), get_current_user_id() );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		/** The store and its webhooks were saved: the alerts are checked again (AlertMonitor). */
		do_action( 'wc_klaviyo_sync_changed' );
		return new WP_REST_Response( $this->view() + $result );
	}

	/**
	 * POST /test-connection: checks the sidecar (and its admin token) and the Klaviyo key, saving nothing.
	 *
	 * @param WP_REST_Request $request Request.
	 */
	public function test_connection( WP_REST_Request $request ): WP_REST_Response {
		return new WP_REST_Response( $this->connector->test_connection( self::body( $request ) ) );
	}
}
