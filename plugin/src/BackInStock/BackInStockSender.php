<?php
/**
 * The durable path of back-in-stock signups to the sidecar: Action Scheduler's queue, as carts take.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\BackInStock;

use WcKlaviyoSync\Cart\CartSender;
use WcKlaviyoSync\Settings;
use WcKlaviyoSync\SidecarClient;

defined( 'ABSPATH' ) || exit;

/**
 * `enqueue()` (in the shopper's request) queues one async action carrying the signup and makes no request. The action
 * (`wc_klaviyo_sync_send_back_in_stock`, in the carts' group, run by Action Scheduler outside the shopper's request)
 * POSTs it to the sidecar's `/v1/stores/{id}/back-in-stock` with the store's credential. A 2xx ends it; a 400 (the
 * sidecar refused the input: the route checked it first, so only a changed rule) ends it; anything else
 * (unreachable, 5xx, 401, not connected yet, or 404 while the sidecar has not heard of the product yet) schedules it
 * again, 30 s doubling to an hour, for up to a week.
 */
final class BackInStockSender {

	public const HOOK     = 'wc_klaviyo_sync_send_back_in_stock';
	private const KEEP_S  = 7 * DAY_IN_SECONDS;

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * The sidecar client.
	 *
	 * @var SidecarClient
	 */
	private SidecarClient $sidecar;

	/**
	 * Constructor.
	 *
	 * @param Settings      $settings Stored settings.
	 * @param SidecarClient $sidecar  The sidecar client.
	 */
	public function __construct( Settings $settings, SidecarClient $sidecar ) {
		$this->settings = $settings;
		$this->sidecar  = $sidecar;
	}

	/**
	 * Registers the queue's action.
	 */
	public function register(): void {
		add_action( self::HOOK, array( $this, 'send' ), 10, 1 );
	}

	/**
	 * Queues a signup durably (one Action Scheduler async action). No request is made.
	 *
	 * @param array{email: string, phone: string, country: string, productId: int} $signup The checked signup.
	 * @return bool Whether it was queued.
	 */
	public function enqueue( array $signup ): bool {
		if ( ! function_exists( 'as_enqueue_async_action' ) ) {
			return false;
		}
		$job = array(
			'signup'  => $signup,
			'until'   => time() + self::KEEP_S,
			'attempt' => 0,
		);
		return 0 !== (int) as_enqueue_async_action( self::HOOK, array( $job ), CartSender::GROUP );
	}

	/**
	 * The action: sends one queued signup, or schedules it again.
	 *
	 * @param mixed $job `{ signup, until, attempt }`.
	 * @return string What happened: sent, refused, retry, gone.
	 */
	public function send( $job ): string {
		$job = is_array( $job ) ? $job : array();
		if ( ! isset( $job['signup'] ) || ! is_array( $job['signup'] ) ) {
			return 'gone';
		}
		$attempt = isset( $job['attempt'] ) ? (int) $job['attempt'] : 0;
		$signup  = $job['signup'];
		$body    = array(
			'email'     => (string) ( $signup['email'] ?? '' ),
			'productId' => (int) ( $signup['productId'] ?? 0 ),
		);
		if ( '' !== (string) ( $signup['phone'] ?? '' ) ) {
			$body['phone'] = (string) $signup['phone'];
		}
		if ( 1 === preg_match( '/^[A-Z]{2}$/', (string) ( $signup['country'] ?? '' ) ) ) {
			$body['country'] = (string) $signup['country'];
		}
		$code = 0;
		if ( $this->settings->is_configured() ) {
			$result = $this->sidecar->store_request( 'POST', '/back-in-stock', $body );
			$code   = is_wp_error( $result ) ? (int) ( $result->get_error_data()['status'] ?? 0 ) : (int) $result['status'];
			if ( is_wp_error( $result ) && 'wck_sidecar_unreachable' === $result->get_error_code() ) {
				$code = 0;
			}
		}
		if ( $code >= 200 && $code < 300 ) {
			return 'sent';
		}
		if ( 400 === $code ) {
			return 'refused';
		}
		$delay = (int) min( HOUR_IN_SECONDS, 30 * ( 2 ** min( $attempt, 10 ) ) );
		if ( time() + $delay > (int) ( $job['until'] ?? 0 ) ) {
			return 'gone';
		}
		as_schedule_single_action( time() + $delay, self::HOOK, array( array( 'attempt' => $attempt + 1 ) + $job ), CartSender::GROUP );
		return 'retry';
	}
}
