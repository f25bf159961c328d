<?php
/**
 * Stand-in for WC_Webhook as in WooCommerce 10.0.2: props, enqueue/process, payload built through the
 * internal REST GET as the webhook's user, signed delivery with wp_safe_remote_request, failure count and
 * auto-disable, the unsigned form-encoded ping.
 *
 * @package WooCommerceStandin
 */

defined( 'ABSPATH' ) || exit;

class WC_Webhook extends WC_Data {
	// As in WooCommerce: WC_Webhook keeps WC_Data's object type, so its save hooks are woocommerce_before_data_object_save
	// and woocommerce_after_data_object_save.
	protected $object_type = 'data';
	protected $data        = array(
		'date_created'     => null,
		'date_modified'    => null,
		'status'           => 'disabled',
		'delivery_url'     => '',
		'secret'           => '',
		'name'             => '',
		'topic'            => '',
		'hooks'            => '',
		'resource'         => '',
		'event'            => '',
		'failure_count'    => 0,
		'user_id'          => 0,
		'api_version'      => 3,
		'pending_delivery' => false,
	);
	protected $processed   = array();

	public function __construct( $data = 0 ) {
		parent::__construct( $data );
		if ( $data instanceof WC_Webhook ) {
			$this->set_id( absint( $data->get_id() ) );
		} elseif ( is_numeric( $data ) ) {
			$this->set_id( $data );
		}
		$this->data_store = WC_Data_Store::load( 'webhook' );
		if ( $this->get_id() ) {
			try {
				$this->data_store->read( $this );
			} catch ( Exception $e ) {
				$this->set_id( 0 );
				$this->set_object_read( true );
			}
		} else {
			$this->set_object_read( true );
		}
	}

	public function enqueue() {
		$hooks = $this->get_hooks();
		if ( is_array( $hooks ) && '' !== $this->get_delivery_url() ) {
			foreach ( $hooks as $hook ) {
				add_action( $hook, array( $this, 'process' ) );
			}
		}
	}

	public function process( $arg ) {
		if ( ! $this->should_deliver( $arg ) ) {
			return;
		}
		$this->processed[] = $arg;
		do_action( 'woocommerce_webhook_process_delivery', $this, $arg );
		return $arg;
	}

	private function should_deliver( $arg ) {
		$ok = 'active' === $this->get_status() && wc_is_webhook_valid_topic( $this->get_topic() ) && $this->is_valid_action( $arg ) && $this->is_valid_resource( $arg ) && false === array_search( $arg, $this->processed, true );
		return apply_filters( 'woocommerce_webhook_should_deliver', $ok, $this, $arg );
	}

	private function is_valid_action( $arg ) {
		if ( 'delete_user' === current_action() ) {
			$user = get_userdata( absint( $arg ) );
			return $user && in_array( 'customer', (array) $user->roles, true );
		}
		return true;
	}

	private function is_valid_resource( $arg ) {
		if ( 'order' === $this->get_resource() ) {
			$order = wc_standin_get_order( absint( $arg ) );
			return null !== $order && ! in_array( $order['status'], array( 'draft', 'auto-draft', 'checkout-draft', 'new' ), true );
		}
		return true;
	}

	public function deliver( $arg ) {
		$start     = microtime( true );
		$payload   = $this->build_payload( $arg );
		$http_args = array(
			'method'      => 'POST',
			'timeout'     => MINUTE_IN_SECONDS,
			'redirection' => 0,
			'httpversion' => '1.0',
			'blocking'    => true,
			'user-agent'  => sprintf( 'WooCommerce/%s Hookshot (WordPress/%s)', WC_VERSION, $GLOBALS['wp_version'] ),
			'body'        => trim( wp_json_encode( $payload ) ),
			'headers'     => array( 'Content-Type' => 'application/json' ),
			'cookies'     => array(),
		);
		$http_args = apply_filters( 'woocommerce_webhook_http_args', $http_args, $arg, $this->get_id() );

		$delivery_id                                      = wp_hash( $this->get_id() . strtotime( 'now' ) );
		$http_args['headers']['X-WC-Webhook-Source']      = home_url( '/' );
		$http_args['headers']['X-WC-Webhook-Topic']       = $this->get_topic();
		$http_args['headers']['X-WC-Webhook-Resource']    = $this->get_resource();
		$http_args['headers']['X-WC-Webhook-Event']       = $this->get_event();
		$http_args['headers']['X-WC-Webhook-Signature']   = $this->generate_signature( $http_args['body'] );
		$http_args['headers']['X-WC-Webhook-ID']          = $this->get_id();
		$http_args['headers']['X-WC-Webhook-Delivery-ID'] = $delivery_id;

		$response = wp_safe_remote_request( $this->get_delivery_url(), $http_args );
		$duration = round( microtime( true ) - $start, 5 );
		$this->log_delivery( $delivery_id, $http_args, $response, $duration );
		do_action( 'woocommerce_webhook_delivery', $http_args, $response, $duration, $arg, $this->get_id() );
	}

	public function build_payload( $resource_id ) {
		$current_user = get_current_user_id();
		wp_set_current_user( $this->get_user_id() );
		$resource = $this->get_resource();
		if ( 'deleted' === $this->get_event() ) {
			$payload = array( 'id' => $resource_id );
		} elseif ( in_array( $resource, array( 'order', 'customer' ), true ) ) {
			$version = str_replace( 'wp_api_', '', $this->get_api_version() );
			$request = new WP_REST_Request( 'GET', "/wc/{$version}/{$resource}s/{$resource_id}" );
			$server  = rest_get_server();
			$payload = json_decode( (string) wp_json_encode( $server->response_to_data( rest_do_request( $request ), false ) ), true );
		} else {
			$payload = array();
		}
		wp_set_current_user( $current_user );
		return apply_filters( 'woocommerce_webhook_payload', $payload, $resource, $resource_id, $this->get_id() );
	}

	public function generate_signature( $payload ) {
		$algo = apply_filters( 'woocommerce_webhook_hash_algorithm', 'sha256', $payload, $this->get_id() );
		return base64_encode( hash_hmac( $algo, $payload, wp_specialchars_decode( $this->get_secret(), ENT_QUOTES ), true ) ); // phpcs:ignore
	}

	public function log_delivery( $delivery_id, $request, $response, $duration ) {
		$code = is_wp_error( $response ) ? $response->get_error_code() : wp_remote_retrieve_response_code( $response );
		$log  = get_option( 'wc_standin_webhook_deliveries', array() );
		$log  = is_array( $log ) ? $log : array();
		$log[] = array(
			'webhook_id'  => $this->get_id(),
			'topic'       => $this->get_topic(),
			'delivery_id' => $delivery_id,
			'url'         => $this->get_delivery_url(),
			'user_id'     => $this->get_user_id(),
			'code'        => $code,
			'error'       => is_wp_error( $response ) ? $response->get_error_message() : null,
			'body'        => $request['body'],
			'headers'     => $request['headers'],
			'duration'    => $duration,
		);
		update_option( 'wc_standin_webhook_deliveries', array_slice( $log, -200 ), false );
		if ( intval( $code ) >= 200 && intval( $code ) < 303 ) {
			$this->set_failure_count( 0 );
			if ( 0 !== $this->get_id() ) {
				$this->save();
			}
		} else {
			$this->failed_delivery();
		}
	}

	private function failed_delivery() {
		$failures = $this->get_failure_count();
		if ( $failures > apply_filters( 'woocommerce_max_webhook_delivery_failures', 5 ) ) {
			$this->set_status( 'disabled' );
			do_action( 'woocommerce_webhook_disabled_due_delivery_failures', $this->get_id() );
		} else {
			$this->set_failure_count( ++$failures );
		}
		if ( 0 !== $this->get_id() ) {
			$this->save();
		}
	}

	public function deliver_ping() {
		$args = array(
			'user-agent' => sprintf( 'WooCommerce/%s Hookshot (WordPress/%s)', WC_VERSION, $GLOBALS['wp_version'] ),
			'body'       => 'webhook_id=' . $this->get_id(),
		);
		$test = wp_safe_remote_post( $this->get_delivery_url(), $args );
		$code = wp_remote_retrieve_response_code( $test );
		$log  = get_option( 'wc_standin_webhook_pings', array() );
		$log  = is_array( $log ) ? $log : array();
		$log[] = array(
			'webhook_id' => $this->get_id(),
			'url'        => $this->get_delivery_url(),
			'code'       => is_wp_error( $test ) ? $test->get_error_code() : $code,
		);
		update_option( 'wc_standin_webhook_pings', array_slice( $log, -200 ), false );
		if ( is_wp_error( $test ) ) {
			return new WP_Error( 'error', sprintf( 'Error: Delivery URL cannot be reached: %s', $test->get_error_message() ) );
		}
		if ( 200 !== $code ) {
			return new WP_Error( 'error', sprintf( 'Error: Delivery URL returned response code: %s', absint( $code ) ) );
		}
		$this->set_pending_delivery( false );
		$this->save();
		return true;
	}

	// Getters.
	public function get_name( $context = 'view' ) {
		return apply_filters( 'woocommerce_webhook_name', $this->get_prop( 'name', $context ), $this->get_id() );
	}
	public function get_status( $context = 'view' ) {
		return apply_filters( 'woocommerce_webhook_status', $this->get_prop( 'status', $context ), $this->get_id() );
	}
	public function get_post_data() {
		return null;
	}
	public function get_date_created( $context = 'view' ) {
		return $this->get_prop( 'date_created', $context );
	}
	public function get_date_modified( $context = 'view' ) {
		return $this->get_prop( 'date_modified', $context );
	}
	public function get_secret( $context = 'view' ) {
		return apply_filters( 'woocommerce_webhook_secret', $this->get_prop( 'secret', $context ), $this->get_id() );
	}
	public function get_topic( $context = 'view' ) {
		return apply_filters( 'woocommerce_webhook_topic', $this->get_prop( 'topic', $context ), $this->get_id() );
	}
	public function get_delivery_url( $context = 'view' ) {
		return apply_filters( 'woocommerce_webhook_delivery_url', $this->get_prop( 'delivery_url', $context ), $this->get_id() );
	}
	public function get_user_id( $context = 'view' ) {
		return $this->get_prop( 'user_id', $context );
	}
	public function get_api_version( $context = 'view' ) {
		$version = $this->get_prop( 'api_version', $context );
		return 0 < $version ? 'wp_api_v' . $version : 'legacy_v3';
	}
	public function get_failure_count( $context = 'view' ) {
		return $this->get_prop( 'failure_count', $context );
	}
	public function get_pending_delivery( $context = 'view' ) {
		return $this->get_prop( 'pending_delivery', $context );
	}

	// Setters.
	public function set_name( $name ) {
		$this->set_prop( 'name', $name );
	}
	public function set_date_created( $date = null ) {
		$this->set_prop( 'date_created', $date );
	}
	public function set_date_modified( $date = null ) {
		$this->set_prop( 'date_modified', $date );
	}
	public function set_status( $status ) {
		if ( ! array_key_exists( $status, wc_get_webhook_statuses() ) ) {
			$status = 'disabled';
		}
		$this->set_prop( 'status', $status );
	}
	public function set_secret( $secret ) {
		$this->set_prop( 'secret', $secret );
	}
	public function set_topic( $topic ) {
		$topic = wc_clean( $topic );
		if ( ! wc_is_webhook_valid_topic( $topic ) ) {
			$topic = '';
		}
		$this->set_prop( 'topic', $topic );
	}
	public function set_delivery_url( $url ) {
		$this->set_prop( 'delivery_url', esc_url_raw( $url, array( 'http', 'https' ) ) );
	}
	public function set_user_id( $user_id ) {
		$this->set_prop( 'user_id', (int) $user_id );
	}
	public function set_api_version( $version ) {
		if ( ! is_numeric( $version ) ) {
			$version = $this->data_store->get_api_version_number( $version );
		}
		$this->set_prop( 'api_version', (int) $version );
	}
	public function set_pending_delivery( $pending_delivery ) {
		$this->set_prop( 'pending_delivery', (bool) $pending_delivery );
	}
	public function set_failure_count( $failure_count ) {
		$this->set_prop( 'failure_count', intval( $failure_count ) );
	}

	public function get_topic_hooks( $topic ) {
		$topic_hooks = array(
			'order.created'    => array( 'woocommerce_new_order' ),
			'order.updated'    => array( 'woocommerce_update_order', 'woocommerce_order_refunded' ),
			'order.deleted'    => array( 'wp_trash_post', 'woocommerce_trash_order' ),
			'order.restored'   => array( 'untrashed_post', 'woocommerce_untrash_order' ),
			'customer.created' => array( 'user_register', 'woocommerce_created_customer', 'woocommerce_new_customer' ),
			'customer.updated' => array( 'profile_update', 'woocommerce_update_customer' ),
			'customer.deleted' => array( 'delete_user' ),
		);
		$topic_hooks = apply_filters( 'woocommerce_webhook_topic_hooks', $topic_hooks, $this );
		return $topic_hooks[ $topic ] ?? array();
	}

	public function get_hooks() {
		if ( 'action' === $this->get_resource() ) {
			$hooks = array( $this->get_event() );
		} else {
			$hooks = $this->get_topic_hooks( $this->get_topic() );
		}
		return apply_filters( 'woocommerce_webhook_hooks', $hooks, $this->get_id() );
	}

	public function get_resource() {
		$topic = explode( '.', $this->get_topic() );
		return apply_filters( 'woocommerce_webhook_resource', $topic[0], $this->get_id() );
	}

	public function get_event() {
		$topic = explode( '.', $this->get_topic() );
		return apply_filters( 'woocommerce_webhook_event', $topic[1] ?? '', $this->get_id() );
	}

	public function get_i18n_status() {
		$statuses = wc_get_webhook_statuses();
		return $statuses[ $this->get_status() ] ?? $this->get_status();
	}
}
