<?php
/**
 * The durable path of captured carts to the sidecar: Action Scheduler's queue, signed like WooCommerce's webhooks.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Cart;

use WcKlaviyoSync\Settings;

defined( 'ABSPATH' ) || exit;

/**
 * `enqueue()` (in the shopper's request) queues one async action that carries the payload; nothing else is written
 * there (the cart record for the restore link is stored by the action).
 * The action (`wc_klaviyo_sync_send_cart`, group `wc-klaviyo-sync`, run by Action Scheduler outside the shopper's
 * request) POSTs it to the store's delivery URL with the headers of a WooCommerce delivery (`X-WC-Webhook-Topic`
 * the cart topic, `X-WC-Webhook-Signature` = base64 HMAC-SHA256 of the body with the webhook secret). A 2xx ends it;
 * a refusal that a resend cannot change (400, 413, 415, 422: the sidecar recorded it in the sync log) ends it too;
 * anything else (unreachable, 5xx, 401, 404, not connected yet) schedules the same payload again, 30 s doubling to
 * an hour, until the cart's link would have expired.
 */
final class CartSender {

	public const HOOK          = 'wc_klaviyo_sync_send_cart';
	public const GROUP         = 'wc-klaviyo-sync';
	public const OUTBOX_PREFIX = 'wck_cart_out_';
	private const FINAL_CODES  = array( 400, 413, 415, 422 );
	/** The longest job kept in Action Scheduler's own arguments (its limit is 8,000 characters of JSON). */
	private const MAX_INLINE = 7500;

	/**
	 * Stored settings.
	 *
	 * @var Settings
	 */
	private Settings $settings;

	/**
	 * Constructor.
	 *
	 * @param Settings $settings Stored settings.
	 */
	public function __construct( Settings $settings ) {
		$this->settings = $settings;
	}

	/**
	 * Registers the queue's action.
	 */
	public function register(): void {
		add_action( self::HOOK, array( $this, 'send' ), 10, 1 );
	}

	/**
	 * Queues a payload durably, in one row: an Action Scheduler async action that carries it (and the cart record its
	 * restore link needs, which the action stores before it sends). Only a payload too long for Action Scheduler's
	 * arguments (8,000 characters of JSON) goes to an option of its own, the action carrying its id. No request is made.
	 *
	 * @param string                    $topic   The cart topic.
	 * @param array<string, mixed>      $payload The body.
	 * @param array<string, mixed>|null $cart    `{ token, record }`: the cart to keep for its restore link.
	 */
	public function enqueue( string $topic, array $payload, ?array $cart = null ): void {
		if ( ! function_exists( 'as_enqueue_async_action' ) ) {
			return;
		}
		$entry = array(
			'topic'   => $topic,
			'payload' => $payload,
			'until'   => time() + CartLinks::ttl(),
		);
		if ( null !== $cart ) {
			$entry['cart'] = $cart;
		}
		$job = $entry + array( 'attempt' => 0 );
		if ( strlen( (string) wp_json_encode( array( $job ) ) ) > self::MAX_INLINE ) {
			$id = strtolower( wp_generate_password( 20, false, false ) );
			add_option( self::OUTBOX_PREFIX . $id, $entry, '', false );
			$job = array(
				'id'      => $id,
				'attempt' => 0,
			);
		}
		as_enqueue_async_action( self::HOOK, array( $job ), self::GROUP );
	}

	/**
	 * The action: stores the cart for its restore link (the first time), sends one queued payload, or schedules it
	 * again.
	 *
	 * @param mixed $job `{ topic, payload, until, cart?, attempt }`, or `{ id, attempt }` for a payload kept in an option.
	 * @return string What happened: sent, refused, retry, gone.
	 */
	public function send( $job ): string {
		$job     = is_array( $job ) ? $job : array();
		$attempt = isset( $job['attempt'] ) ? (int) $job['attempt'] : 0;
		$id      = isset( $job['id'] ) && is_string( $job['id'] ) && 1 === preg_match( '/^[a-z0-9]{20}$/', $job['id'] ) ? $job['id'] : '';
		$entry   = '' !== $id ? get_option( self::OUTBOX_PREFIX . $id ) : ( isset( $job['payload'] ) ? $job : false );
		if ( ! is_array( $entry ) || ! isset( $entry['topic'], $entry['payload'] ) || ! is_array( $entry['payload'] ) ) {
			return 'gone';
		}
		$payload = $entry['payload'];
		$token   = (string) ( $payload['cart_token'] ?? '' );
		if ( isset( $entry['cart']['record'] ) && is_array( $entry['cart']['record'] ) && ( $entry['cart']['token'] ?? '' ) === $token ) {
			CartLinks::keep( $token, $entry['cart']['record'] );
			unset( $entry['cart'] );
			if ( '' !== $id ) {
				update_option( self::OUTBOX_PREFIX . $id, $entry, false );
			}
		}
		$record = CartLinks::record( $token );
		if ( null !== $record && ! empty( $record['order_id'] ) ) {
			// The cart became an order meanwhile: the sidecar sends this only ahead of that order's Placed Order.
			$payload['order_id'] = (int) $record['order_id'];
		}
		$code = $this->post( (string) $entry['topic'], $payload );
		if ( ( $code >= 200 && $code < 300 ) || in_array( $code, self::FINAL_CODES, true ) ) {
			if ( '' !== $id ) {
				delete_option( self::OUTBOX_PREFIX . $id );
			}
			return $code < 300 ? 'sent' : 'refused';
		}
		$delay = (int) min( HOUR_IN_SECONDS, 30 * ( 2 ** min( $attempt, 10 ) ) );
		if ( time() + $delay > (int) ( $entry['until'] ?? 0 ) ) {
			if ( '' !== $id ) {
				delete_option( self::OUTBOX_PREFIX . $id );
			}
			return 'gone';
		}
		$next = '' !== $id ? array( 'id' => $id ) : array_diff_key( $entry, array( 'attempt' => true ) );
		as_schedule_single_action( time() + $delay, self::HOOK, array( $next + array( 'attempt' => $attempt + 1 ) ), self::GROUP );
		return 'retry';
	}

	/**
	 * POSTs a payload to the sidecar's delivery URL, signed: the HTTP status, 0 when it could not be sent.
	 *
	 * @param string               $topic   The cart topic.
	 * @param array<string, mixed> $payload The body.
	 */
	private function post( string $topic, array $payload ): int {
		$url = $this->settings->webhook_url();
		if ( '' === $url || ! $this->settings->is_configured() ) {
			return 0;
		}
		$body     = (string) wp_json_encode( $payload );
		$response = wp_safe_remote_post(
			$url,
			array(
				'timeout'     => 15,
				'redirection' => 0,
				'user-agent'  => 'wc-klaviyo-sync/' . ( defined( 'WC_KLAVIYO_SYNC_VERSION' ) ? WC_KLAVIYO_SYNC_VERSION : '0' ) . ' (WordPress/' . get_bloginfo( 'version' ) . ')',
				'headers'     => array(
					'Content-Type'           => 'application/json',
					'X-WC-Webhook-Source'    => home_url( '/' ),
					'X-WC-Webhook-Topic'     => $topic,
					'X-WC-Webhook-Resource'  => 'cart',
					'X-WC-Webhook-Event'     => substr( $topic, 5 ),
					'X-WC-Webhook-Signature' => base64_encode( hash_hmac( 'sha256', $body, $this->settings->webhook_secret(), true ) ), // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode
				),
				'body'        => $body,
			)
		);
		return is_wp_error( $response ) ? 0 : (int) wp_remote_retrieve_response_code( $response );
	}
}
