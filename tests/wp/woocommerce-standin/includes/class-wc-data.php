<?php
/**
 * Stand-in for WooCommerce's WC_Data (only what WC_Webhook uses): props, changes, save(), delete().
 *
 * @package WooCommerceStandin
 */

defined( 'ABSPATH' ) || exit;

abstract class WC_Data {
	protected $id          = 0;
	protected $data        = array();
	protected $changes     = array();
	protected $object_read = false;
	protected $object_type = 'data';
	protected $data_store;

	public function __construct( $read = 0 ) {
	}

	public function get_id() {
		return $this->id;
	}

	public function set_id( $id ) {
		$this->id = absint( $id );
	}

	public function get_data_store() {
		return $this->data_store;
	}

	public function set_object_read( $read = true ) {
		$this->object_read = (bool) $read;
	}

	public function get_object_read() {
		return (bool) $this->object_read;
	}

	public function get_changes() {
		return $this->changes;
	}

	public function apply_changes() {
		$this->data    = array_replace( $this->data, $this->changes );
		$this->changes = array();
	}

	protected function get_hook_prefix() {
		return 'woocommerce_' . $this->object_type . '_get_';
	}

	public function set_props( $props ) {
		foreach ( $props as $prop => $value ) {
			$setter = "set_$prop";
			if ( is_callable( array( $this, $setter ) ) ) {
				$this->{$setter}( $value );
			}
		}
		return true;
	}

	protected function set_prop( $prop, $value ) {
		if ( array_key_exists( $prop, $this->data ) ) {
			if ( true === $this->object_read ) {
				if ( $value !== $this->data[ $prop ] || array_key_exists( $prop, $this->changes ) ) {
					$this->changes[ $prop ] = $value;
				}
			} else {
				$this->data[ $prop ] = $value;
			}
		}
	}

	protected function get_prop( $prop, $context = 'view' ) {
		$value = null;
		if ( array_key_exists( $prop, $this->data ) ) {
			$value = array_key_exists( $prop, $this->changes ) ? $this->changes[ $prop ] : $this->data[ $prop ];
			if ( 'view' === $context ) {
				$value = apply_filters( $this->get_hook_prefix() . $prop, $value, $this );
			}
		}
		return $value;
	}

	public function save() {
		if ( ! $this->data_store ) {
			return $this->get_id();
		}
		do_action( 'woocommerce_before_' . $this->object_type . '_object_save', $this, $this->data_store );
		if ( $this->get_id() ) {
			$this->data_store->update( $this );
		} else {
			$this->data_store->create( $this );
		}
		do_action( 'woocommerce_after_' . $this->object_type . '_object_save', $this, $this->data_store );
		return $this->get_id();
	}

	public function delete( $force_delete = false ) {
		if ( $this->data_store ) {
			$this->data_store->delete( $this, array( 'force_delete' => $force_delete ) );
			$this->set_id( 0 );
			return true;
		}
		return false;
	}
}

/**
 * Stand-in for WC_Data_Store::load(): only the webhook store exists.
 */
class WC_Data_Store {
	public static function load( $object_type ) {
		if ( 'webhook' !== $object_type ) {
			throw new Exception( 'Invalid data store.' );
		}
		return new WC_Webhook_Data_Store();
	}
}
