<?php
/**
 * Base class: resets the plugin's state between tests and talks to WordPress (in-process and over HTTP),
 * the sidecar and the Klaviyo test double.
 */

use PHPUnit\Framework\TestCase;
use WcKlaviyoSync\Plugin;
use WcKlaviyoSync\WebhookOwnership;

abstract class WckTestCase extends TestCase {

	protected const PLUGIN = 'wc-klaviyo-sync/wc-klaviyo-sync.php';

	protected function setUp(): void {
		parent::setUp();
		$this->fresh();
		if ( ! is_plugin_active( self::PLUGIN ) ) {
			activate_plugin( self::PLUGIN );
		}
		foreach ( $this->all_webhook_ids() as $id ) {
			$webhook = wc_get_webhook( $id );
			if ( $webhook ) {
				$webhook->delete( true );
			}
		}
		foreach ( array( 'wc_klaviyo_sync_settings', 'wc_klaviyo_sync_webhooks', 'wc_klaviyo_sync_webhook_secret', 'wc_klaviyo_sync_disabled_webhooks', 'wc_klaviyo_sync_alerts', 'wc_klaviyo_sync_alert_email', '_transient_wc_klaviyo_sync_credential_retry', '_transient_timeout_wc_klaviyo_sync_credential_retry', 'wc_standin_webhook_deliveries', 'wc_standin_webhook_pings' ) as $option ) {
			delete_option( $option );
		}
		$this->double( 'POST', '/__double/reset' );
		wp_set_current_user( 1 );
		$this->fresh();
	}

	/** Forgets every cached value so what other processes wrote is read again. */
	protected function fresh(): void {
		wp_cache_flush();
	}

	/** Every webhook id in wc_webhooks. */
	protected function all_webhook_ids(): array {
		global $wpdb;
		return array_map( 'intval', $wpdb->get_col( "SELECT webhook_id FROM {$wpdb->prefix}wc_webhooks" ) );
	}

	/** Calls a REST route in this process as the current user. */
	protected function rest( string $method, string $path, ?array $body = null, array $query = array() ): WP_REST_Response {
		$request = new WP_REST_Request( $method, '/wc-klaviyo-sync/v1' . $path );
		if ( null !== $body ) {
			$request->set_header( 'content-type', 'application/json' );
			$request->set_body( (string) wp_json_encode( $body ) );
		}
		if ( array() !== $query ) {
			$request->set_query_params( $query );
		}
		$response = rest_do_request( $request );
		$this->fresh();
		return $response;
	}

	/** The settings body that works against the test sidecar. */
	protected function valid_settings( array $overrides = array() ): array {
		return array_merge(
			array(
				'sidecarUrl'        => getenv( 'SIDECAR_URL' ),
				'adminToken'        => getenv( 'ADMIN_TOKEN' ),
				'klaviyoPrivateKey' => 'pk_test_0123456789abcdef',
				'listId'            => 'L00001',
			),
			$overrides
		);
	}

	/** Saves valid settings and asserts 200. */
	protected function configure( array $overrides = array() ): array {
		$response = $this->rest( 'POST', '/settings', $this->valid_settings( $overrides ) );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		return $response->get_data();
	}

	protected function store_id(): string {
		return Plugin::instance()->settings()->store_id();
	}

	/** Our webhooks by topic (fresh from the database). */
	protected function our_webhooks(): array {
		$this->fresh();
		$out = array();
		foreach ( (array) get_option( WebhookOwnership::OPTION, array() ) as $topic => $id ) {
			$out[ $topic ] = wc_get_webhook( (int) $id );
		}
		return $out;
	}

	/** JSON request to the Klaviyo double's control API. */
	protected function double( string $method, string $path ): array {
		$response = wp_remote_request( getenv( 'DOUBLE_URL' ) . $path, array( 'method' => $method, 'timeout' => 10 ) );
		$this->assertNotWPError( $response );
		return (array) json_decode( wp_remote_retrieve_body( $response ), true );
	}

	/** GET from the sidecar's admin API. */
	protected function sidecar_get( string $path ): array {
		$response = wp_remote_get( getenv( 'SIDECAR_URL' ) . $path, array( 'headers' => array( 'Authorization' => 'Bearer ' . getenv( 'ADMIN_TOKEN' ) ), 'timeout' => 10 ) );
		$this->assertNotWPError( $response );
		$this->assertSame( 200, wp_remote_retrieve_response_code( $response ), wp_remote_retrieve_body( $response ) );
		return (array) json_decode( wp_remote_retrieve_body( $response ), true );
	}

	/** A request to the sidecar with a Bearer token (the admin token by default; '' for none): [status, body]. */
	protected function sidecar_call( string $method, string $path, ?array $body = null, ?string $token = null ): array {
		$token   = $token ?? (string) getenv( 'ADMIN_TOKEN' );
		$headers = '' === $token ? array() : array( 'Authorization' => 'Bearer ' . $token );
		$args    = array( 'method' => $method, 'headers' => $headers, 'timeout' => 10 );
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = array() === $body ? '{}' : (string) wp_json_encode( $body );
		}
		$response = wp_remote_request( getenv( 'SIDECAR_URL' ) . $path, $args );
		$this->assertNotWPError( $response );
		return array( (int) wp_remote_retrieve_response_code( $response ), (array) json_decode( wp_remote_retrieve_body( $response ), true ) );
	}

	/** The store's flow webhook settings, from the sidecar. */
	protected function flow_settings(): array {
		return $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/klaviyo/flow-webhooks' );
	}

	/** The double sends a flow webhook action to the sidecar, as Klaviyo would; returns what the sidecar answered. */
	protected function flow_webhook( string $action, array $body, ?string $secret = null ): array {
		$settings = $this->flow_settings();
		$request  = array(
			'url'     => getenv( 'SIDECAR_URL' ) . '/v1/stores/' . $this->store_id() . '/klaviyo/flow-webhooks/' . $action,
			'headers' => array( 'X-WCK-Flow-Secret' => $secret ?? $settings['secret'] ),
			'body'    => $body,
		);
		$response = wp_remote_post(
			getenv( 'DOUBLE_URL' ) . '/__double/flow-webhook',
			array(
				'headers' => array( 'Content-Type' => 'application/json' ),
				'body'    => wp_json_encode( $request ),
				'timeout' => 30,
			)
		);
		$this->assertNotWPError( $response );
		return (array) json_decode( wp_remote_retrieve_body( $response ), true );
	}

	/** A fresh connection code for $store_id, made with the admin token as the operator would. */
	protected function connect_code( string $store_id ): string {
		[ $status, $body ] = $this->sidecar_call( 'POST', '/v1/stores/' . $store_id . '/connect-codes', array() );
		$this->assertSame( 200, $status, wp_json_encode( $body ) );
		$this->assertMatchesRegularExpression( '/^wckc_[A-Za-z0-9_-]+$/', $body['code'] );
		return $body['code'];
	}

	/** Connects this site with a code for $store_id (and the Klaviyo key), asserting 200. */
	protected function connect_with_code( string $store_id, array $overrides = array() ): array {
		$body     = array_merge(
			array(
				'connectionCode'    => $this->connect_code( $store_id ),
				'klaviyoPrivateKey' => 'pk_test_0123456789abcdef',
				'listId'            => 'L00001',
			),
			$overrides
		);
		$response = $this->rest( 'POST', '/settings', $body );
		$this->assertSame( 200, $response->get_status(), wp_json_encode( $response->get_data() ) );
		return $response->get_data();
	}

	/** How many rows of wp_options hold $needle anywhere in their value. */
	protected function options_holding( string $needle ): int {
		global $wpdb;
		return (int) $wpdb->get_var( $wpdb->prepare( "SELECT COUNT(*) FROM {$wpdb->options} WHERE option_value LIKE %s OR option_name LIKE %s", '%' . $wpdb->esc_like( $needle ) . '%', '%' . $wpdb->esc_like( $needle ) . '%' ) );
	}

	/** Waits until the sidecar's sync log for our store has an entry matching $match. */
	protected function wait_for_delivery( callable $match, float $seconds = 15.0 ): array {
		$deadline = microtime( true ) + $seconds;
		$items    = array();
		do {
			$items = $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/deliveries?limit=100' )['items'] ?? array();
			foreach ( $items as $item ) {
				if ( $match( $item ) && in_array( $item['status'], array( 'succeeded', 'skipped', 'dead', 'rejected', 'duplicate' ), true ) ) {
					return $item;
				}
			}
			usleep( 200000 );
		} while ( microtime( true ) < $deadline );
		$this->fail( 'no matching delivery reached the sidecar; sync log: ' . wp_json_encode( $items ) );
	}

	/** Waits until the double accepted an event of $metric for $email. */
	protected function wait_for_event( string $metric, string $email, float $seconds = 15.0 ): array {
		$deadline = microtime( true ) + $seconds;
		$events   = array();
		do {
			$events = $this->double( 'GET', '/__double/state' )['events'] ?? array();
			foreach ( $events as $event ) {
				if ( $metric === $event['metric'] && $email === ( $event['profile']['email'] ?? null ) ) {
					return $event;
				}
			}
			usleep( 200000 );
		} while ( microtime( true ) < $deadline );
		$this->fail( "Klaviyo (the double) never received $metric for $email; events: " . wp_json_encode( $events ) );
	}

	/** Runs PHP in a separate process of the same site (a new "request": webhooks load at its init). */
	protected function wp_php( string $code ): string {
		$cmd = escapeshellarg( dirname( __DIR__ ) . '/bin/wp-php.sh' ) . ' -r ' . escapeshellarg( $code ) . ' 2>&1';
		exec( $cmd, $out, $rc );
		$this->fresh();
		$this->assertSame( 0, $rc, implode( "\n", $out ) );
		return implode( "\n", $out );
	}

	/** Our admin notices only (WooCommerce's own need a current screen, which the CLI has not). */
	protected function admin_notices(): string {
		global $wp_filter;
		ob_start();
		foreach ( $wp_filter['admin_notices']->callbacks as $callbacks ) {
			foreach ( $callbacks as $callback ) {
				if ( is_array( $callback['function'] ) && ( $callback['function'][0] instanceof \WcKlaviyoSync\Admin\Notices || $callback['function'][0] instanceof \WcKlaviyoSync\Alerts\AlertNotices ) ) {
					call_user_func( $callback['function'] );
				}
			}
		}
		return (string) ob_get_clean();
	}

	protected static function is_standin(): bool {
		return defined( 'WC_STANDIN' );
	}

	/**
	 * Creates a paid order for $email in another process and lets WooCommerce deliver it: the stand-in delivers
	 * synchronously; the real WooCommerce queues in Action Scheduler, run in a later process. `$prelude` is PHP run
	 * first in each of those processes (e.g. a filter that makes the site another one).
	 */
	protected function place_order( string $email, string $prelude = '' ): int {
		if ( self::is_standin() ) {
			$id = $this->wp_php( $prelude . 'echo wc_standin_create_order( array( "billing" => array( "email" => ' . var_export( $email, true ) . ', "first_name" => "Ann", "country" => "US" ), "line_items" => array( array( "name" => "Blue Mug", "product_id" => 11, "sku" => "MUG-BLUE", "quantity" => 2, "price" => 12.5 ) ) ) );' );
		} else {
			$id = $this->wp_php( $prelude . '$o = wc_create_order(); $o->set_billing_email( ' . var_export( $email, true ) . ' ); $o->set_billing_first_name( "Ann" ); $o->set_billing_country( "US" ); $o->set_status( "processing" ); $o->set_total( 25 ); $o->save(); echo $o->get_id();' );
			$this->run_action_scheduler( $prelude );
		}
		return (int) trim( (string) preg_replace( '/\D+/', ' ', $id ) );
	}

	/** Creates a customer in another process and lets WooCommerce deliver it. */
	protected function create_customer( string $email ): int {
		if ( self::is_standin() ) {
			$id = $this->wp_php( 'echo wc_standin_create_customer( array( "email" => ' . var_export( $email, true ) . ', "first_name" => "Cat" ) );' );
		} else {
			$id = $this->wp_php( 'echo wc_create_new_customer( ' . var_export( $email, true ) . ', "", "Pass-" . wp_generate_password( 12, false ), array( "first_name" => "Cat" ) );' );
			$this->run_action_scheduler();
		}
		return (int) trim( (string) preg_replace( '/\D+/', ' ', $id ) );
	}

	protected function run_action_scheduler( string $prelude = '' ): void {
		$this->wp_php( $prelude . 'ActionScheduler_QueueRunner::instance()->run( "WP CLI" );' );
	}

	protected function assertNotWPError( $value ): void {
		$this->assertFalse( is_wp_error( $value ), is_wp_error( $value ) ? $value->get_error_message() : '' );
	}

	/** A user with a role; returns its id. */
	protected function make_user( string $role, string $password = 'Secret-pass-123' ): int {
		$login = $role . '_' . wp_generate_password( 6, false, false );
		$id    = wp_insert_user(
			array(
				'user_login' => strtolower( $login ),
				'user_pass'  => $password,
				'user_email' => strtolower( $login ) . '@example.com',
				'role'       => $role,
			)
		);
		$this->assertIsInt( $id );
		return $id;
	}
}
