<?php
/**
 * Generated from the sidecar's OpenAPI document by `npm run contract -w sidecar`. Do not edit by hand.
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\Contract;

defined( 'ABSPATH' ) || exit;

/**
 * Values of the sidecar's API that the plugin relies on.
 */
final class SidecarContract {

	/**
	 * The statuses of a delivery in the sidecar's sync log, in the order the sidecar lists them.
	 */
	public const DELIVERY_STATUSES = array(
		'rejected',
		'duplicate',
		'skipped',
		'pending',
		'retrying',
		'paused',
		'succeeded',
		'dead',
		'held',
		'discarded',
	);

	/**
	 * The WooCommerce webhook topics the sidecar handles: the plugin owns one webhook for each.
	 */
	public const WEBHOOK_TOPICS = array(
		'order.created',
		'order.updated',
		'order.deleted',
		'order.restored',
		'customer.created',
		'customer.updated',
		'customer.deleted',
		'product.created',
		'product.updated',
		'product.deleted',
		'product.restored',
	);
}
