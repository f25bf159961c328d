<?php
/**
 * Products, as far as the plugin reads them on a product page: wc_get_product() with its id, type, status, stock
 * status and a variable product's variations. Kept in the option `wc_standin_products` (id => fields) by
 * wc_standin_put_product(); there is no product post type, no price and no webhook for them in the stand-in.
 *
 * @package WooCommerceStandin
 */

defined( 'ABSPATH' ) || exit;

/** A product of the stand-in. */
class WC_Standin_Product {
	private $data;

	public function __construct( array $data ) {
		$this->data = $data + array( 'type' => 'simple', 'status' => 'publish', 'stock_status' => 'instock', 'children' => array(), 'parent_id' => 0 );
	}

	public function get_id() {
		return (int) $this->data['id'];
	}

	public function get_type() {
		return (string) $this->data['type'];
	}

	public function get_status() {
		return (string) $this->data['status'];
	}

	public function get_parent_id() {
		return (int) $this->data['parent_id'];
	}

	public function get_children() {
		return array_map( 'intval', (array) $this->data['children'] );
	}

	public function is_in_stock() {
		return 'outofstock' !== $this->data['stock_status'];
	}
}

/** Stores (replaces) a product: { id, type?, status?, stock_status?, children?, parent_id? }. */
function wc_standin_put_product( array $data ) {
	$all                        = get_option( 'wc_standin_products', array() );
	$all[ (int) $data['id'] ]   = $data;
	update_option( 'wc_standin_products', $all, false );
}

function wc_get_product( $id = false ) {
	wp_cache_delete( 'wc_standin_products', 'options' );
	$all = get_option( 'wc_standin_products', array() );
	return isset( $all[ (int) $id ] ) ? new WC_Standin_Product( $all[ (int) $id ] ) : false;
}
