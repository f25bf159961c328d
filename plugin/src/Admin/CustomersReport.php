<?php
/**
 * The customer tags Klaviyo flows set, on WooCommerce → Customers (the wc-admin Customers report).
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Admin;

use WcKlaviyoSync\Flows\FlowActions;
use WP_REST_Request;
use WP_REST_Response;

defined( 'ABSPATH' ) || exit;

/**
 * WooCommerce 10.0.2's Customers screen is a React report over `/wc-analytics/reports/customers` (rows of the
 * customer lookup table, `user_id` 0 for guests). Server side, each row gets `wck_tags` (the account's tags,
 * `woocommerce_rest_prepare_report_customers`), and a `wck_tag` argument on the report and its stats keeps only
 * the customers whose account has that tag: the argument joins the query args (`woocommerce_analytics_customers_*
 * query_args`, so WooCommerce's report cache keys on it) and an AND clause on the lookup table's `user_id`
 * (`woocommerce_analytics_clauses_where_customers_*subquery`, around WooCommerce's own clauses so "match any"
 * advanced filters cannot undo it). The admin-ui `customers-report` script, enqueued only on wc-admin pages, adds
 * the "Klaviyo tags" column (`woocommerce_admin_report_table`) and a "Klaviyo tag" dropdown whose `wck_tag` the
 * report passes to the REST call (`woocommerce_admin_customers_report_filters`). Guests have no tags: a `tag`
 * flow action needs an account.
 */
final class CustomersReport {

	/** The REST argument and the report's URL parameter. */
	public const PARAM = 'wck_tag';

	/** Most tags offered in the dropdown. */
	private const MAX_TAGS = 100;

	/**
	 * The tag the current Customers report request filters by ('' = none).
	 *
	 * @var string
	 */
	private string $tag = '';

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_filter( 'rest_request_before_callbacks', array( $this, 'capture' ), 10, 3 );
		add_filter( 'rest_request_after_callbacks', array( $this, 'release' ), 10, 3 );
		add_filter( 'woocommerce_analytics_customers_query_args', array( $this, 'query_args' ) );
		add_filter( 'woocommerce_analytics_customers_stats_query_args', array( $this, 'query_args' ) );
		add_filter( 'woocommerce_analytics_clauses_where_customers_subquery', array( $this, 'where' ) );
		add_filter( 'woocommerce_analytics_clauses_where_customers_stats_subquery', array( $this, 'where' ) );
		add_filter( 'woocommerce_rest_prepare_report_customers', array( $this, 'prepare' ), 10, 2 );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ) );
	}

	/**
	 * Whether a REST route is the Customers report or its stats.
	 *
	 * @param string $route Route.
	 */
	private static function is_report_route( string $route ): bool {
		return 1 === preg_match( '#^/wc-analytics/reports/customers(/stats)?/?$#', $route );
	}

	/**
	 * Remembers the `wck_tag` of a Customers report request while it runs.
	 *
	 * @param mixed           $response Response so far (passed through).
	 * @param mixed           $handler  Route handler.
	 * @param WP_REST_Request $request  Request.
	 * @return mixed
	 */
	public function capture( $response, $handler, $request ) {
		$this->tag = '';
		if ( $request instanceof WP_REST_Request && self::is_report_route( $request->get_route() ) ) {
			$tag       = $request->get_param( self::PARAM );
			$this->tag = is_scalar( $tag ) ? sanitize_text_field( (string) $tag ) : '';
		}
		return $response;
	}

	/**
	 * Forgets it when the request is done.
	 *
	 * @param mixed $response Response (passed through).
	 * @return mixed
	 */
	public function release( $response ) {
		$this->tag = '';
		return $response;
	}

	/**
	 * The tag joins the report's query args, so the report cache keeps a filtered answer apart.
	 *
	 * @param mixed $args Query args.
	 * @return mixed
	 */
	public function query_args( $args ) {
		if ( '' !== $this->tag && is_array( $args ) ) {
			$args[ self::PARAM ] = $this->tag;
		}
		return $args;
	}

	/**
	 * Only the customers whose account has the tag.
	 *
	 * @param mixed $clauses WHERE clauses of the report's subquery.
	 * @return mixed
	 */
	public function where( $clauses ) {
		if ( '' === $this->tag || ! is_array( $clauses ) ) {
			return $clauses;
		}
		global $wpdb;
		$lookup = $wpdb->prefix . 'wc_customer_lookup';
		$own    = array() === $clauses ? array() : array( 'AND ( 1=1 ' . implode( ' ', $clauses ) . ' )' );
		$own[]  = $wpdb->prepare(
			"AND {$lookup}.user_id IN ( SELECT user_id FROM {$wpdb->usermeta} WHERE meta_key = %s AND meta_value = %s )", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			FlowActions::TAG_META,
			$this->tag
		);
		return $own;
	}

	/**
	 * Each row gets its account's tags (`wck_tags`, [] for a guest).
	 *
	 * @param mixed $response Response.
	 * @param mixed $report   The row.
	 * @return mixed
	 */
	public function prepare( $response, $report ) {
		if ( ! $response instanceof WP_REST_Response ) {
			return $response;
		}
		$user_id = 0;
		if ( is_array( $report ) && isset( $report['user_id'] ) ) {
			$user_id = (int) $report['user_id'];
		} elseif ( is_object( $report ) && isset( $report->user_id ) ) {
			$user_id = (int) $report->user_id;
		}
		$data = $response->get_data();
		if ( is_array( $data ) ) {
			$data['wck_tags'] = $user_id > 0 ? array_values( array_map( 'strval', (array) get_user_meta( $user_id, FlowActions::TAG_META, false ) ) ) : array();
			$response->set_data( $data );
		}
		return $response;
	}

	/**
	 * The tags in use, for the dropdown (sorted, at most 100).
	 *
	 * @return list<string>
	 */
	public static function known_tags(): array {
		global $wpdb;
		$tags = $wpdb->get_col( $wpdb->prepare( "SELECT DISTINCT meta_value FROM {$wpdb->usermeta} WHERE meta_key = %s ORDER BY meta_value LIMIT %d", FlowActions::TAG_META, self::MAX_TAGS ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery
		return array_values( array_map( 'strval', (array) $tags ) );
	}

	/**
	 * The admin-ui `customers-report` script on wc-admin pages (the Customers report is one of them).
	 *
	 * @param mixed $hook_suffix Current admin page.
	 */
	public function enqueue( $hook_suffix ): void {
		if ( 'woocommerce_page_wc-admin' !== $hook_suffix || ! current_user_can( 'manage_woocommerce' ) || ! AdminPages::is_built( 'customers-report' ) ) {
			return;
		}
		AdminPages::enqueue_build( 'customers-report' );
		wp_add_inline_script( 'wc-klaviyo-sync-customers-report', 'window.wcKlaviyoSyncTags = ' . wp_json_encode( self::known_tags() ) . ';', 'before' );
	}
}
