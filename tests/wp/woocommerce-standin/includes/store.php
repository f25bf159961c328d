<?php
/**
 * A tiny order and customer store for the stand-in: orders live in an option, customers are WordPress
 * users. Creating or changing them fires the hooks WooCommerce fires, so real webhooks deliver, and the
 * payloads come from /wc/v3/orders/{id} and /wc/v3/customers/{id} routes shaped like WooCommerce 10.0.2's.
 *
 * Test API (callable through tests/wp/bin/wp-php.sh, or the admin-only REST routes wc-standin/v1/*):
 *   wc_standin_create_order( array ) : int      fires woocommerce_new_order, delivers
 *   wc_standin_update_order( id, array ) : void fires woocommerce_update_order, delivers
 *   wc_standin_trash_order( id ) / wc_standin_untrash_order( id )
 *   wc_standin_create_customer( array ) : int   wp_insert_user (user_register), delivers
 *   wc_webhook_execute_queue()                  sends what is queued now (otherwise sent at shutdown)
 *
 * @package WooCommerceStandin
 */

defined( 'ABSPATH' ) || exit;

function wc_standin_orders() {
	$orders = get_option( 'wc_standin_orders', array() );
	return is_array( $orders ) ? $orders : array();
}

function wc_standin_get_order( $id ) {
	$orders = wc_standin_orders();
	return $orders[ (int) $id ] ?? null;
}

function wc_standin_put_order( array $order ) {
	$orders                 = wc_standin_orders();
	$orders[ $order['id'] ] = $order;
	update_option( 'wc_standin_orders', $orders, false );
}

function wc_standin_address( $in, $with_email ) {
	$keys = array( 'first_name', 'last_name', 'company', 'address_1', 'address_2', 'city', 'state', 'postcode', 'country' );
	$out  = array();
	foreach ( $keys as $k ) {
		$out[ $k ] = isset( $in[ $k ] ) ? (string) $in[ $k ] : '';
	}
	if ( $with_email ) {
		$out['email'] = isset( $in['email'] ) ? (string) $in['email'] : '';
	}
	$out['phone'] = isset( $in['phone'] ) ? (string) $in['phone'] : '';
	return $out;
}

/**
 * Creates an order. $args: status (default processing), currency (USD), customer_id (0), billing{}, shipping{},
 * line_items[{name, product_id, sku, quantity, price}], shipping_total, payment_method, payment_method_title.
 */
function wc_standin_create_order( array $args ) {
	$id  = (int) get_option( 'wc_standin_next_order_id', 100 );
	update_option( 'wc_standin_next_order_id', $id + 1, false );
	$now   = gmdate( 'Y-m-d H:i:s' );
	$items = array();
	$n     = 0;
	foreach ( (array) ( $args['line_items'] ?? array( array( 'name' => 'Blue Mug', 'product_id' => 11, 'sku' => 'MUG-BLUE', 'quantity' => 1, 'price' => 12.5 ) ) ) as $item ) {
		++$n;
		$items[] = array(
			'id'         => $id * 100 + $n,
			'name'       => (string) ( $item['name'] ?? 'Item' ),
			'product_id' => (int) ( $item['product_id'] ?? 0 ),
			'sku'        => (string) ( $item['sku'] ?? '' ),
			'quantity'   => (int) ( $item['quantity'] ?? 1 ),
			'price'      => (float) ( $item['price'] ?? 0 ),
		);
	}
	$status = (string) ( $args['status'] ?? 'processing' );
	$order  = array(
		'id'                   => $id,
		'status'               => $status,
		'currency'             => (string) ( $args['currency'] ?? 'USD' ),
		'customer_id'          => (int) ( $args['customer_id'] ?? 0 ),
		'billing'              => wc_standin_address( (array) ( $args['billing'] ?? array() ), true ),
		'shipping'             => wc_standin_address( (array) ( $args['shipping'] ?? array() ), false ),
		'line_items'           => $items,
		'shipping_total'       => (float) ( $args['shipping_total'] ?? 0 ),
		'payment_method'       => (string) ( $args['payment_method'] ?? 'bacs' ),
		'payment_method_title' => (string) ( $args['payment_method_title'] ?? 'Direct bank transfer' ),
		'order_key'            => 'wc_order_' . wp_generate_password( 13, false ),
		'date_created_gmt'     => $now,
		'date_modified_gmt'    => $now,
		'date_paid_gmt'        => in_array( $status, array( 'processing', 'completed' ), true ) ? $now : null,
		'date_completed_gmt'   => 'completed' === $status ? $now : null,
		'refunds'              => array(),
	);
	wc_standin_put_order( $order );
	if ( ! in_array( $status, array( 'draft', 'auto-draft', 'checkout-draft' ), true ) ) {
		do_action( 'woocommerce_new_order', $id, $order );
	}
	wc_webhook_execute_queue();
	return $id;
}

/** Updates an order: status, billing, refund (amount) … and fires woocommerce_update_order. */
function wc_standin_update_order( $id, array $changes ) {
	$order = wc_standin_get_order( $id );
	if ( null === $order ) {
		return false;
	}
	$now = gmdate( 'Y-m-d H:i:s' );
	if ( isset( $changes['status'] ) ) {
		$order['status'] = (string) $changes['status'];
		if ( 'completed' === $order['status'] ) {
			$order['date_completed_gmt'] = $now;
		}
		if ( in_array( $order['status'], array( 'processing', 'completed' ), true ) && ! $order['date_paid_gmt'] ) {
			$order['date_paid_gmt'] = $now;
		}
	}
	if ( isset( $changes['billing'] ) ) {
		$order['billing'] = wc_standin_address( array_merge( $order['billing'], (array) $changes['billing'] ), true );
	}
	if ( isset( $changes['refund'] ) ) {
		$order['refunds'][] = array(
			'id'     => (int) get_option( 'wc_standin_next_order_id', 100 ) + 1000,
			'reason' => (string) ( $changes['reason'] ?? '' ),
			'total'  => '-' . number_format( (float) $changes['refund'], 2, '.', '' ),
		);
	}
	$order['date_modified_gmt'] = $now;
	wc_standin_put_order( $order );
	do_action( 'woocommerce_update_order', (int) $id, $order );
	wc_webhook_execute_queue();
	return true;
}

function wc_standin_trash_order( $id ) {
	$order = wc_standin_get_order( $id );
	if ( null === $order ) {
		return false;
	}
	do_action( 'woocommerce_trash_order', (int) $id );
	$order['previous_status'] = $order['status'];
	$order['status']          = 'trash';
	wc_standin_put_order( $order );
	wc_webhook_execute_queue();
	return true;
}

function wc_standin_untrash_order( $id ) {
	$order = wc_standin_get_order( $id );
	if ( null === $order ) {
		return false;
	}
	$order['status'] = $order['previous_status'] ?? 'pending';
	wc_standin_put_order( $order );
	do_action( 'woocommerce_untrash_order', (int) $id, 'trash' );
	wc_webhook_execute_queue();
	return true;
}

/** Creates a customer (WordPress user with role customer); $args: email, first_name, last_name, username, billing{}. */
function wc_standin_create_customer( array $args ) {
	$email   = (string) ( $args['email'] ?? 'customer' . wp_rand( 1000, 9999 ) . '@example.com' );
	$user_id = wp_insert_user(
		array(
			'user_login' => (string) ( $args['username'] ?? sanitize_user( strstr( $email, '@', true ) . wp_rand( 100, 999 ) ) ),
			'user_email' => $email,
			'user_pass'  => wp_generate_password( 20 ),
			'first_name' => (string) ( $args['first_name'] ?? '' ),
			'last_name'  => (string) ( $args['last_name'] ?? '' ),
			'role'       => 'customer',
			'meta_input' => array_combine(
				array_map( static fn( $k ) => 'billing_' . $k, array_keys( wc_standin_address( (array) ( $args['billing'] ?? array() ), true ) ) ),
				array_values( wc_standin_address( (array) ( $args['billing'] ?? array() ), true ) )
			),
		)
	);
	wc_webhook_execute_queue();
	return $user_id;
}

function wc_standin_money( $v ) {
	return number_format( (float) $v, 2, '.', '' );
}

function wc_standin_local( $gmt ) {
	return null === $gmt ? null : str_replace( ' ', 'T', get_date_from_gmt( $gmt ) );
}

function wc_standin_iso( $gmt ) {
	return null === $gmt ? null : str_replace( ' ', 'T', $gmt );
}

/** The order as /wc/v3/orders/{id} returns it (view context), keys in WooCommerce 10.0.2's order. */
function wc_standin_order_payload( array $o ) {
	$items    = array();
	$subtotal = 0.0;
	foreach ( $o['line_items'] as $item ) {
		$line      = $item['quantity'] * $item['price'];
		$subtotal += $line;
		$items[]   = array(
			'id'           => $item['id'],
			'name'         => $item['name'],
			'product_id'   => $item['product_id'],
			'variation_id' => 0,
			'quantity'     => $item['quantity'],
			'tax_class'    => '',
			'subtotal'     => wc_standin_money( $line ),
			'subtotal_tax' => '0.00',
			'total'        => wc_standin_money( $line ),
			'total_tax'    => '0.00',
			'taxes'        => array(),
			'meta_data'    => array(),
			'sku'          => $item['sku'],
			'price'        => $item['price'],
			'image'        => array(
				'id'  => '',
				'src' => '',
			),
			'parent_name'  => null,
		);
	}
	$base = rest_url( 'wc/v3/orders' );
	return array(
		'id'                   => $o['id'],
		'parent_id'            => 0,
		'status'               => $o['status'],
		'currency'             => $o['currency'],
		'version'              => WC_VERSION,
		'prices_include_tax'   => false,
		'date_created'         => wc_standin_local( $o['date_created_gmt'] ),
		'date_modified'        => wc_standin_local( $o['date_modified_gmt'] ),
		'discount_total'       => '0.00',
		'discount_tax'         => '0.00',
		'shipping_total'       => wc_standin_money( $o['shipping_total'] ),
		'shipping_tax'         => '0.00',
		'cart_tax'             => '0.00',
		'total'                => wc_standin_money( $subtotal + $o['shipping_total'] ),
		'total_tax'            => '0.00',
		'customer_id'          => $o['customer_id'],
		'order_key'            => $o['order_key'],
		'billing'              => $o['billing'],
		'shipping'             => $o['shipping'],
		'payment_method'       => $o['payment_method'],
		'payment_method_title' => $o['payment_method_title'],
		'transaction_id'       => '',
		'customer_ip_address'  => '',
		'customer_user_agent'  => '',
		'created_via'          => 'checkout',
		'customer_note'        => '',
		'date_completed'       => wc_standin_local( $o['date_completed_gmt'] ),
		'date_paid'            => wc_standin_local( $o['date_paid_gmt'] ),
		'cart_hash'            => '',
		'number'               => (string) $o['id'],
		'meta_data'            => array(),
		'line_items'           => $items,
		'tax_lines'            => array(),
		'shipping_lines'       => array(),
		'fee_lines'            => array(),
		'coupon_lines'         => array(),
		'refunds'              => $o['refunds'],
		'payment_url'          => home_url( '/checkout/order-pay/' . $o['id'] . '/?pay_for_order=true&key=' . $o['order_key'] ),
		'is_editable'          => in_array( $o['status'], array( 'pending', 'on-hold' ), true ),
		'needs_payment'        => 'pending' === $o['status'],
		'needs_processing'     => true,
		'date_created_gmt'     => wc_standin_iso( $o['date_created_gmt'] ),
		'date_modified_gmt'    => wc_standin_iso( $o['date_modified_gmt'] ),
		'date_completed_gmt'   => wc_standin_iso( $o['date_completed_gmt'] ),
		'date_paid_gmt'        => wc_standin_iso( $o['date_paid_gmt'] ),
		'currency_symbol'      => 'EUR' === $o['currency'] ? '€' : '$',
		'_links'               => array(
			'self'       => array( array( 'href' => $base . '/' . $o['id'] ) ),
			'collection' => array( array( 'href' => $base ) ),
		) + ( $o['customer_id'] ? array( 'customer' => array( array( 'href' => rest_url( 'wc/v3/customers/' . $o['customer_id'] ) ) ) ) : array() ),
	);
}

/** The customer as /wc/v3/customers/{id} returns it; meta_data only when the current user is an administrator. */
function wc_standin_customer_payload( WP_User $user ) {
	$billing  = array();
	$shipping = array();
	foreach ( array_keys( wc_standin_address( array(), true ) ) as $k ) {
		$billing[ $k ] = (string) get_user_meta( $user->ID, 'billing_' . $k, true );
		if ( 'email' !== $k ) {
			$shipping[ $k ] = (string) get_user_meta( $user->ID, 'shipping_' . $k, true );
		}
	}
	$registered = $user->user_registered;
	$out        = array(
		'id'                 => $user->ID,
		'date_created'       => wc_standin_local( $registered ),
		'date_created_gmt'   => wc_standin_iso( $registered ),
		'date_modified'      => wc_standin_local( $registered ),
		'date_modified_gmt'  => wc_standin_iso( $registered ),
		'email'              => $user->user_email,
		'first_name'         => (string) $user->first_name,
		'last_name'          => (string) $user->last_name,
		'role'               => (string) ( $user->roles ? reset( $user->roles ) : '' ),
		'username'           => $user->user_login,
		'billing'            => $billing,
		'shipping'           => $shipping,
		'is_paying_customer' => false,
		'avatar_url'         => (string) get_avatar_url( $user->ID ),
	);
	if ( in_array( 'administrator', (array) wp_get_current_user()->roles, true ) ) {
		$out['meta_data'] = array();
	}
	$out['_links'] = array(
		'self'       => array( array( 'href' => rest_url( 'wc/v3/customers/' . $user->ID ) ) ),
		'collection' => array( array( 'href' => rest_url( 'wc/v3/customers' ) ) ),
	);
	return $out;
}

function wc_standin_register_routes() {
	$cannot_view = static fn() => new WP_Error( 'woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.', array( 'status' => rest_authorization_required_code() ) );
	register_rest_route(
		'wc/v3',
		'/orders/(?P<id>[\d]+)',
		array(
			'methods'             => 'GET',
			'permission_callback' => static fn() => current_user_can( 'read_private_shop_orders' ) ? true : $cannot_view(),
			'callback'            => static function ( WP_REST_Request $r ) {
				$order = wc_standin_get_order( (int) $r['id'] );
				return null === $order ? new WP_Error( 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.', array( 'status' => 404 ) ) : rest_ensure_response( wc_standin_order_payload( $order ) );
			},
		)
	);
	register_rest_route(
		'wc/v3',
		'/customers/(?P<id>[\d]+)',
		array(
			'methods'             => 'GET',
			'permission_callback' => static fn() => current_user_can( 'list_users' ) ? true : $cannot_view(),
			'callback'            => static function ( WP_REST_Request $r ) {
				$user = get_userdata( (int) $r['id'] );
				return false === $user ? new WP_Error( 'woocommerce_rest_invalid_id', 'Invalid resource ID.', array( 'status' => 404 ) ) : rest_ensure_response( wc_standin_customer_payload( $user ) );
			},
		)
	);
	$admin = static fn() => current_user_can( 'manage_woocommerce' );
	$sent  = static function ( $before ) {
		$log = get_option( 'wc_standin_webhook_deliveries', array() );
		return array_map(
			static fn( $d ) => array(
				'webhookId' => $d['webhook_id'],
				'topic'     => $d['topic'],
				'code'      => $d['code'],
				'error'     => $d['error'],
			),
			array_slice( is_array( $log ) ? $log : array(), $before )
		);
	};
	$count = static fn() => count( (array) get_option( 'wc_standin_webhook_deliveries', array() ) );
	register_rest_route(
		'wc-standin/v1',
		'/orders',
		array(
			'methods'             => 'POST',
			'permission_callback' => $admin,
			'callback'            => static function ( WP_REST_Request $r ) use ( $sent, $count ) {
				$before = $count();
				$id     = wc_standin_create_order( (array) $r->get_json_params() );
				return array(
					'id'         => $id,
					'deliveries' => $sent( $before ),
				);
			},
		)
	);
	register_rest_route(
		'wc-standin/v1',
		'/orders/(?P<id>[\d]+)',
		array(
			'methods'             => 'POST',
			'permission_callback' => $admin,
			'callback'            => static function ( WP_REST_Request $r ) use ( $sent, $count ) {
				$before = $count();
				$body   = (array) $r->get_json_params();
				$action = (string) ( $body['action'] ?? 'update' );
				$ok     = 'trash' === $action ? wc_standin_trash_order( (int) $r['id'] ) : ( 'untrash' === $action ? wc_standin_untrash_order( (int) $r['id'] ) : wc_standin_update_order( (int) $r['id'], $body ) );
				return $ok ? array(
					'id'         => (int) $r['id'],
					'deliveries' => $sent( $before ),
				) : new WP_Error( 'not_found', 'No such order.', array( 'status' => 404 ) );
			},
		)
	);
	register_rest_route(
		'wc-standin/v1',
		'/customers',
		array(
			'methods'             => 'POST',
			'permission_callback' => $admin,
			'callback'            => static function ( WP_REST_Request $r ) use ( $sent, $count ) {
				$before = $count();
				$id     = wc_standin_create_customer( (array) $r->get_json_params() );
				return is_wp_error( $id ) ? $id : array(
					'id'         => $id,
					'deliveries' => $sent( $before ),
				);
			},
		)
	);
}

/** WooCommerce 10.0.2's order statuses (wc-checkout-draft is among them, as the block checkout registers it). */
function wc_get_order_statuses() {
	return array(
		'wc-pending'        => 'Pending payment',
		'wc-processing'     => 'Processing',
		'wc-on-hold'        => 'On hold',
		'wc-completed'      => 'Completed',
		'wc-cancelled'      => 'Cancelled',
		'wc-refunded'       => 'Refunded',
		'wc-failed'         => 'Failed',
		'wc-checkout-draft' => 'Draft',
	);
}

/**
 * wc_get_orders as far as the plugin calls it: type shop_order, status (wc- prefixed list), date_modified '>=<unix
 * time>' (compared with the GMT modified time), orderby 'modified ID' ascending, limit, offset, return ids, paginate
 * (an object with orders, total and max_num_pages, as WooCommerce answers).
 */
function wc_get_orders( $args ) {
	$statuses = array_map( static fn( $s ) => preg_replace( '/^wc-/', '', (string) $s ), (array) ( $args['status'] ?? array_keys( wc_get_order_statuses() ) ) );
	$since    = null;
	if ( isset( $args['date_modified'] ) && preg_match( '/^>=(\d+)$/', (string) $args['date_modified'], $m ) ) {
		$since = (int) $m[1];
	}
	$rows = array();
	foreach ( wc_standin_orders() as $o ) {
		$ts = (int) strtotime( $o['date_modified_gmt'] . ' UTC' );
		if ( in_array( $o['status'], $statuses, true ) && ( null === $since || $ts >= $since ) ) {
			$rows[] = array( $ts, (int) $o['id'] );
		}
	}
	usort( $rows, static fn( $a, $b ) => $a[0] <=> $b[0] ?: $a[1] <=> $b[1] );
	$total  = count( $rows );
	$limit  = (int) ( $args['limit'] ?? 10 );
	$offset = (int) ( $args['offset'] ?? 0 );
	$ids    = array_map( static fn( $r ) => $r[1], array_slice( $rows, $offset, $limit < 0 ? null : $limit ) );
	$orders = 'ids' === ( $args['return'] ?? 'objects' ) ? $ids : array_map( 'wc_standin_get_order', $ids );
	if ( ! empty( $args['paginate'] ) ) {
		return (object) array( 'orders' => $orders, 'total' => $total, 'max_num_pages' => $limit > 0 ? (int) ceil( $total / $limit ) : 1 );
	}
	return $orders;
}
