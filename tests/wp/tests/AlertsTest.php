<?php
/**
 * Alerts: each appears (as a notice for shop managers and an email) and clears itself when the problem is gone;
 * emails at most once per problem per day; dismissal per user and occurrence; a fresh install says "not set up yet".
 */

use WcKlaviyoSync\WebhookOwnership;
use WcKlaviyoSync\Alerts\AlertMonitor;
use WcKlaviyoSync\Alerts\AlertNotices;
use WcKlaviyoSync\Plugin;
use WcKlaviyoSync\Settings;

final class AlertsTest extends WckTestCase {

	/** @var list<array<string, mixed>> */
	private array $mails = array();

	protected function setUp(): void {
		parent::setUp();
		$this->mails = array();
		add_filter( 'pre_wp_mail', array( $this, 'capture_mail' ), 10, 2 );
		delete_user_meta( 1, AlertNotices::DISMISSED_META );
	}

	protected function tearDown(): void {
		remove_filter( 'pre_wp_mail', array( $this, 'capture_mail' ), 10 );
		remove_all_filters( 'pre_http_request' );
		$this->control( '/__double/keys/restore', array( 'key' => 'pk_test_0123456789abcdef' ) );
		parent::tearDown();
	}

	public function capture_mail( $short, array $atts ) {
		$this->mails[] = $atts;
		return true;
	}

	private function set_webhook_status( string $topic, string $status ): void {
		$webhook = $this->our_webhooks()[ $topic ];
		$webhook->set_status( $status );
		$webhook->save();
		$this->fresh();
	}

	private function check(): array {
		$alerts = Plugin::instance()->alerts()->check();
		$this->fresh();
		return array_column( $alerts, null, 'id' );
	}

	private function control( string $path, array $body ): void {
		$response = wp_remote_post(
			getenv( 'DOUBLE_URL' ) . $path,
			array(
				'headers' => array( 'content-type' => 'application/json' ),
				'body'    => (string) wp_json_encode( $body ),
				'timeout' => 10,
			)
		);
		$this->assertNotWPError( $response );
		$this->assertSame( 200, wp_remote_retrieve_response_code( $response ), wp_remote_retrieve_body( $response ) );
	}

	/** Waits until the sidecar's status for our store satisfies $match. */
	private function wait_for_status( callable $match, float $seconds = 20.0 ): array {
		$deadline = microtime( true ) + $seconds;
		do {
			$status = $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/status' );
			if ( $match( $status ) ) {
				return $status;
			}
			usleep( 200000 );
		} while ( microtime( true ) < $deadline );
		$this->fail( 'the sidecar status never matched: ' . wp_json_encode( $status ) );
	}

	public function test_a_fresh_install_says_not_set_up_yet_and_has_no_alerts(): void {
		$webhooks = $this->rest( 'GET', '/settings' )->get_data()['webhooks'];
		$this->assertCount( count( WebhookOwnership::TOPICS ), $webhooks );
		$this->assertSame( array( 'not_set_up' ), array_values( array_unique( array_column( $webhooks, 'status' ) ) ) );
		$this->assertSame( array(), $this->check() );
		$this->assertSame( '', $this->admin_notices() );
		$this->assertSame( array(), $this->mails );
		$body = $this->rest( 'GET', '/alerts' )->get_data();
		$this->assertSame( array(), $body['alerts'] );
		$this->assertTrue( $body['emailAlerts'] );
	}

	public function test_a_refused_key_pauses_the_store_alerts_and_clears_when_a_good_key_is_saved(): void {
		$this->configure();
		$this->assertSame( array(), $this->check(), 'a healthy store has no alerts' );
		$this->control( '/__double/keys/revoke', array( 'key' => 'pk_test_0123456789abcdef' ) );
		$this->place_order( 'revoked@example.com' );
		$this->wait_for_status( static fn( array $s ): bool => true === $s['paused'] );

		$alerts = $this->check();
		$this->assertSame( array( 'key_refused' ), array_keys( $alerts ) );
		$notices = $this->admin_notices();
		$this->assertStringContainsString( 'Klaviyo refused the private API key, so sending to Klaviyo is paused', $notices );
		$this->assertStringContainsString( 'order emails and flows do not start', $notices );
		$this->assertStringContainsString( 'Save a working Klaviyo private key', $notices );
		$this->assertStringContainsString( 'page=wc-klaviyo-sync"', $notices );
		$this->assertCount( 1, $this->mails );
		$this->assertSame( get_option( 'admin_email' ), $this->mails[0]['to'] );
		$this->assertStringContainsString( 'Klaviyo refused the private API key', $this->mails[0]['subject'] );
		$this->assertStringContainsString( 'Save a working Klaviyo private key', $this->mails[0]['message'] );

		// A shop manager sees it; a customer-facing user (no manage_woocommerce) does not.
		wp_set_current_user( $this->make_user( 'shop_manager' ) );
		$this->assertStringContainsString( 'Klaviyo refused', $this->admin_notices() );
		wp_set_current_user( $this->make_user( 'customer' ) );
		$this->assertSame( '', $this->admin_notices() );
		wp_set_current_user( 1 );

		$this->control( '/__double/keys/restore', array( 'key' => 'pk_test_0123456789abcdef' ) );
		$this->configure();
		$this->wait_for_status( static fn( array $s ): bool => false === $s['paused'] );
		$this->assertSame( array(), $this->check() );
		$this->assertSame( '', $this->admin_notices() );
		$this->assertCount( 1, $this->mails, 'a cleared alert sends nothing' );
	}

	public function test_an_unreachable_sidecar_alerts_and_clears(): void {
		$this->configure();
		$stored                = get_option( Settings::OPTION );
		$down                  = $stored;
		$down['sidecar_url']   = 'http://127.0.0.1:' . ( (int) getenv( 'WP_PORT' ) + 8 );
		update_option( Settings::OPTION, $down, false );
		$this->fresh();
		$alerts = $this->check();
		$this->assertArrayHasKey( 'sidecar_unreachable', $alerts );
		$this->assertStringContainsString( 'could not reach the Klaviyo sync service', $this->admin_notices() );
		update_option( Settings::OPTION, $stored, false );
		$this->fresh();
		$this->assertSame( array(), $this->check() );
		$this->assertSame( '', $this->admin_notices() );
	}

	public function test_a_disabled_webhook_alerts_and_clears_on_reenable(): void {
		$this->configure();
		$hooks = $this->our_webhooks();
		$hooks['customer.updated']->set_status( 'disabled' );
		$hooks['customer.updated']->save();
		$this->fresh();
		$alerts = $this->check();
		$this->assertSame( array( 'customer.updated (disabled)' ), $alerts['webhook_disabled']['facts']['webhooks'] );
		$this->assertStringContainsString( 'Re-enable the webhooks', $this->admin_notices() );
		$this->assertSame( 200, $this->rest( 'POST', '/webhooks/reenable' )->get_status() );
		$this->assertSame( array(), $this->check() );
	}

	public function test_dead_deliveries_and_a_stall_alert_from_the_sidecars_facts_and_clear(): void {
		$this->configure();
		// The sidecar's status as it says it when work has died and nothing was sent for 15 minutes (the rule that
		// decides "stalled" is the sidecar's, tested in its conformance suite); the plugin only presents it.
		$real = $this->sidecar_get( '/v1/stores/' . $this->store_id() . '/status' );
		$fake = array_merge(
			$real,
			array(
				'stalled'      => true,
				'stalledSince' => '2026-01-01T10:00:00.000Z',
				'queue'        => array_merge( $real['queue'], array( 'pending' => 4 ) ),
				'deliveries'   => array(
					'total'    => 3,
					'byStatus' => array( 'dead' => 3 ),
				),
			)
		);
		add_filter(
			'pre_http_request',
			static function ( $pre, $args, $url ) use ( $fake ) {
				return str_ends_with( (string) $url, '/status' )
					? array(
						'headers'  => array( 'content-type' => 'application/json' ),
						'body'     => wp_json_encode( $fake ),
						'response' => array(
							'code'    => 200,
							'message' => 'OK',
						),
						'cookies'  => array(),
					)
					: $pre;
			},
			10,
			3
		);
		$alerts = $this->check();
		$this->assertSame( array( 'dead_letters', 'stalled' ), array_keys( $alerts ) );
		$notices = $this->admin_notices();
		$this->assertStringContainsString( '3 deliveries to Klaviyo failed and will not be retried by themselves.', $notices );
		$this->assertStringContainsString( 'send them again', $notices );
		$this->assertStringContainsString( 'Nothing could be sent to Klaviyo for at least 15 minutes while 4 requests wait (since 2026-01-01T10:00:00.000Z)', $notices );
		$this->assertStringContainsString( 'page=wc-klaviyo-sync-log', $notices );
		remove_all_filters( 'pre_http_request' );
		$this->assertSame( array(), $this->check(), 'the real status has neither' );
	}

	public function test_email_at_most_once_per_problem_per_day_and_can_be_turned_off(): void {
		$this->configure();
		$this->set_webhook_status( 'order.restored', 'paused' );
		$this->fresh();
		$this->check();
		$this->check();
		$this->check();
		$this->assertCount( 1, $this->mails, 'three checks, one email' );
		$this->assertStringContainsString( 'order.restored (paused)', $this->mails[0]['message'] );

		// It clears and comes back within the day: still no second email.
		$this->assertSame( 200, $this->rest( 'POST', '/webhooks/reenable' )->get_status() );
		$this->check();
		$this->set_webhook_status( 'order.restored', 'paused' );
		$this->fresh();
		$this->check();
		$this->assertCount( 1, $this->mails );

		// A day later: one more.
		$state                               = get_option( AlertMonitor::OPTION );
		$state['emailed']['webhook_disabled'] = time() - DAY_IN_SECONDS - 1;
		update_option( AlertMonitor::OPTION, $state, false );
		$this->fresh();
		$this->check();
		$this->assertCount( 2, $this->mails );

		// Turned off: none, though a day passed again.
		$this->assertFalse( $this->rest( 'POST', '/alerts', array( 'emailAlerts' => false ) )->get_data()['emailAlerts'] );
		$state                               = get_option( AlertMonitor::OPTION );
		$state['emailed']['webhook_disabled'] = time() - DAY_IN_SECONDS - 1;
		update_option( AlertMonitor::OPTION, $state, false );
		$this->fresh();
		$this->check();
		$this->assertCount( 2, $this->mails );
		$this->assertCount( 1, $this->rest( 'GET', '/alerts' )->get_data()['alerts'], 'the notice stays' );
	}

	public function test_dismissal_is_per_user_and_per_occurrence(): void {
		$this->configure();
		$manager = $this->make_user( 'shop_manager' );
		$this->set_webhook_status( 'order.created', 'paused' );
		$this->fresh();
		$alerts = $this->check();
		$notices = new AlertNotices( Plugin::instance()->alerts() );
		$notices->dismiss( AlertNotices::occurrence( $alerts['webhook_disabled'] ) );
		$this->assertSame( '', $this->admin_notices(), 'dismissed for this user' );
		$this->check();
		$this->assertSame( '', $this->admin_notices(), 'the same occurrence stays dismissed' );
		wp_set_current_user( $manager );
		$this->assertStringContainsString( 'not active', $this->admin_notices(), 'another manager still sees it' );
		wp_set_current_user( 1 );

		// Gone, then back: a new occurrence, shown again.
		$this->assertSame( 200, $this->rest( 'POST', '/webhooks/reenable' )->get_status() );
		$this->assertSame( array(), $this->check() );
		$this->set_webhook_status( 'order.created', 'paused' );
		$this->fresh();
		$this->check();
		$this->assertStringContainsString( 'not active', $this->admin_notices() );

		// The dismiss link in the notice is a nonce'd admin-post URL.
		$this->assertMatchesRegularExpression( '/admin-post\.php\?action=wc_klaviyo_sync_dismiss_alert&(amp|#038);alert=webhook_disabled%40\d+&(amp|#038);_wpnonce=/', $this->admin_notices() );
	}

	public function test_the_check_is_scheduled_every_five_minutes_and_admin_load_checks_when_stale(): void {
		$this->wp_php( 'do_action( "init" );' );
		$next = $this->wp_php( 'echo wp_next_scheduled( "' . AlertMonitor::HOOK . '" ) ?: "none"; echo " "; echo wp_get_schedule( "' . AlertMonitor::HOOK . '" );' );
		$this->assertMatchesRegularExpression( '/^\d+ ' . AlertMonitor::SCHEDULE . '$/', trim( $next ) );
		$this->assertSame( 300, wp_get_schedules()[ AlertMonitor::SCHEDULE ]['interval'] );

		$this->configure();
		$this->set_webhook_status( 'order.deleted', 'paused' );
		Plugin::instance()->alerts()->check_if_stale();
		$this->fresh();
		$this->assertCount( 0, Plugin::instance()->alerts()->current(), 'saving checked a moment ago: not stale, no check' );
		$state              = get_option( AlertMonitor::OPTION );
		$state['checkedAt'] = time() - AlertMonitor::STALE;
		update_option( AlertMonitor::OPTION, $state, false );
		$this->fresh();
		Plugin::instance()->alerts()->check_if_stale();
		$this->fresh();
		$this->assertCount( 1, Plugin::instance()->alerts()->current(), 'stale: the admin load checked' );
		$this->assertCount( 1, $this->mails );
	}
}
