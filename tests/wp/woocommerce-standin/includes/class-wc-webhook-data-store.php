<?php
/**
 * Stand-in for WC_Webhook_Data_Store (WooCommerce 10.0.2 behaviour): the wc_webhooks table, caches,
 * transients, the ping on update, search_webhooks().
 *
 * @package WooCommerceStandin
 */

defined( 'ABSPATH' ) || exit;

class WC_Webhook_Data_Store {

	public function create( &$webhook ) {
		global $wpdb;
		$changes = $webhook->get_changes();
		$now     = current_time( 'mysql' );
		$now_gmt = current_time( 'mysql', 1 );
		$webhook->set_date_created( $now );
		if ( ! isset( $changes['pending_delivery'] ) ) {
			$webhook->set_pending_delivery( true );
		}
		$wpdb->insert(
			$wpdb->prefix . 'wc_webhooks',
			$this->columns( $webhook ) + array(
				'date_created'     => $now,
				'date_created_gmt' => $now_gmt,
			)
		);
		$webhook->set_id( $wpdb->insert_id );
		$webhook->apply_changes();
		$this->delete_transients( $webhook->get_status( 'edit' ) );
		wp_cache_delete( 'search', 'webhook_search_results' );
		do_action( 'woocommerce_new_webhook', $webhook->get_id(), $webhook );
	}

	public function read( &$webhook ) {
		global $wpdb;
		$data = wp_cache_get( $webhook->get_id(), 'webhooks' );
		if ( false === $data ) {
			$data = $wpdb->get_row( $wpdb->prepare( "SELECT webhook_id, status, name, user_id, delivery_url, secret, topic, date_created, date_modified, api_version, failure_count, pending_delivery FROM {$wpdb->prefix}wc_webhooks WHERE webhook_id = %d LIMIT 1;", $webhook->get_id() ), ARRAY_A );
			wp_cache_add( $webhook->get_id(), $data, 'webhooks' );
		}
		if ( ! is_array( $data ) ) {
			throw new Exception( 'Invalid webhook.' );
		}
		$webhook->set_props(
			array(
				'id'               => $data['webhook_id'],
				'status'           => $data['status'],
				'name'             => $data['name'],
				'user_id'          => $data['user_id'],
				'delivery_url'     => $data['delivery_url'],
				'secret'           => $data['secret'],
				'topic'            => $data['topic'],
				'date_created'     => '0000-00-00 00:00:00' === $data['date_created'] ? null : $data['date_created'],
				'date_modified'    => '0000-00-00 00:00:00' === $data['date_modified'] ? null : $data['date_modified'],
				'api_version'      => $data['api_version'],
				'failure_count'    => $data['failure_count'],
				'pending_delivery' => $data['pending_delivery'],
			)
		);
		$webhook->set_object_read( true );
		do_action( 'woocommerce_webhook_loaded', $webhook );
	}

	public function update( &$webhook ) {
		global $wpdb;
		$changes = $webhook->get_changes();
		$trigger = isset( $changes['delivery_url'] );
		$now     = current_time( 'mysql' );
		$webhook->set_date_modified( $now );
		$wpdb->update(
			$wpdb->prefix . 'wc_webhooks',
			$this->columns( $webhook ) + array(
				'date_modified'     => $now,
				'date_modified_gmt' => current_time( 'mysql', 1 ),
			),
			array( 'webhook_id' => $webhook->get_id() )
		);
		$webhook->apply_changes();
		if ( isset( $changes['status'] ) ) {
			$this->delete_transients( 'all' );
		}
		wp_cache_delete( $webhook->get_id(), 'webhooks' );
		if ( 'active' === $webhook->get_status() && ( $trigger || $webhook->get_pending_delivery() ) ) {
			$webhook->deliver_ping();
		}
		do_action( 'woocommerce_webhook_updated', $webhook->get_id() );
	}

	public function delete( &$webhook ) {
		global $wpdb;
		$wpdb->delete( $wpdb->prefix . 'wc_webhooks', array( 'webhook_id' => $webhook->get_id() ), array( '%d' ) );
		$this->delete_transients( 'all' );
		wp_cache_delete( $webhook->get_id(), 'webhooks' );
		do_action( 'woocommerce_webhook_deleted', $webhook->get_id(), $webhook );
	}

	/**
	 * The columns create() and update() both write, from the webhook's current props.
	 */
	private function columns( $webhook ) {
		return array(
			'status'           => $webhook->get_status( 'edit' ),
			'name'             => $webhook->get_name( 'edit' ),
			'user_id'          => $webhook->get_user_id( 'edit' ),
			'delivery_url'     => $webhook->get_delivery_url( 'edit' ),
			'secret'           => $webhook->get_secret( 'edit' ),
			'topic'            => $webhook->get_topic( 'edit' ),
			'api_version'      => $this->get_api_version_number( $webhook->get_api_version( 'edit' ) ),
			'failure_count'    => $webhook->get_failure_count( 'edit' ),
			'pending_delivery' => $webhook->get_pending_delivery( 'edit' ) ? 1 : 0,
		);
	}

	public function get_api_version_number( $api_version ) {
		return 'legacy_v3' === $api_version ? -1 : intval( substr( (string) $api_version, -1 ) );
	}

	private function delete_transients( $status = '' ) {
		if ( 'all' === $status ) {
			foreach ( array( '', 'active', 'paused', 'disabled' ) as $s ) {
				delete_transient( '' === $s ? 'woocommerce_webhook_ids' : 'woocommerce_webhook_ids_status_' . $s );
			}
			return;
		}
		delete_transient( 'woocommerce_webhook_ids' );
		if ( $status ) {
			delete_transient( 'woocommerce_webhook_ids_status_' . $status );
		}
	}

	public function get_webhooks_ids( $status = '' ) {
		if ( '' !== $status && ! array_key_exists( $status, wc_get_webhook_statuses() ) ) {
			throw new InvalidArgumentException( 'Invalid status.' );
		}
		$key = '' === $status ? 'woocommerce_webhook_ids' : 'woocommerce_webhook_ids_status_' . $status;
		$ids = get_transient( $key );
		if ( false === $ids ) {
			$ids = array_map(
				'absint',
				$this->search_webhooks(
					array(
						'limit'  => -1,
						'status' => $status,
					)
				)
			);
			set_transient( $key, $ids );
		}
		return $ids;
	}

	/**
	 * Search: status, search (name LIKE), include, exclude, user_id, limit (default 10), offset, order, orderby, paginate.
	 */
	public function search_webhooks( $args ) {
		global $wpdb;
		$args   = wp_parse_args(
			$args,
			array(
				'limit'    => 10,
				'offset'   => 0,
				'order'    => 'DESC',
				'orderby'  => 'id',
				'paginate' => false,
			)
		);
		$where  = array( '1=1' );
		$status = $args['status'] ?? '';
		$map    = array(
			'publish' => 'active',
			'draft'   => 'paused',
			'pending' => 'disabled',
		);
		$status = $map[ $status ] ?? $status;
		if ( '' !== $status ) {
			$where[] = $wpdb->prepare( 'status = %s', $status );
		}
		if ( ! empty( $args['search'] ) ) {
			$where[] = $wpdb->prepare( 'name LIKE %s', '%' . $wpdb->esc_like( $args['search'] ) . '%' );
		}
		if ( ! empty( $args['include'] ) ) {
			$where[] = 'webhook_id IN (' . implode( ',', array_map( 'absint', (array) $args['include'] ) ) . ')';
		}
		if ( ! empty( $args['exclude'] ) ) {
			$where[] = 'webhook_id NOT IN (' . implode( ',', array_map( 'absint', (array) $args['exclude'] ) ) . ')';
		}
		if ( isset( $args['user_id'] ) ) {
			$where[] = $wpdb->prepare( 'user_id = %d', $args['user_id'] );
		}
		$order   = 'ASC' === strtoupper( $args['order'] ) ? 'ASC' : 'DESC';
		$orderby = 'id' === $args['orderby'] ? 'webhook_id' : sanitize_key( $args['orderby'] );
		$limit   = (int) $args['limit'] > 0 ? $wpdb->prepare( 'LIMIT %d OFFSET %d', $args['limit'], $args['offset'] ) : '';
		$sql     = "SELECT webhook_id FROM {$wpdb->prefix}wc_webhooks WHERE " . implode( ' AND ', $where ) . " ORDER BY {$orderby} {$order} {$limit}";
		$ids     = array_map( 'intval', $wpdb->get_col( $sql ) ); // phpcs:ignore
		if ( $args['paginate'] ) {
			$total = (int) $wpdb->get_var( "SELECT COUNT(*) FROM {$wpdb->prefix}wc_webhooks WHERE " . implode( ' AND ', $where ) ); // phpcs:ignore
			return (object) array(
				'webhooks'      => $ids,
				'total'         => $total,
				'max_num_pages' => (int) $args['limit'] > 0 ? (int) ceil( $total / (int) $args['limit'] ) : 1,
			);
		}
		return $ids;
	}
}
