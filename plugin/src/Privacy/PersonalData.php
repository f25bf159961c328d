<?php
/**
 * The personal-data eraser and exporter WordPress's privacy tools run (Tools → Erase / Export Personal Data).
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Privacy;

use WcKlaviyoSync\Rest\StoreProxy;
use WP_Error;

defined( 'ABSPATH' ) || exit;

/**
 * Registers "Klaviyo sync" with wp_privacy_personal_data_erasers and wp_privacy_personal_data_exporters. Each
 * callback makes one request to the sidecar and answers in one page (`done` is true on page 1): the sidecar purges
 * and lists the person's data itself and queues Klaviyo's deletion, so nothing here pages or decides. These run in
 * an administrator's request, never a shopper's.
 */
final class PersonalData {

	/** The key of the eraser and the exporter, and the exporter's group id. */
	public const KEY = 'wc-klaviyo-sync';

	/**
	 * Proxy to the saved store.
	 *
	 * @var StoreProxy
	 */
	private StoreProxy $proxy;

	/**
	 * Constructor.
	 *
	 * @param StoreProxy $proxy Proxy to the saved store.
	 */
	public function __construct( StoreProxy $proxy ) {
		$this->proxy = $proxy;
	}

	/**
	 * Hooks the filters.
	 */
	public function register(): void {
		add_filter( 'wp_privacy_personal_data_erasers', array( $this, 'add_eraser' ) );
		add_filter( 'wp_privacy_personal_data_exporters', array( $this, 'add_exporter' ) );
	}

	/**
	 * Adds the eraser.
	 *
	 * @param mixed $erasers Registered erasers.
	 * @return array<string, mixed>
	 */
	public function add_eraser( $erasers ): array {
		$erasers              = is_array( $erasers ) ? $erasers : array();
		$erasers[ self::KEY ] = array(
			'eraser_friendly_name' => __( 'Klaviyo sync', 'wc-klaviyo-sync' ),
			'callback'             => array( $this, 'erase' ),
		);
		return $erasers;
	}

	/**
	 * Adds the exporter.
	 *
	 * @param mixed $exporters Registered exporters.
	 * @return array<string, mixed>
	 */
	public function add_exporter( $exporters ): array {
		$exporters              = is_array( $exporters ) ? $exporters : array();
		$exporters[ self::KEY ] = array(
			'exporter_friendly_name' => __( 'Klaviyo sync', 'wc-klaviyo-sync' ),
			'callback'               => array( $this, 'export' ),
		);
		return $exporters;
	}

	/**
	 * The eraser: the sidecar purges what it keeps about the person and queues Klaviyo's deletion of the profile.
	 *
	 * @param string $email Email address.
	 * @param int    $page  Page (one page only).
	 * @return array{items_removed: bool, items_retained: bool, messages: string[], done: bool}
	 */
	public function erase( string $email, int $page = 1 ): array {
		unset( $page );
		$result = $this->proxy->fetch( 'POST', '/privacy/erasure', array(), array( 'email' => $email ) );
		if ( is_wp_error( $result ) ) {
			if ( 'wck_not_configured' === $result->get_error_code() ) {
				// Never set up: nothing was ever sent to the sidecar or Klaviyo.
				return array( 'items_removed' => false, 'items_retained' => false, 'messages' => array(), 'done' => true );
			}
			return array(
				'items_removed'  => false,
				'items_retained' => true,
				'messages'       => array(
					sprintf(
						/* translators: %s: the sidecar's error message */
						__( 'Klaviyo sync could not reach its sidecar (%s): nothing it keeps was erased and Klaviyo was not asked to delete the profile. Run the erasure again.', 'wc-klaviyo-sync' ),
						$result->get_error_message()
					),
				),
				'done'           => true,
			);
		}
		$erased     = is_array( $result['erased'] ?? null ) ? $result['erased'] : array();
		$deliveries = (int) ( $erased['deliveries'] ?? 0 );
		$consent    = (int) ( $erased['consentRecords'] ?? 0 );
		return array(
			'items_removed'  => true,
			'items_retained' => false,
			'messages'       => array(
				sprintf(
					/* translators: 1: sync-log entries erased, 2: consent records deleted */
					__( 'Klaviyo sync erased %1$d sync-log entries and %2$d consent records, and asked Klaviyo to delete the profile and its events.', 'wc-klaviyo-sync' ),
					$deliveries,
					$consent
				),
			),
			'done'           => true,
		);
	}

	/**
	 * The exporter: what the sidecar keeps about the person (sync-log entries with what was sent, consent records).
	 *
	 * @param string $email Email address.
	 * @param int    $page  Page (one page only).
	 * @return array{data: array<int, array<string, mixed>>, done: bool}|WP_Error
	 */
	public function export( string $email, int $page = 1 ) {
		unset( $page );
		$result = $this->proxy->fetch( 'GET', '/privacy/export', array( 'email' => $email ) );
		if ( is_wp_error( $result ) ) {
			if ( 'wck_not_configured' === $result->get_error_code() ) {
				return array( 'data' => array(), 'done' => true );
			}
			return new WP_Error(
				'wck_export_failed',
				sprintf(
					/* translators: %s: the sidecar's error message */
					__( 'Klaviyo sync could not reach its sidecar (%s); export again.', 'wc-klaviyo-sync' ),
					$result->get_error_message()
				)
			);
		}
		$group = array(
			'group_id'          => self::KEY,
			'group_label'       => __( 'Klaviyo sync', 'wc-klaviyo-sync' ),
			'group_description' => __( 'What the Klaviyo sync keeps about you: the store events it sent to Klaviyo, and your marketing consent.', 'wc-klaviyo-sync' ),
		);
		$data  = array();
		foreach ( (array) ( $result['deliveries'] ?? array() ) as $d ) {
			$sent = array();
			foreach ( (array) ( $d['requests'] ?? array() ) as $r ) {
				$what   = (string) ( $r['metric'] ?? '' );
				$sent[] = trim( (string) ( $r['kind'] ?? '' ) . ( '' !== $what ? ' ' . $what : '' ) ) . ': ' . (string) ( $r['status'] ?? '' );
			}
			$data[] = $group + array(
				'item_id' => 'wck-delivery-' . (string) ( $d['id'] ?? '' ),
				'data'    => array(
					array( 'name' => __( 'Received', 'wc-klaviyo-sync' ), 'value' => (string) ( $d['receivedAt'] ?? '' ) ),
					array( 'name' => __( 'Event', 'wc-klaviyo-sync' ), 'value' => (string) ( $d['topic'] ?? '' ) ),
					array( 'name' => __( 'Order', 'wc-klaviyo-sync' ), 'value' => (string) ( $d['orderNumber'] ?? '' ) ),
					array( 'name' => __( 'Email', 'wc-klaviyo-sync' ), 'value' => (string) ( $d['email'] ?? '' ) ),
					array( 'name' => __( 'Status', 'wc-klaviyo-sync' ), 'value' => (string) ( $d['status'] ?? '' ) ),
					array( 'name' => __( 'Sent to Klaviyo', 'wc-klaviyo-sync' ), 'value' => implode( '; ', $sent ) ),
				),
			);
		}
		foreach ( array_values( (array) ( $result['consent'] ?? array() ) ) as $i => $c ) {
			$data[] = $group + array(
				'item_id' => 'wck-consent-' . $i,
				'data'    => array(
					array( 'name' => __( 'Consent', 'wc-klaviyo-sync' ), 'value' => (string) ( $c['channel'] ?? '' ) . ' ' . (string) ( $c['status'] ?? '' ) ),
					array( 'name' => __( 'Text shown', 'wc-klaviyo-sync' ), 'value' => (string) ( $c['label'] ?? '' ) ),
					array( 'name' => __( 'When', 'wc-klaviyo-sync' ), 'value' => (string) ( $c['at'] ?? '' ) ),
					array( 'name' => __( 'Where', 'wc-klaviyo-sync' ), 'value' => (string) ( $c['source'] ?? '' ) ),
					array( 'name' => __( 'Outcome', 'wc-klaviyo-sync' ), 'value' => (string) ( $c['outcome'] ?? '' ) ),
				),
			);
		}
		return array( 'data' => $data, 'done' => true );
	}
}
