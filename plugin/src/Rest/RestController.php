<?php
/**
 * The plugin's WP REST routes; they proxy to the sidecar with the admin token held server-side.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WcKlaviyoSync\Connector;
use WcKlaviyoSync\Contract\SidecarContract;
use WcKlaviyoSync\SidecarClient;
use WcKlaviyoSync\Settings;
use WcKlaviyoSync\WebhookRegistrar;
use WP_Error;
use WP_REST_Request;
use WP_REST_Response;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Routes under wc-klaviyo-sync/v1 (see docs/plugin.md). Every route needs manage_woocommerce (and, for
 * cookie authentication, WordPress's REST nonce). No secret is ever returned.
 */
final class RestController {

	public const NAMESPACE = 'wc-klaviyo-sync/v1';

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Sidecar client.
	 *
	 * @var SidecarClient
	 */
	private SidecarClient $sidecar;

	/**
	 * Webhook registrar.
	 *
	 * @var WebhookRegistrar
	 */
	private WebhookRegistrar $registrar;

	/**
	 * Save flow.
	 *
	 * @var Connector
	 */
	private Connector $connector;

	/**
	 * Constructor.
	 *
	 * @param Settings         $settings  Stored settings.
	 * @param SidecarClient    $sidecar   Sidecar client.
	 * @param WebhookRegistrar $registrar Webhook registrar.
	 * @param Connector        $connector Save flow.
	 */
	public function __construct( Settings $settings, SidecarClient $sidecar, WebhookRegistrar $registrar, Connector $connector ) {
		$this->settings  = $settings;
		$this->sidecar   = $sidecar;
		$this->registrar = $registrar;
		$this->connector = $connector;
	}

	/**
	 * Adds the hook.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
	}

	/**
	 * Only shop managers and administrators.
	 */
	public function can_manage(): bool {
		return current_user_can( 'manage_woocommerce' );
	}

	/**
	 * Registers the routes.
	 */
	public function register_routes(): void {
		$perm = array( $this, 'can_manage' );
		$id   = '(?P<id>[A-Za-z0-9_-]{1,64})';
		$text = array(
			'type'              => 'string',
			'sanitize_callback' => 'sanitize_text_field',
		);
		register_rest_route(
			self::NAMESPACE,
			'/settings',
			array(
				array(
					'methods'             => WP_REST_Server::READABLE,
					'callback'            => array( $this, 'get_settings' ),
					'permission_callback' => $perm,
				),
				array(
					'methods'             => WP_REST_Server::CREATABLE,
					'callback'            => array( $this, 'save_settings' ),
					'permission_callback' => $perm,
				),
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/test-connection',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'test_connection' ),
				'permission_callback' => $perm,
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/lists',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'get_lists' ),
				'permission_callback' => $perm,
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/status',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'get_status' ),
				'permission_callback' => $perm,
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/deliveries',
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'get_deliveries' ),
				'permission_callback' => $perm,
				'args'                => array(
					'status' => array(
						'type' => 'string',
						'enum' => SidecarContract::DELIVERY_STATUSES,
					),
					'q'      => $text,
					'cursor' => $text,
					'limit'  => array(
						'type'    => 'integer',
						'minimum' => 1,
						'maximum' => 100,
					),
				),
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/deliveries/' . $id,
			array(
				'methods'             => WP_REST_Server::READABLE,
				'callback'            => array( $this, 'get_delivery' ),
				'permission_callback' => $perm,
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/deliveries/' . $id . '/replay',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'replay_delivery' ),
				'permission_callback' => $perm,
				'args'                => array(
					'all' => array( 'type' => 'boolean' ),
				),
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/replay',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'replay_dead' ),
				'permission_callback' => $perm,
			)
		);
		register_rest_route(
			self::NAMESPACE,
			'/webhooks/reenable',
			array(
				'methods'             => WP_REST_Server::CREATABLE,
				'callback'            => array( $this, 'reenable_webhooks' ),
				'permission_callback' => $perm,
			)
		);
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
	private function settings_view(): array {
		return $this->settings->public_view() + array( 'webhooks' => $this->registrar->describe() );
	}

	/**
	 * GET /settings.
	 */
	public function get_settings(): WP_REST_Response {
		return new WP_REST_Response( $this->settings_view() );
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
		$pings = array();
		foreach ( $result['pings'] as $topic => $ping ) {
			$pings[] = array(
				'topic'   => $topic,
				'ok'      => true === $ping,
				'message' => true === $ping ? null : $ping,
			);
		}
		return new WP_REST_Response(
			$this->settings_view() + array(
				'key'   => $result['key'],
				'pings' => $pings,
			)
		);
	}

	/**
	 * POST /test-connection: checks the sidecar (and its admin token) and the Klaviyo key, saving nothing.
	 *
	 * @param WP_REST_Request $request Request.
	 */
	public function test_connection( WP_REST_Request $request ): WP_REST_Response {
		return new WP_REST_Response( $this->connector->test_connection( self::body( $request ) ) );
	}

	/**
	 * Error for routes that need a saved configuration.
	 */
	private static function not_configured(): WP_Error {
		return new WP_Error( 'wck_not_configured', __( 'Klaviyo Sync is not set up yet. Save the settings first.', 'wc-klaviyo-sync' ), array( 'status' => 400 ) );
	}

	/**
	 * Proxies one request for the saved store and returns the sidecar's JSON.
	 *
	 * @param string                    $method Method.
	 * @param string                    $suffix Path after /v1/stores/{storeId}.
	 * @param array<string, scalar>     $query  Query.
	 * @param array<string, mixed>|null $body   Body.
	 * @return WP_REST_Response|WP_Error
	 */
	private function proxy( string $method, string $suffix, array $query = array(), ?array $body = null ) {
		if ( ! $this->settings->is_configured() ) {
			return self::not_configured();
		}
		$result = $this->sidecar->store_request( $method, $suffix, $body, $query );
		if ( is_wp_error( $result ) ) {
			return $result;
		}
		return new WP_REST_Response( $result['body'], 200 );
	}

	/**
	 * GET /lists.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_lists() {
		$result = $this->proxy( 'GET', '/klaviyo/lists' );
		if ( is_wp_error( $result ) && 'wck_sidecar_klaviyo_key_invalid' === $result->get_error_code() ) {
			return new WP_Error( 'wck_klaviyo_key_invalid', __( 'Klaviyo rejected the saved private API key, so the lists cannot be read.', 'wc-klaviyo-sync' ), array( 'status' => 409 ) );
		}
		if ( is_wp_error( $result ) && 'wck_sidecar_klaviyo_unreachable' === $result->get_error_code() ) {
			return new WP_Error( 'wck_klaviyo_unreachable', __( 'The sync service could not reach Klaviyo to read the lists. Try again in a moment.', 'wc-klaviyo-sync' ), array( 'status' => 502 ) );
		}
		return $result;
	}

	/**
	 * GET /status: the sidecar's status (or why it is unavailable) and the webhooks.
	 */
	public function get_status(): WP_REST_Response {
		$sidecar = null;
		$error   = null;
		if ( ! $this->settings->is_configured() ) {
			$error = self::not_configured()->get_error_message();
		} else {
			$result = $this->sidecar->store_request( 'GET', '/status' );
			if ( is_wp_error( $result ) ) {
				$error = $result->get_error_message();
			} else {
				$sidecar = $result['body'];
			}
		}
		return new WP_REST_Response(
			array(
				'sidecar'      => $sidecar,
				'sidecarError' => $error,
				'webhooks'     => $this->registrar->describe(),
			)
		);
	}

	/**
	 * GET /deliveries.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_deliveries( WP_REST_Request $request ) {
		$query = array();
		foreach ( array( 'status', 'q', 'cursor', 'limit' ) as $name ) {
			$value = $request->get_param( $name );
			if ( null !== $value && '' !== $value ) {
				$query[ $name ] = is_scalar( $value ) ? $value : '';
			}
		}
		return $this->proxy( 'GET', '/deliveries', $query );
	}

	/**
	 * GET /deliveries/{id}.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function get_delivery( WP_REST_Request $request ) {
		return $this->proxy( 'GET', '/deliveries/' . rawurlencode( (string) $request['id'] ) );
	}

	/**
	 * POST /deliveries/{id}/replay.
	 *
	 * @param WP_REST_Request $request Request.
	 * @return WP_REST_Response|WP_Error
	 */
	public function replay_delivery( WP_REST_Request $request ) {
		$query = $request->get_param( 'all' ) ? array( 'all' => 1 ) : array();
		return $this->proxy( 'POST', '/deliveries/' . rawurlencode( (string) $request['id'] ) . '/replay', $query, array() );
	}

	/**
	 * POST /replay: replays every dead delivery.
	 *
	 * @return WP_REST_Response|WP_Error
	 */
	public function replay_dead() {
		return $this->proxy( 'POST', '/replay', array( 'status' => 'dead' ), array() );
	}

	/**
	 * POST /webhooks/reenable.
	 */
	public function reenable_webhooks(): WP_REST_Response {
		$pings = array();
		foreach ( $this->registrar->reenable() as $topic => $ping ) {
			$pings[] = array(
				'topic'   => $topic,
				'ok'      => true === $ping,
				'message' => true === $ping ? null : $ping,
			);
		}
		return new WP_REST_Response(
			array(
				'webhooks' => $this->registrar->describe(),
				'pings'    => $pings,
			)
		);
	}
}
