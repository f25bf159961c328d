<?php
/**
 * Polls the sidecar's status (WP-Cron, every five minutes, and on an admin page load when the last check is
 * stale), keeps the current alert set in an option and emails the store's admin address about new problems.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Alerts;

use WcKlaviyoSync\Rest\StoreProxy;
use WcKlaviyoSync\Settings;
use WcKlaviyoSync\WebhookRegistrar;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * The sidecar decides what is wrong (its status route says paused, dead deliveries, stalled); this class only reads
 * those facts, with WooCommerce's own webhook statuses, into a list of alerts. Never runs on a shopper's request:
 * WP-Cron and admin_init only.
 */
final class AlertMonitor {

	public const OPTION       = 'wc_klaviyo_sync_alerts';
	public const EMAIL_OPTION = 'wc_klaviyo_sync_alert_email';
	public const HOOK         = 'wc_klaviyo_sync_check_alerts';
	public const SCHEDULE     = 'wc_klaviyo_sync_five_minutes';
	public const INTERVAL     = 300;
	/** An admin page load checks again when the last check is older than this (the cron may not have run). */
	public const STALE = 600;

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Proxy to the sidecar for the saved store.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * Webhook registrar.
	 *
	 * @var WebhookRegistrar
	 */
	private WebhookRegistrar $registrar;

	/**
	 * Constructor.
	 *
	 * @param Settings         $settings  Stored settings.
	 * @param StoreProxy       $proxy     Proxy to the sidecar.
	 * @param WebhookRegistrar $registrar Webhook registrar.
	 */
	public function __construct( Settings $settings, StoreProxy $proxy, WebhookRegistrar $registrar ) {
		$this->settings  = $settings;
		$this->proxy     = $proxy;
		$this->registrar = $registrar;
	}

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_filter( 'cron_schedules', array( $this, 'add_schedule' ) ); // phpcs:ignore WordPress.WP.CronInterval.CronSchedulesInterval -- five minutes is the point.
		add_action( self::HOOK, array( $this, 'check' ) );
		add_action( 'init', array( $this, 'schedule' ) );
		add_action( 'admin_init', array( $this, 'check_if_stale' ) );
		// The merchant saved the settings or re-enabled the webhooks: what was wrong may be fixed; look at once.
		add_action( 'wc_klaviyo_sync_changed', array( $this, 'check' ) );
		// WooCommerce just disabled a webhook: look again soon, from WP-Cron, not in this (possibly a shopper's) request.
		add_action( 'woocommerce_webhook_disabled_due_delivery_failures', array( $this, 'check_soon' ), 20 );
	}

	/**
	 * The five-minute schedule.
	 *
	 * @param array<string, array<string, mixed>> $schedules Schedules.
	 * @return array<string, array<string, mixed>>
	 */
	public function add_schedule( $schedules ): array {
		$schedules                   = is_array( $schedules ) ? $schedules : array();
		$schedules[ self::SCHEDULE ] = array(
			'interval' => self::INTERVAL,
			'display'  => __( 'Every five minutes (Klaviyo Sync alerts)', 'wc-klaviyo-sync' ),
		);
		return $schedules;
	}

	/**
	 * Schedules the recurring check once.
	 */
	public function schedule(): void {
		if ( false === wp_next_scheduled( self::HOOK ) ) {
			wp_schedule_event( time() + self::INTERVAL, self::SCHEDULE, self::HOOK );
		}
	}

	/**
	 * Removes the recurring check (deactivation, uninstall).
	 */
	public static function unschedule(): void {
		wp_clear_scheduled_hook( self::HOOK );
	}

	/**
	 * A check from WP-Cron as soon as it runs next.
	 */
	public function check_soon(): void {
		if ( false === wp_next_scheduled( self::HOOK, array( 'soon' ) ) ) {
			wp_schedule_single_event( time(), self::HOOK, array( 'soon' ) );
		}
	}

	/**
	 * On an admin page of a shop manager: checks when the last check is stale.
	 */
	public function check_if_stale(): void {
		if ( wp_doing_ajax() || ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		if ( time() - (int) ( $this->state()['checkedAt'] ?? 0 ) >= self::STALE ) {
			$this->check();
		}
	}

	/**
	 * Whether alerts are also emailed (default yes).
	 */
	public static function emails_enabled(): bool {
		return 'no' !== get_option( self::EMAIL_OPTION, 'yes' );
	}

	/**
	 * Turns alert emails on or off.
	 *
	 * @param bool $enabled Whether to email.
	 */
	public static function set_emails_enabled( bool $enabled ): void {
		update_option( self::EMAIL_OPTION, $enabled ? 'yes' : 'no', false );
	}

	/**
	 * The stored state: { checkedAt, seq, alerts: { id: { since, occurrence, facts } }, emailed: { id: time } }.
	 *
	 * @return array<string, mixed>
	 */
	public function state(): array {
		$state = get_option( self::OPTION, array() );
		return is_array( $state ) ? $state : array();
	}

	/**
	 * The current alerts, each `{ id, since, occurrence, facts }` (occurrence: a number that changes each time the
	 * problem begins again).
	 *
	 * @return list<array{id: string, since: int, occurrence: int, facts: array<string, mixed>}>
	 */
	public function current(): array {
		$out = array();
		foreach ( (array) ( $this->state()['alerts'] ?? array() ) as $id => $alert ) {
			$out[] = array(
				'id'         => (string) $id,
				'since'      => (int) ( $alert['since'] ?? 0 ),
				'occurrence' => (int) ( $alert['occurrence'] ?? 0 ),
				'facts'      => (array) ( $alert['facts'] ?? array() ),
			);
		}
		return $out;
	}

	/**
	 * Polls the sidecar, stores the alert set (an alert keeps its `since` while it lasts) and emails new ones.
	 *
	 * @return list<array{id: string, since: int, occurrence: int, facts: array<string, mixed>}>
	 */
	public function check(): array {
		$now      = time();
		$state    = $this->state();
		$previous = (array) ( $state['alerts'] ?? array() );
		$found    = array();
		if ( $this->settings->is_configured() ) {
			$status  = $this->proxy->fetch( 'GET', '/status' );
			$sources = is_wp_error( $status ) ? null : $this->proxy->fetch( 'GET', '/sources', array( 'site' => home_url() ) );
			$found   = self::facts_to_alerts( $status, $this->registrar->describe(), is_array( $sources ) ? $sources : null );
		}
		$seq      = (int) ( $state['seq'] ?? 0 );
		$alerts   = array();
		foreach ( $found as $id => $facts ) {
			// An alert that lasts keeps its occurrence; one that is new (or back after it cleared) gets a new one.
			$alerts[ $id ] = array(
				'since'      => (int) ( $previous[ $id ]['since'] ?? $now ),
				'occurrence' => (int) ( $previous[ $id ]['occurrence'] ?? ++$seq ),
				'facts'      => $facts,
			);
		}
		$emailed = (array) ( $state['emailed'] ?? array() );
		if ( self::emails_enabled() ) {
			foreach ( $alerts as $id => $alert ) {
				if ( $now - (int) ( $emailed[ $id ] ?? 0 ) >= DAY_IN_SECONDS && $this->email( $id, $alert['facts'] ) ) {
					$emailed[ $id ] = $now;
				}
			}
		}
		update_option(
			self::OPTION,
			array(
				'checkedAt' => $now,
				'seq'       => $seq,
				'alerts'    => $alerts,
				'emailed'   => $emailed,
			),
			false
		);
		return $this->current();
	}

	/**
	 * Reads the sidecar's status (or why it could not be had) and our webhooks into alerts: id => facts. Decides
	 * nothing the sidecar did not say; the webhooks are WooCommerce's own facts.
	 *
	 * The sources (staging copies) are the sidecar's facts too: whether this site is the store's pinned site, and
	 * which other sites' deliveries are held.
	 *
	 * @param array<string, mixed>|WP_Error $status   The sidecar's status JSON, or the error.
	 * @param list<array<string, mixed>>    $webhooks Our webhooks (WebhookRegistrar::describe()).
	 * @param array<string, mixed>|null     $sources  The sidecar's sources JSON for this site (null: not had).
	 * @return array<string, array<string, mixed>>
	 */
	public static function facts_to_alerts( $status, array $webhooks, ?array $sources = null ): array {
		$alerts = array();
		if ( is_wp_error( $status ) ) {
			$alerts['sidecar_unreachable'] = array( 'error' => $status->get_error_message() );
		} else {
			if ( ! empty( $status['paused'] ) ) {
				$alerts['key_refused'] = array(
					'reason' => (string) ( $status['pauseReason'] ?? '' ),
					'last4'  => (string) ( $status['key']['last4'] ?? '' ),
				);
			}
			$dead = (int) ( $status['deliveries']['byStatus']['dead'] ?? 0 );
			if ( $dead > 0 ) {
				$alerts['dead_letters'] = array( 'count' => $dead );
			}
			if ( ! empty( $status['stalled'] ) ) {
				$queue              = (array) ( $status['queue'] ?? array() );
				$alerts['stalled']  = array(
					'since'   => (string) ( $status['stalledSince'] ?? '' ),
					'waiting' => (int) ( $queue['pending'] ?? 0 ) + (int) ( $queue['retrying'] ?? 0 ) + (int) ( $queue['in_flight'] ?? 0 ),
				);
			}
		}
		if ( null !== $sources ) {
			$held = array();
			foreach ( (array) ( $sources['held'] ?? array() ) as $source ) {
				$held[ (string) ( $source['source'] ?? '' ) ] = (int) ( $source['count'] ?? 0 );
			}
			$site = (array) ( $sources['site'] ?? array() );
			if ( 'other' === ( $site['relation'] ?? '' ) ) {
				$alerts['site_copy'] = array(
					'pinned' => (string) ( $sources['pinned'] ?? '' ),
					'site'   => (string) ( $site['url'] ?? '' ),
					'count'  => (int) ( $held[ (string) ( $site['url'] ?? '' ) ] ?? 0 ),
				);
			} elseif ( array() !== $held ) {
				$alerts['held_deliveries'] = array(
					'count'   => (int) array_sum( $held ),
					'sources' => array_keys( $held ),
				);
			}
		}
		$not_active = array();
		foreach ( $webhooks as $webhook ) {
			if ( 'active' !== $webhook['status'] ) {
				$not_active[] = $webhook['topic'] . ' (' . $webhook['status'] . ')';
			}
		}
		if ( array() !== $not_active ) {
			$alerts['webhook_disabled'] = array( 'webhooks' => $not_active );
		}
		return $alerts;
	}

	/**
	 * Emails one alert to the store's admin address.
	 *
	 * @param string               $id    Alert id.
	 * @param array<string, mixed> $facts Its facts.
	 */
	private function email( string $id, array $facts ): bool {
		$text = AlertCatalog::describe( $id, $facts );
		$site = wp_specialchars_decode( (string) get_option( 'blogname' ), ENT_QUOTES );
		/* translators: 1: site name, 2: what happened */
		$subject = sprintf( __( '[%1$s] Klaviyo Sync: %2$s', 'wc-klaviyo-sync' ), $site, $text['title'] );
		$body    = $text['what'] . "\n\n" . $text['means'] . "\n\n" . $text['action'] . ': ' . $text['url'] . "\n\n"
			/* translators: %s: settings page address */
			. sprintf( __( 'This email is sent at most once a day per problem. Turn alert emails off in the Klaviyo settings: %s', 'wc-klaviyo-sync' ), AlertCatalog::settings_url() );
		return (bool) wp_mail( (string) get_option( 'admin_email' ), $subject, $body );
	}
}
