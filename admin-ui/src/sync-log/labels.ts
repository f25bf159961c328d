/** Words for the sync log's values. */
import { __, sprintf } from '@wordpress/i18n';
import type { CircuitState, Delivery, KeyStatus } from '../types';

/**
 * "#1042" for an order, "Customer 7" for a customer, "—" when the delivery was not understood.
 * @param d The delivery.
 */
export function targetLabel(
	d: Pick< Delivery, 'resource' | 'resourceId' | 'orderNumber' >
): string {
	if ( d.resource === 'order' ) {
		const n =
			d.orderNumber ??
			( d.resourceId !== null ? String( d.resourceId ) : null );
		return n
			? sprintf(
					/* translators: %s: WooCommerce order number */
					__( 'Order #%s', 'wc-klaviyo-sync' ),
					n.replace( /^#/, '' )
				)
			: __( 'Order', 'wc-klaviyo-sync' );
	}
	if ( d.resource === 'customer' ) {
		return d.resourceId !== null
			? /* translators: %d: WooCommerce customer ID */
				sprintf( __( 'Customer %d', 'wc-klaviyo-sync' ), d.resourceId )
			: __( 'Customer', 'wc-klaviyo-sync' );
	}
	return '—';
}

export function keyStatusLabel( status: KeyStatus ): string {
	switch ( status ) {
		case 'valid':
			return __( 'Valid', 'wc-klaviyo-sync' );
		case 'invalid':
			return __( 'Refused by Klaviyo', 'wc-klaviyo-sync' );
		case 'unverified':
			return __(
				'Not checked yet (Klaviyo unreachable)',
				'wc-klaviyo-sync'
			);
	}
	return status;
}

export function circuitLabel( state: CircuitState ): string {
	switch ( state ) {
		case 'closed':
			return __( 'Normal', 'wc-klaviyo-sync' );
		case 'open':
			return __(
				'Paused: Klaviyo keeps failing, sending waits and retries later',
				'wc-klaviyo-sync'
			);
		case 'half_open':
			return __(
				'Testing whether Klaviyo has recovered',
				'wc-klaviyo-sync'
			);
	}
	return state;
}
