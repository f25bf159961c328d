<?php
/**
 * Action Scheduler, as far as the plugin calls it (WooCommerce 10.0.2 bundles Action Scheduler 3.9): async and
 * single actions in a group, stored until a queue run does them in the order they are due; an action that throws
 * is marked failed (Action Scheduler does not run it again by itself). Actions are kept in the option
 * `wc_standin_actions` instead of Action Scheduler's tables.
 *
 * @package WooCommerceStandin
 */

defined( 'ABSPATH' ) || exit;

/** Every stored action: id => { hook, args, group, at (UTC seconds), status: pending|in-progress|complete|failed }. */
function wc_standin_actions() {
	wp_cache_delete( 'wc_standin_actions', 'options' );
	$actions = get_option( 'wc_standin_actions', array() );
	return is_array( $actions ) ? $actions : array();
}

function wc_standin_store_action( $timestamp, $hook, $args, $group ) {
	$actions = wc_standin_actions();
	$id      = $actions ? max( array_keys( $actions ) ) + 1 : 1;
	$json    = wp_json_encode( array_values( (array) $args ) );
	if ( strlen( (string) $json ) > 8000 ) {
		// As Action Scheduler's validate_args().
		throw new InvalidArgumentException( 'ActionScheduler_Action::$args too long. To ensure the args column can be indexed, action args should not be more than 8000 characters when encoded as JSON.' );
	}
	$actions[ $id ] = array( 'hook' => (string) $hook, 'args' => array_values( (array) $args ), 'group' => (string) $group, 'at' => (int) $timestamp, 'status' => 'pending' );
	update_option( 'wc_standin_actions', $actions, false );
	return $id;
}

function as_enqueue_async_action( $hook, $args = array(), $group = '', $unique = false, $priority = 10 ) {
	return wc_standin_store_action( time(), $hook, $args, $group );
}

function as_schedule_single_action( $timestamp, $hook, $args = array(), $group = '', $unique = false, $priority = 10 ) {
	return wc_standin_store_action( $timestamp, $hook, $args, $group );
}

function as_next_scheduled_action( $hook, $args = null, $group = '' ) {
	$next = false;
	foreach ( wc_standin_actions() as $action ) {
		if ( $action['hook'] === $hook && 'pending' === $action['status'] && ( '' === $group || $action['group'] === $group ) && ( null === $args || $action['args'] === array_values( (array) $args ) ) ) {
			$next = false === $next ? $action['at'] : min( $next, $action['at'] );
		}
	}
	return $next;
}

/** The queue runner: `ActionScheduler_QueueRunner::instance()->run()` does every due pending action, oldest first. */
class ActionScheduler_QueueRunner {
	private static $instance = null;

	public static function instance() {
		if ( null === self::$instance ) {
			self::$instance = new self();
		}
		return self::$instance;
	}

	public function run( $context = '' ) {
		$done = 0;
		$due  = array_filter( wc_standin_actions(), static fn ( $a ) => 'pending' === $a['status'] && $a['at'] <= time() );
		uasort( $due, static fn ( $a, $b ) => $a['at'] <=> $b['at'] );
		foreach ( array_keys( $due ) as $id ) {
			$actions = wc_standin_actions();
			if ( 'pending' !== ( $actions[ $id ]['status'] ?? '' ) ) {
				continue;
			}
			$actions[ $id ]['status'] = 'in-progress';
			update_option( 'wc_standin_actions', $actions, false );
			try {
				do_action_ref_array( $actions[ $id ]['hook'], $actions[ $id ]['args'] );
				$status = 'complete';
			} catch ( Throwable $e ) {
				$status = 'failed';
			}
			$actions                  = wc_standin_actions();
			$actions[ $id ]['status'] = $status;
			update_option( 'wc_standin_actions', $actions, false );
			++$done;
		}
		return $done;
	}
}
