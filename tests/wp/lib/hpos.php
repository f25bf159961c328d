<?php
// WooCommerce's order storage for a WC=real site, through its own options (run through lib/run.php after activation):
// HPOS=on (the custom order tables are authoritative) or off (the posts table), HPOS_SYNC=on|off (compatibility mode:
// the other storage kept in sync). Unset: as WooCommerce's installer left it. Prints what is in effect.
$wck_hpos = getenv( 'HPOS' );
$wck_sync = getenv( 'HPOS_SYNC' );
if ( ! in_array( (string) $wck_hpos, array( '', 'on', 'off' ), true ) || ! in_array( (string) $wck_sync, array( '', 'on', 'off' ), true ) ) {
	fwrite( STDERR, "HPOS and HPOS_SYNC must be on or off\n" );
	exit( 1 );
}
if ( '' !== (string) $wck_sync ) {
	update_option( 'woocommerce_custom_orders_table_data_sync_enabled', 'on' === $wck_sync ? 'yes' : 'no' );
}
if ( '' !== (string) $wck_hpos ) {
	// WooCommerce's pre-update hook creates the tables when HPOS is switched on (a fresh site has no order to sync).
	update_option( 'woocommerce_custom_orders_table_enabled', 'on' === $wck_hpos ? 'yes' : 'no' );
	if ( ( 'on' === $wck_hpos ) !== ( 'yes' === get_option( 'woocommerce_custom_orders_table_enabled' ) ) ) {
		fwrite( STDERR, "WooCommerce refused to switch HPOS $wck_hpos\n" );
		exit( 1 );
	}
}
fwrite(
	STDERR,
	'WooCommerce order storage: HPOS ' . ( 'yes' === get_option( 'woocommerce_custom_orders_table_enabled' ) ? 'on' : 'off' )
	. ', compatibility mode ' . ( 'yes' === get_option( 'woocommerce_custom_orders_table_data_sync_enabled' ) ? 'on' : 'off' ) . "\n"
);
