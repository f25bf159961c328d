<?php
/**
 * The route table as WordPress registered it: exactly the documented routes, every endpoint behind the
 * manage_woocommerce check, the sync-log status filter taken from the sidecar contract.
 */

use WcKlaviyoSync\WebhookOwnership;
use WcKlaviyoSync\Contract\SidecarContract;
use WcKlaviyoSync\Rest\Routes;

final class RouteTableTest extends WckTestCase {

	private const DOCUMENTED = array(
		'/settings'                                      => array( 'GET', 'POST' ),
		'/test-connection'                               => array( 'POST' ),
		'/credential/rotate'                             => array( 'POST' ),
		'/lists'                                         => array( 'GET' ),
		'/status'                                        => array( 'GET' ),
		'/deliveries'                                    => array( 'GET' ),
		'/deliveries/(?P<id>[A-Za-z0-9_-]{1,64})'        => array( 'GET' ),
		'/deliveries/(?P<id>[A-Za-z0-9_-]{1,64})/replay' => array( 'POST' ),
		'/replay'                                        => array( 'POST' ),
		'/webhooks/reenable'                             => array( 'POST' ),
		'/consent-settings'                              => array( 'GET', 'POST' ),
		'/consent'                                       => array( 'GET' ),
		'/orders/(?P<order>\\d{1,20})/deliveries'        => array( 'GET' ),
		'/flow-webhooks'                                 => array( 'GET', 'POST' ),
		'/flow-webhooks/rotate'                          => array( 'POST' ),
		'/history'                                       => array( 'GET', 'POST' ),
		'/history/pause'                                 => array( 'POST' ),
		'/history/resume'                                => array( 'POST' ),
		'/history/cancel'                                => array( 'POST' ),
		'/sources'                                       => array( 'GET' ),
		'/sources/release'                               => array( 'POST' ),
		'/sources/discard'                               => array( 'POST' ),
		'/sources/separate'                              => array( 'POST' ),
		'/alerts'                                        => array( 'GET', 'POST' ),
	);

	/** Our routes as the REST server holds them: path (without the namespace) => endpoints. */
	private function registered(): array {
		$out = array();
		foreach ( rest_get_server()->get_routes( Routes::NAMESPACE ) as $route => $endpoints ) {
			if ( '/' . Routes::NAMESPACE === $route ) {
				continue; // The namespace index WordPress adds by itself.
			}
			$out[ substr( $route, strlen( '/' . Routes::NAMESPACE ) ) ] = $endpoints;
		}
		return $out;
	}

	/** Every (method, concrete path) pair the server answers under our namespace. */
	private function requests(): array {
		$out = array();
		foreach ( $this->registered() as $route => $endpoints ) {
			$path = (string) preg_replace( array( '/\(\?P<id>[^)]*\)/', '/\(\?P<order>[^)]*\)/' ), array( 'd-1', '42' ), $route );
			foreach ( $endpoints as $endpoint ) {
				foreach ( array_keys( $endpoint['methods'] ) as $method ) {
					$out[] = array( $method, $path );
				}
			}
		}
		return $out;
	}

	public function test_exactly_the_documented_routes_are_registered(): void {
		$methods = array();
		foreach ( $this->registered() as $route => $endpoints ) {
			$methods[ $route ] = array_merge( ...array_map( static fn( $e ) => array_keys( $e['methods'] ), $endpoints ) );
			foreach ( $endpoints as $endpoint ) {
				$this->assertTrue( is_callable( $endpoint['callback'] ), $route );
			}
		}
		$this->assertSame( self::DOCUMENTED, $methods );
	}

	public function test_every_endpoint_is_registered_with_the_manage_woocommerce_check(): void {
		$this->assertCount( 29, $this->requests() );
		$manager = $this->make_user( 'shop_manager' );
		$others  = array( 0, $this->make_user( 'subscriber' ), $this->make_user( 'customer' ) );
		foreach ( $this->registered() as $route => $endpoints ) {
			foreach ( $endpoints as $endpoint ) {
				$check = $endpoint['permission_callback'] ?? null;
				$this->assertIsArray( $check, $route );
				$this->assertInstanceOf( Routes::class, $check[0], $route );
				$this->assertSame( 'can_manage', $check[1], $route );
				foreach ( array( 1, $manager ) as $user ) {
					wp_set_current_user( $user );
					$this->assertTrue( call_user_func( $check ), "$route allows user $user" );
				}
				foreach ( $others as $user ) {
					wp_set_current_user( $user );
					$this->assertFalse( call_user_func( $check ), "$route refuses user $user" );
				}
			}
		}
		wp_set_current_user( 1 );
	}

	public function test_every_registered_request_is_refused_without_manage_woocommerce(): void {
		$this->configure();
		$before     = get_option( 'wc_klaviyo_sync_webhooks' );
		$subscriber  = $this->make_user( 'subscriber' );
		foreach ( array( 0 => 401, $subscriber => 403 ) as $user => $status ) {
			wp_set_current_user( $user );
			foreach ( $this->requests() as [ $method, $path ] ) {
				$response = $this->rest( $method, $path, 'POST' === $method ? array() : null );
				$this->assertSame( $status, $response->get_status(), "user $user: $method $path" );
				$this->assertSame( 'rest_forbidden', $response->as_error()->get_error_code(), "user $user: $method $path" );
			}
		}
		wp_set_current_user( 1 );
		$this->assertSame( $before, get_option( 'wc_klaviyo_sync_webhooks' ), 'nothing changed' );
		$this->assertCount( count( WebhookOwnership::TOPICS ), array_filter( $this->rest( 'GET', '/settings' )->get_data()['webhooks'], static fn( $w ) => 'active' === $w['status'] ) );
	}

	public function test_permission_comes_before_the_argument_checks_on_every_route_with_arguments(): void {
		$subscriber = $this->make_user( 'subscriber' );
		$checked    = 0;
		foreach ( $this->registered() as $route => $endpoints ) {
			$path = (string) preg_replace( array( '/\(\?P<id>[^)]*\)/', '/\(\?P<order>[^)]*\)/' ), array( 'd-1', '42' ), $route );
			foreach ( $endpoints as $endpoint ) {
				if ( empty( $endpoint['args'] ) ) {
					continue;
				}
				// Every argument a nested array: wrong for each declared type (string, integer, boolean).
				$bad = array_fill_keys( array_keys( $endpoint['args'] ), array( array( 'x' ) ) );
				foreach ( array_keys( $endpoint['methods'] ) as $method ) {
					++$checked;
					wp_set_current_user( 1 );
					$admin = $this->rest( $method, $path, null, $bad );
					$this->assertSame( 400, $admin->get_status(), "admin: $method $path checks its arguments" );
					foreach ( array( 0 => 401, $subscriber => 403 ) as $user => $status ) {
						wp_set_current_user( $user );
						$refused = $this->rest( $method, $path, null, $bad );
						$this->assertSame( $status, $refused->get_status(), "user $user: $method $path" );
						$this->assertSame( 'rest_forbidden', $refused->as_error()->get_error_code(), "user $user: $method $path" );
						$this->assertStringNotContainsString( 'param', (string) wp_json_encode( $refused->get_data() ), 'no argument is named' );
					}
				}
			}
		}
		wp_set_current_user( 1 );
		$this->assertGreaterThanOrEqual( 4, $checked );
	}

	public function test_the_status_filter_accepts_exactly_the_sidecar_contract_statuses(): void {
		$args = $this->registered()['/deliveries'][0]['args'];
		$this->assertSame( SidecarContract::DELIVERY_STATUSES, $args['status']['enum'] );
		$this->assertSame( array( 'rejected', 'duplicate', 'skipped', 'pending', 'retrying', 'paused', 'succeeded', 'dead', 'held', 'discarded' ), SidecarContract::DELIVERY_STATUSES );
		foreach ( SidecarContract::DELIVERY_STATUSES as $status ) {
			// Not configured yet: the value passed validation and reached the controller.
			$this->assertSame( 'wck_not_configured', $this->rest( 'GET', '/deliveries', null, array( 'status' => $status ) )->as_error()->get_error_code(), $status );
		}
		foreach ( array( array( 'status' => 'done' ), array( 'status' => 'DEAD' ), array( 'limit' => 0 ), array( 'limit' => 101 ) ) as $query ) {
			$response = $this->rest( 'GET', '/deliveries', null, $query );
			$this->assertSame( 400, $response->get_status(), wp_json_encode( $query ) );
			$this->assertSame( 'rest_invalid_param', $response->as_error()->get_error_code(), wp_json_encode( $query ) );
		}
	}
}
