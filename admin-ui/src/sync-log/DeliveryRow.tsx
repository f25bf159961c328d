/** One line of the sync log, with its actions and its expandable details. */
import { Button } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { DeliveryStatusBadge } from '../shared/StatusBadge';
import { absoluteTime, relativeTime } from '../shared/time';
import type { Delivery } from '../types';
import { DeliveryDetails } from './DeliveryDetails';
import { KlaviyoError } from './KlaviyoError';
import { targetLabel } from './labels';

export const COLUMNS = 7;

interface Props {
	delivery: Delivery;
	now: number;
	replaying: boolean;
	onReplay: ( id: string ) => void;
}

export function DeliveryRow( {
	delivery: d,
	now,
	replaying,
	onReplay,
}: Props ) {
	const [ open, setOpen ] = useState( false );
	const detailsId = `wck-delivery-${ d.id }-details`;
	return (
		<>
			<tr data-delivery-id={ d.id } data-status={ d.status }>
				<td>
					<time
						dateTime={ d.receivedAt }
						title={ absoluteTime( d.receivedAt ) }
					>
						{ relativeTime( d.receivedAt, now ) }
					</time>
				</td>
				<td>
					<code>{ d.topic ?? '—' }</code>
				</td>
				<td>{ targetLabel( d ) }</td>
				<td>{ d.email ?? '—' }</td>
				<td>
					<DeliveryStatusBadge status={ d.status } />
				</td>
				<td>
					<KlaviyoError delivery={ d } />
				</td>
				<td style={ { whiteSpace: 'nowrap' } }>
					<Button
						variant="tertiary"
						size="compact"
						aria-expanded={ open }
						aria-controls={ detailsId }
						onClick={ () => setOpen( ! open ) }
					>
						{ open
							? __( 'Hide details', 'wc-klaviyo-sync' )
							: __( 'Details', 'wc-klaviyo-sync' ) }
					</Button>
					{ d.status === 'dead' && (
						<Button
							variant="secondary"
							size="compact"
							isBusy={ replaying }
							disabled={ replaying }
							onClick={ () => onReplay( d.id ) }
						>
							{ __( 'Replay', 'wc-klaviyo-sync' ) }
						</Button>
					) }
				</td>
			</tr>
			{ open && (
				<tr id={ detailsId } className="wck-details-row">
					<td colSpan={ COLUMNS }>
						<DeliveryDetails id={ d.id } />
					</td>
				</tr>
			) }
		</>
	);
}
