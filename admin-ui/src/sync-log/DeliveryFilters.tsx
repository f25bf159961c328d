/** Filter by state and search by email or order number. */
import { SelectControl, TextControl } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { deliveryStatusLabel } from '../shared/StatusBadge';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../types';

interface Props {
	status: DeliveryStatus | '';
	q: string;
	onStatus: ( status: DeliveryStatus | '' ) => void;
	onQuery: ( q: string ) => void;
}

export function statusOptions() {
	return [
		{ label: __( 'All', 'wc-klaviyo-sync' ), value: '' },
		...DELIVERY_STATUSES.map( ( s ) => ( {
			label: deliveryStatusLabel( s ),
			value: s,
		} ) ),
	];
}

export function isDeliveryStatus( value: string ): value is DeliveryStatus {
	return ( DELIVERY_STATUSES as readonly string[] ).includes( value );
}

export function DeliveryFilters( { status, q, onStatus, onQuery }: Props ) {
	return (
		<div
			className="wck-filters"
			style={ {
				display: 'flex',
				gap: '16px',
				alignItems: 'flex-end',
				flexWrap: 'wrap',
				margin: '16px 0',
			} }
		>
			<div style={ { minWidth: '200px' } }>
				<SelectControl
					label={ __( 'Status', 'wc-klaviyo-sync' ) }
					value={ status }
					options={ statusOptions() }
					onChange={ ( v: string ) =>
						onStatus( isDeliveryStatus( v ) ? v : '' )
					}
					__next40pxDefaultSize
					__nextHasNoMarginBottom
				/>
			</div>
			<div style={ { minWidth: '280px' } }>
				<TextControl
					label={ __( 'Search email or order', 'wc-klaviyo-sync' ) }
					type="search"
					value={ q }
					onChange={ ( v: string ) => onQuery( v ) }
					placeholder={ __(
						'ann@example.com or #1042',
						'wc-klaviyo-sync'
					) }
					__next40pxDefaultSize
					__nextHasNoMarginBottom
				/>
			</div>
		</div>
	);
}
