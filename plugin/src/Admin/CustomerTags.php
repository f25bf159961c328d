<?php
/**
 * The customer tags Klaviyo flows set, as a column of the Users screen, filterable.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Admin;

use WcKlaviyoSync\Flows\FlowActions;
use WP_User_Query;

defined( 'ABSPATH' ) || exit;

/**
 * A "Klaviyo tags" column on Users (users.php), each tag a link that filters the list to the users with it
 * (`users.php?wck_tag=VIP`). WooCommerce → Customers (the wc-admin React report) shows and filters them too, see
 * CustomersReport. Only for users with manage_woocommerce.
 */
final class CustomerTags {

	/**
	 * Adds the hooks.
	 */
	public function register(): void {
		add_filter( 'manage_users_columns', array( $this, 'columns' ) );
		add_filter( 'manage_users_custom_column', array( $this, 'cell' ), 10, 3 );
		add_action( 'pre_get_users', array( $this, 'filter' ) );
	}

	/**
	 * The column.
	 *
	 * @param array<string, string> $columns Columns.
	 * @return array<string, string>
	 */
	public function columns( array $columns ): array {
		if ( current_user_can( 'manage_woocommerce' ) ) {
			$columns['wck_tags'] = __( 'Klaviyo tags', 'wc-klaviyo-sync' );
		}
		return $columns;
	}

	/**
	 * The cell: each tag, escaped, as a filter link.
	 *
	 * @param string $output  Output so far.
	 * @param string $column  Column.
	 * @param int    $user_id User.
	 */
	public function cell( $output, $column, $user_id ): string {
		if ( 'wck_tags' !== $column ) {
			return (string) $output;
		}
		$links = array();
		foreach ( (array) get_user_meta( (int) $user_id, FlowActions::TAG_META, false ) as $tag ) {
			$tag     = (string) $tag;
			$links[] = sprintf( '<a class="wck-tag" href="%s">%s</a>', esc_url( add_query_arg( 'wck_tag', rawurlencode( $tag ), admin_url( 'users.php' ) ) ), esc_html( $tag ) );
		}
		return implode( ', ', $links );
	}

	/**
	 * `users.php?wck_tag=…` lists only the users with that tag.
	 *
	 * @param WP_User_Query $query Query.
	 */
	public function filter( WP_User_Query $query ): void {
		if ( ! is_admin() || ! isset( $_GET['wck_tag'] ) || ! current_user_can( 'manage_woocommerce' ) ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended
			return;
		}
		global $pagenow;
		if ( 'users.php' !== $pagenow ) {
			return;
		}
		$tag = sanitize_text_field( wp_unslash( (string) $_GET['wck_tag'] ) ); // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		if ( '' === $tag ) {
			return;
		}
		$query->set( 'meta_key', FlowActions::TAG_META );
		$query->set( 'meta_value', $tag );
	}
}
