<?php
/**
 * Plugin Name: Klaviyo Sync test harness: request cost
 * Description: Harness-only. A request that carries `X-Wck-Cost: <label>` appends one JSON line to
 * wp-content/wck-cost.log when it ends: its wall time (from REQUEST_TIME_FLOAT), the CPU time this PHP process spent
 * on it from here on (user + system, from getrusage: unlike wall time it does not grow when other processes load the
 * machine), the number of database queries, and the write queries (INSERT, UPDATE, DELETE, REPLACE) with what they
 * wrote to. With `X-Wck-Cost-Queries: 1` it also lists every query, numbers and quoted strings replaced by `?`.
 * CheckoutCostTest compares these with the plugin active and inactive.
 */

$wck_cost_label = isset( $_SERVER['HTTP_X_WCK_COST'] ) ? preg_replace( '/[^a-z0-9_-]/i', '', (string) $_SERVER['HTTP_X_WCK_COST'] ) : '';
if ( '' !== $wck_cost_label ) {
	$GLOBALS['wck_cost'] = array(
		'label'   => $wck_cost_label,
		'cpu0'    => getrusage(),
		'queries' => 0,
		'writes'  => array(),
		'list'    => isset( $_SERVER['HTTP_X_WCK_COST_QUERIES'] ) ? array() : null,
	);
	add_filter(
		'query',
		static function ( $query ) {
			++$GLOBALS['wck_cost']['queries'];
			if ( is_array( $GLOBALS['wck_cost']['list'] ) ) {
				// Names (of options, transients) stay readable; other strings and numbers become `?`.
				$shape = preg_replace_callback( "/'((?:[^'\\\\]|\\\\.)*)'/", static fn ( $m ) => 1 === preg_match( '/^[a-z_][a-z0-9_]{2,80}$/', $m[1] ) && 1 !== preg_match( '/[a-z0-9]{20,}/i', $m[1] ) ? "'" . $m[1] . "'" : '?', (string) $query );
				$GLOBALS['wck_cost']['list'][] = substr( (string) preg_replace( array( '/\b\d+\b/', '/\s+/' ), array( '?', ' ' ), (string) $shape ), 0, 160 );
			}
			if ( preg_match( '/^\s*(?:(INSERT|REPLACE)\s+(?:IGNORE\s+)?INTO|(UPDATE)|(DELETE)\s+FROM)\s+`?(\w+)`?/i', (string) $query, $m ) ) {
				$what = strtoupper( $m[1] . $m[2] . $m[3] ) . ' ' . $m[4];
				if ( str_ends_with( $m[4], 'options' ) && preg_match( "/(?:option_name`?\s*=\s*|option_name`?\s+IN\s*\(\s*|VALUES\s*\(\s*)'([a-z0-9_]+)/i", (string) $query, $o ) ) {
					$what .= ':' . preg_replace( '/_[a-z0-9]{20,}$/i', '_*', $o[1] );
				}
				$GLOBALS['wck_cost']['writes'][] = $what;
			}
			return $query;
		},
		PHP_INT_MAX
	);
	register_shutdown_function(
		static function () {
			$c   = $GLOBALS['wck_cost'];
			$now = getrusage();
			$cpu = static fn ( array $r ): float => $r['ru_utime.tv_sec'] * 1000 + $r['ru_utime.tv_usec'] / 1000 + $r['ru_stime.tv_sec'] * 1000 + $r['ru_stime.tv_usec'] / 1000;
			$line = array(
				'label'   => $c['label'],
				'uri'     => isset( $_SERVER['REQUEST_URI'] ) ? (string) $_SERVER['REQUEST_URI'] : '',
				'wallMs'  => round( ( microtime( true ) - (float) $_SERVER['REQUEST_TIME_FLOAT'] ) * 1000, 2 ),
				'cpuMs'   => round( $cpu( $now ) - $cpu( $c['cpu0'] ), 2 ),
				'queries' => $c['queries'],
				'writes'  => $c['writes'],
			);
			if ( is_array( $c['list'] ) ) {
				$line['list'] = $c['list'];
			}
			file_put_contents( WP_CONTENT_DIR . '/wck-cost.log', wp_json_encode( $line ) . "\n", FILE_APPEND | LOCK_EX );
		}
	);
}
