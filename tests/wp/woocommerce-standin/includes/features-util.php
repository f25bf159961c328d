<?php
/**
 * Stand-in for Automattic\WooCommerce\Utilities\FeaturesUtil: compatibility declarations, only inside
 * before_woocommerce_init (as WooCommerce 10.0.2 enforces).
 *
 * @package WooCommerceStandin
 */

namespace Automattic\WooCommerce\Utilities;

defined( 'ABSPATH' ) || exit;

class FeaturesUtil {
	private static $by_plugin  = array();
	private static $by_feature = array();

	public static function declare_compatibility( string $feature_id, string $plugin_file, bool $positive_compatibility = true ): bool {
		if ( ! doing_action( 'before_woocommerce_init' ) ) {
			_doing_it_wrong( __METHOD__, 'FeaturesUtil::declare_compatibility should be called inside the before_woocommerce_init action.', '7.0' );
			return false;
		}
		if ( ! in_array( $feature_id, array( 'custom_order_tables', 'cart_checkout_blocks', 'analytics', 'new_navigation', 'product_block_editor', 'cost_of_goods_sold' ), true ) ) {
			return false;
		}
		$plugin = plugin_basename( $plugin_file );
		if ( ! file_exists( WP_PLUGIN_DIR . '/' . $plugin ) ) {
			return false;
		}
		$key = $positive_compatibility ? 'compatible' : 'incompatible';
		if ( ! in_array( $feature_id, self::$by_plugin[ $plugin ][ $key ] ?? array(), true ) ) {
			self::$by_plugin[ $plugin ][ $key ][] = $feature_id;
		}
		if ( ! in_array( $plugin, self::$by_feature[ $feature_id ][ $key ] ?? array(), true ) ) {
			self::$by_feature[ $feature_id ][ $key ][] = $plugin;
		}
		return true;
	}

	public static function get_compatible_features_for_plugin( string $plugin_name ): array {
		return array_merge(
			array(
				'compatible'   => array(),
				'incompatible' => array(),
				'uncertain'    => array(),
			),
			self::$by_plugin[ $plugin_name ] ?? array()
		);
	}

	public static function get_compatible_plugins_for_feature( string $feature_id ): array {
		return array_merge(
			array(
				'compatible'   => array(),
				'incompatible' => array(),
				'uncertain'    => array(),
			),
			self::$by_feature[ $feature_id ] ?? array()
		);
	}
}
