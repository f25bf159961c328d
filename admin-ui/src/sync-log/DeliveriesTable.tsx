/** The sync log table, newest first. */
import { __ } from '@wordpress/i18n';
import type { Delivery } from '../types';
import { DeliveryRow } from './DeliveryRow';

interface Props {
	items: Delivery[];
	now: number;
	replayingId: string | null;
	onReplay: ( id: string ) => void;
	filtered: boolean;
}

export function DeliveriesTable( {
	items,
	now,
	replayingId,
	onReplay,
	filtered,
}: Props ) {
	return (
		<table className="widefat striped wck-deliveries">
			<caption className="screen-reader-text">
				{ __( 'Deliveries, newest first', 'wc-klaviyo-sync' ) }
			</caption>
			<thead>
				<tr>
					<th scope="col">{ __( 'Time', 'wc-klaviyo-sync' ) }</th>
					<th scope="col">{ __( 'Topic', 'wc-klaviyo-sync' ) }</th>
					<th scope="col">
						{ __( 'Order or customer', 'wc-klaviyo-sync' ) }
					</th>
					<th scope="col">{ __( 'Email', 'wc-klaviyo-sync' ) }</th>
					<th scope="col">{ __( 'Outcome', 'wc-klaviyo-sync' ) }</th>
					<th scope="col">
						{ __( 'Klaviyo error or note', 'wc-klaviyo-sync' ) }
					</th>
					<th scope="col">{ __( 'Actions', 'wc-klaviyo-sync' ) }</th>
				</tr>
			</thead>
			<tbody>
				{ items.length === 0 ? (
					<tr>
						<td colSpan={ 7 }>
							{ filtered
								? __(
										'No deliveries match these filters.',
										'wc-klaviyo-sync'
									)
								: __(
										'No deliveries yet. They appear here as WooCommerce sends orders and customers.',
										'wc-klaviyo-sync'
									) }
						</td>
					</tr>
				) : (
					items.map( ( d ) => (
						<DeliveryRow
							key={ d.id }
							delivery={ d }
							now={ now }
							replaying={ replayingId === d.id }
							onReplay={ onReplay }
						/>
					) )
				) }
			</tbody>
		</table>
	);
}
