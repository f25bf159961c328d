<?php
/**
 * The route table of the plugin's WP REST API.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Rest;

use WcKlaviyoSync\Contract\SidecarContract;
use WP_Error;
use WP_REST_Request;
use WP_REST_Server;

defined( 'ABSPATH' ) || exit;

/**
 * Every route under wc-klaviyo-sync/v1 (see docs/plugin.md) and the controller method that answers it. Each
 * endpoint is registered with the same permission check, manage_woocommerce (and, for cookie authentication,
 * WordPress's REST nonce); a route cannot be added without it.
 */
final class Routes {

	public const NAMESPACE = 'wc-klaviyo-sync/v1';

	/**
	 * Settings, save and connection test.
	 *
	 * @var SettingsController
	 */
	private SettingsController $settings;

	/**
	 * Klaviyo lists.
	 *
	 * @var ListsController
	 */
	private ListsController $lists;

	/**
	 * Sidecar and webhook status.
	 *
	 * @var StatusController
	 */
	private StatusController $status;

	/**
	 * Sync log and replay.
	 *
	 * @var DeliveriesController
	 */
	private DeliveriesController $deliveries;

	/**
	 * Webhook re-enable.
	 *
	 * @var WebhooksController
	 */
	private WebhooksController $webhooks;

	/**
	 * Consent settings and status.
	 *
	 * @var ConsentController
	 */
	private ConsentController $consent;

	/**
	 * One order's sync-log entries.
	 *
	 * @var OrdersController
	 */
	private OrdersController $orders;

	/**
	 * Alerts and their email setting.
	 *
	 * @var AlertsController
	 */
	private AlertsController $alerts;

	/**
	 * Klaviyo flow webhook settings.
	 *
	 * @var FlowWebhooksController
	 */
	private FlowWebhooksController $flows;

	/**
	 * The history sync.
	 *
	 * @var HistoryController
	 */
	private HistoryController $history;

	/**
	 * Staging copies: held sources.
	 *
	 * @var SourcesController
	 */
	private SourcesController $sources;

	/**
	 * Constructor.
	 *
	 * @param SettingsController   $settings   Settings, save and connection test.
	 * @param ListsController      $lists      Klaviyo lists.
	 * @param StatusController     $status     Sidecar and webhook status.
	 * @param DeliveriesController $deliveries Sync log and replay.
	 * @param WebhooksController   $webhooks   Webhook re-enable.
	 * @param ConsentController    $consent    Consent settings and status.
	 * @param OrdersController     $orders     One order's sync-log entries.
	 * @param AlertsController     $alerts     Alerts and their email setting.
	 * @param FlowWebhooksController $flows    Klaviyo flow webhook settings.
	 * @param HistoryController      $history  The history sync.
	 * @param SourcesController      $sources  Staging copies: held sources.
	 */
	public function __construct( SettingsController $settings, ListsController $lists, StatusController $status, DeliveriesController $deliveries, WebhooksController $webhooks, ConsentController $consent, OrdersController $orders, AlertsController $alerts, FlowWebhooksController $flows, HistoryController $history, SourcesController $sources ) {
		$this->settings   = $settings;
		$this->lists      = $lists;
		$this->status     = $status;
		$this->deliveries = $deliveries;
		$this->webhooks   = $webhooks;
		$this->consent    = $consent;
		$this->orders     = $orders;
		$this->alerts     = $alerts;
		$this->flows      = $flows;
		$this->history    = $history;
		$this->sources    = $sources;
	}

	/**
	 * Adds the hook.
	 */
	public function register(): void {
		add_action( 'rest_api_init', array( $this, 'register_routes' ) );
		add_filter( 'rest_request_before_callbacks', array( $this, 'permission_first' ), 10, 3 );
	}

	/**
	 * WordPress checks a route's arguments before its permission callback, so a caller without manage_woocommerce
	 * would get a 400 naming an argument (learning the route's arguments) instead of the refusal. On this namespace
	 * the permission comes first: an error from the argument checks is replaced by WordPress's own refusal
	 * (`rest_forbidden`, 401 when nobody is logged in, 403 otherwise) unless the caller may use the route.
	 *
	 * @param mixed $response The argument checks' error, or null.
	 * @param mixed $handler  The matched endpoint.
	 * @param mixed $request  Request.
	 * @return mixed
	 */
	public function permission_first( $response, $handler, $request ) {
		if ( ! is_wp_error( $response ) || ! $request instanceof WP_REST_Request || ! str_starts_with( $request->get_route(), '/' . self::NAMESPACE . '/' ) ) {
			return $response;
		}
		if ( $this->can_manage() ) {
			return $response;
		}
		return new WP_Error( 'rest_forbidden', __( 'Sorry, you are not allowed to do that.', 'wc-klaviyo-sync' ), array( 'status' => rest_authorization_required_code() ) );
	}

	/**
	 * Only shop managers and administrators.
	 */
	public function can_manage(): bool {
		return current_user_can( 'manage_woocommerce' );
	}

	/**
	 * The routes: path => endpoints, each with its methods, callback and, where the route takes any, args.
	 *
	 * @return array<string, list<array<string, mixed>>>
	 */
	public function table(): array {
		$id   = '(?P<id>[A-Za-z0-9_-]{1,64})';
		$text = array(
			'type'              => 'string',
			'sanitize_callback' => 'sanitize_text_field',
		);
		return array(
			'/settings'                      => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->settings, 'get_settings' ),
				),
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->settings, 'save_settings' ),
				),
			),
			'/test-connection'               => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->settings, 'test_connection' ),
				),
			),
			'/credential/rotate'             => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->settings, 'rotate_credential' ),
				),
			),
			'/lists'                         => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->lists, 'get_lists' ),
				),
			),
			'/status'                        => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->status, 'get_status' ),
				),
			),
			'/deliveries'                    => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->deliveries, 'get_deliveries' ),
					'args'     => array(
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
				),
			),
			'/deliveries/' . $id             => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->deliveries, 'get_delivery' ),
				),
			),
			'/deliveries/' . $id . '/replay' => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->deliveries, 'replay_delivery' ),
					'args'     => array(
						'all' => array( 'type' => 'boolean' ),
					),
				),
			),
			'/replay'                        => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->deliveries, 'replay_dead' ),
				),
			),
			'/webhooks/reenable'             => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->webhooks, 'reenable_webhooks' ),
				),
			),
			'/consent-settings'              => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->consent, 'get_consent_settings' ),
				),
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->consent, 'save_consent_settings' ),
				),
			),
			'/consent'                       => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->consent, 'get_consent' ),
					'args'     => array(
						'email' => $text,
					),
				),
			),
			'/orders/(?P<order>\\d{1,20})/deliveries' => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->orders, 'get_order_deliveries' ),
				),
			),
			'/flow-webhooks'                 => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->flows, 'get_flow_webhooks' ),
				),
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->flows, 'save_flow_webhooks' ),
				),
			),
			'/flow-webhooks/rotate'          => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->flows, 'rotate_flow_secret' ),
				),
			),
			'/history'                       => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->history, 'get_history' ),
				),
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->history, 'start_history' ),
					'args'     => array(
						'scope'  => array(
							'type' => 'string',
							'enum' => array( 'all', 'months' ),
						),
						'months' => array( 'type' => 'integer' ),
					),
				),
			),
			'/history/pause'                 => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->history, 'pause_history' ),
				),
			),
			'/history/resume'                => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->history, 'resume_history' ),
				),
			),
			'/history/cancel'                => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->history, 'cancel_history' ),
				),
			),
			'/sources'                       => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->sources, 'get_sources' ),
				),
			),
			'/sources/release'               => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->sources, 'release_source' ),
					'args'     => array(
						'source' => array(
							'type'      => 'string',
							'maxLength' => 2000,
						),
						'repin'  => array( 'type' => 'boolean' ),
					),
				),
			),
			'/sources/discard'               => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->sources, 'discard_source' ),
					'args'     => array(
						'source' => array(
							'type'      => 'string',
							'maxLength' => 2000,
						),
					),
				),
			),
			'/sources/separate'              => array(
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->sources, 'separate' ),
				),
			),
			'/alerts'                        => array(
				array(
					'methods'  => WP_REST_Server::READABLE,
					'callback' => array( $this->alerts, 'get_alerts' ),
					'args'     => array(
						'refresh' => array( 'type' => 'boolean' ),
					),
				),
				array(
					'methods'  => WP_REST_Server::CREATABLE,
					'callback' => array( $this->alerts, 'save_alerts' ),
					'args'     => array(
						'emailAlerts' => array( 'type' => 'boolean' ),
					),
				),
			),
		);
	}

	/**
	 * Registers every route of the table, each endpoint with the permission check.
	 */
	public function register_routes(): void {
		foreach ( $this->table() as $path => $endpoints ) {
			foreach ( $endpoints as $i => $endpoint ) {
				$endpoints[ $i ]['permission_callback'] = array( $this, 'can_manage' );
			}
			register_rest_route( self::NAMESPACE, $path, $endpoints );
		}
	}
}
