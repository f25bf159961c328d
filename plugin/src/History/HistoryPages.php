<?php
/**
 * Pages of the store's past for the sidecar's history sync, each record exactly as WooCommerce's webhooks carry it.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\History;

use WcKlaviyoSync\WebhookOwnership;
use WP_REST_Request;
use WP_User_Query;

defined( 'ABSPATH' ) || exit;

/**
 * Reads one page of orders or customers. The payloads come from WooCommerce's own REST controllers
 * (`/wc/v3/orders/{id}`, `/wc/v3/customers/{id}` through rest_do_request, as the user our webhooks belong to), which
 * is how WC_Webhook::build_payload builds a webhook's body, so a history record and a live delivery of the same state
 * are the same JSON. Orders come from wc_get_orders (HPOS and the posts table alike), ordered by modified date then
 * id, at most 100 ids a query: memory per page is bounded whatever the store's size.
 *
 * The order cursor is `<modified timestamp>|<id>|<k>`: the last record's modified time and id, and how many records of
 * that second were already returned; the next page asks for modified at or after that second, skipping those k. A
 * record modified while the sync runs moves behind the cursor and is read again later (the sidecar recognises the
 * repeat). Customers (users with the customer role) are paged by id: `<id>`.
 */
final class HistoryPages {

	/** The largest page, as WooCommerce's REST API allows. */
	public const MAX_LIMIT = 100;

	/**
	 * Our webhooks (whose user builds the payloads).
	 *
	 * @var WebhookOwnership
	 */
	private WebhookOwnership $ours;

	/**
	 * Constructor.
	 *
	 * @param WebhookOwnership $ours Our webhooks.
	 */
	public function __construct( WebhookOwnership $ours ) {
		$this->ours = $ours;
	}

	/**
	 * A page of orders.
	 *
	 * @param string|null $after          The cursor, or null from the start.
	 * @param int|null    $modified_after Only orders modified at or after this Unix time.
	 * @param int         $limit          Records (0: the total only).
	 * @return array{items: list<array<string, mixed>>, next: string|null, total: int|null}
	 */
	public function orders( ?string $after, ?int $modified_after, int $limit ): array {
		$statuses = array_values( array_diff( array_keys( wc_get_order_statuses() ), array( 'wc-checkout-draft' ) ) );
		$base     = array(
			'type'    => 'shop_order',
			'status'  => $statuses,
			'orderby' => 'modified ID',
			'order'   => 'ASC',
			'return'  => 'ids',
		);
		if ( 0 === $limit ) {
			$found = wc_get_orders( $base + $this->since( $modified_after ) + array( 'limit' => 1, 'paginate' => true ) );
			return array( 'items' => array(), 'next' => $after, 'total' => (int) $found->total );
		}
		$from = $modified_after;
		$skip = 0;
		if ( null !== $after && preg_match( '/^(\d+)\|(\d+)\|(\d+)$/', $after, $m ) ) {
			$from = max( (int) $m[1], (int) $modified_after );
			$skip = (int) $m[1] === $from ? (int) $m[3] : 0;
		}
		$ids   = wc_get_orders( $base + $this->since( $from ) + array( 'limit' => $limit, 'offset' => $skip ) );
		$items = array();
		$last  = null;
		$same  = $skip;
		foreach ( $ids as $id ) {
			$payload = $this->as_webhook( '/wc/v3/orders/' . (int) $id );
			if ( null === $payload ) {
				continue;
			}
			$items[] = $payload;
			$ts      = isset( $payload['date_modified_gmt'] ) && is_string( $payload['date_modified_gmt'] ) ? (int) strtotime( $payload['date_modified_gmt'] . 'Z' ) : 0;
			$same    = null !== $last && $last[0] === $ts ? $same + 1 : ( $ts === $from ? $skip + 1 : 1 );
			$last    = array( $ts, (int) $id );
		}
		$next = count( $ids ) < $limit || null === $last ? null : $last[0] . '|' . $last[1] . '|' . $same;
		return array( 'items' => $items, 'next' => $next, 'total' => null );
	}

	/**
	 * A page of customers.
	 *
	 * @param string|null $after          The last id returned, or null from the start.
	 * @param int|null    $modified_after Only customers WooCommerce changed at or after this Unix time (`last_update`).
	 * @param int         $limit          Records (0: the total only).
	 * @return array{items: list<array<string, mixed>>, next: string|null, total: int|null}
	 */
	public function customers( ?string $after, ?int $modified_after, int $limit ): array {
		$args = array(
			'role'    => 'customer',
			'orderby' => 'ID',
			'order'   => 'ASC',
			'fields'  => 'ID',
		);
		if ( null !== $modified_after ) {
			$args['meta_query'] = array( // phpcs:ignore WordPress.DB.SlowDBQuery.slow_db_query_meta_query
				array(
					'key'     => 'last_update',
					'value'   => $modified_after,
					'compare' => '>=',
					'type'    => 'NUMERIC',
				),
			);
		}
		if ( 0 === $limit ) {
			$q = new WP_User_Query( $args + array( 'number' => 1, 'count_total' => true ) );
			return array( 'items' => array(), 'next' => $after, 'total' => (int) $q->get_total() );
		}
		$after_id = null !== $after && ctype_digit( $after ) ? (int) $after : 0;
		$filter   = static function ( WP_User_Query $q ) use ( $after_id ): void {
			global $wpdb;
			$q->query_where .= $wpdb->prepare( " AND {$wpdb->users}.ID > %d", $after_id );
		};
		add_action( 'pre_user_query', $filter );
		$q = new WP_User_Query( $args + array( 'number' => $limit, 'count_total' => false ) );
		remove_action( 'pre_user_query', $filter );
		$ids   = array_map( 'intval', (array) $q->get_results() );
		$items = array();
		foreach ( $ids as $id ) {
			$payload = $this->as_webhook( '/wc/v3/customers/' . $id );
			if ( null !== $payload ) {
				$items[] = $payload;
			}
		}
		$next = count( $ids ) < $limit ? null : (string) end( $ids );
		return array( 'items' => $items, 'next' => $next, 'total' => null );
	}

	/**
	 * A page of the catalog: products and their variations, of any status but trash, in id order (a variable product
	 * before its variations, which WooCommerce creates after it). Read whole whatever the history's scope: the catalog
	 * is what the shop sells now. Each record is what WooCommerce's product webhook carries (a variation included).
	 *
	 * @param string|null $after The last id returned, or null from the start.
	 * @param int         $limit Records (0: the total only).
	 * @return array{items: list<array<string, mixed>>, next: string|null, total: int|null}
	 */
	public function products( ?string $after, int $limit ): array {
		$args = array(
			'post_type'        => array( 'product', 'product_variation' ),
			'post_status'      => array( 'publish', 'private', 'draft', 'pending', 'future' ),
			'orderby'          => 'ID',
			'order'            => 'ASC',
			'fields'           => 'ids',
			'no_found_rows'    => 0 !== $limit,
			'suppress_filters' => false,
		);
		if ( 0 === $limit ) {
			$q = new \WP_Query( $args + array( 'posts_per_page' => 1 ) );
			return array( 'items' => array(), 'next' => $after, 'total' => (int) $q->found_posts );
		}
		$after_id = null !== $after && ctype_digit( $after ) ? (int) $after : 0;
		$filter   = static function ( string $where ) use ( $after_id ): string {
			global $wpdb;
			return $where . $wpdb->prepare( " AND {$wpdb->posts}.ID > %d", $after_id );
		};
		add_filter( 'posts_where', $filter );
		$ids = array_map( 'intval', ( new \WP_Query( $args + array( 'posts_per_page' => $limit ) ) )->posts );
		remove_filter( 'posts_where', $filter );
		$items = array();
		foreach ( $ids as $id ) {
			$payload = $this->as_webhook( '/wc/v3/products/' . $id );
			if ( null !== $payload ) {
				$items[] = $payload;
			}
		}
		$next = count( $ids ) < $limit ? null : (string) end( $ids );
		return array( 'items' => $items, 'next' => $next, 'total' => null );
	}

	/**
	 * The wc_get_orders argument for "modified at or after".
	 *
	 * @param int|null $ts Unix time, or null for no bound.
	 * @return array<string, string>
	 */
	private function since( ?int $ts ): array {
		return null === $ts ? array() : array( 'date_modified' => '>=' . $ts );
	}

	/**
	 * What WooCommerce's webhook would carry for the resource (WC_Webhook::build_payload: the REST endpoint's data as
	 * the webhook's user). Null when the controller refuses (the record went away meanwhile).
	 *
	 * @param string $endpoint E.g. /wc/v3/orders/12.
	 * @return array<string, mixed>|null
	 */
	private function as_webhook( string $endpoint ): ?array {
		$current = get_current_user_id();
		wp_set_current_user( $this->owner() );
		$response = rest_do_request( new WP_REST_Request( 'GET', $endpoint ) );
		$data     = json_decode( (string) wp_json_encode( rest_get_server()->response_to_data( $response, false ) ), true );
		wp_set_current_user( $current );
		if ( $response->is_error() || ! is_array( $data ) ) {
			return null;
		}
		return $data;
	}

	/**
	 * The user our order webhook belongs to (whose rights WooCommerce builds its payloads with), else the first administrator.
	 */
	private function owner(): int {
		$webhook = $this->ours->find( 'order.updated' );
		$user    = null !== $webhook ? (int) $webhook->get_user_id( 'edit' ) : 0;
		if ( $user > 0 ) {
			return $user;
		}
		$admins = get_users(
			array(
				'role'    => 'administrator',
				'orderby' => 'ID',
				'order'   => 'ASC',
				'number'  => 1,
				'fields'  => 'ID',
			)
		);
		return isset( $admins[0] ) ? (int) $admins[0] : 0;
	}
}
