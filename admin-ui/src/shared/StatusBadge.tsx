/** A coloured label for a delivery or webhook state; the word itself carries the meaning. */
import { __ } from '@wordpress/i18n';
import type { DeliveryStatus, WebhookStatus } from '../types';

type Tone = 'good' | 'bad' | 'warn' | 'neutral';

const TONES: Record< Tone, { background: string; color: string } > = {
	good: { background: '#edfaef', color: '#005c12' },
	bad: { background: '#fcf0f1', color: '#8a2424' },
	warn: { background: '#fcf9e8', color: '#614200' },
	neutral: { background: '#f0f0f1', color: '#3c434a' },
};

export function deliveryStatusLabel( status: DeliveryStatus ): string {
	switch ( status ) {
		case 'succeeded':
			return __( 'Sent', 'wc-klaviyo-sync' );
		case 'skipped':
			return __( 'Nothing to send', 'wc-klaviyo-sync' );
		case 'duplicate':
			return __( 'Duplicate', 'wc-klaviyo-sync' );
		case 'pending':
			return __( 'Waiting', 'wc-klaviyo-sync' );
		case 'retrying':
			return __( 'Retrying', 'wc-klaviyo-sync' );
		case 'paused':
			return __( 'Paused', 'wc-klaviyo-sync' );
		case 'dead':
			return __( 'Failed', 'wc-klaviyo-sync' );
		case 'rejected':
			return __( 'Rejected', 'wc-klaviyo-sync' );
		case 'held':
			return __( 'Held (another site)', 'wc-klaviyo-sync' );
		case 'discarded':
			return __( 'Discarded', 'wc-klaviyo-sync' );
	}
	return status;
}

export function webhookStatusLabel( status: WebhookStatus ): string {
	switch ( status ) {
		case 'active':
			return __( 'Active', 'wc-klaviyo-sync' );
		case 'paused':
			return __( 'Paused', 'wc-klaviyo-sync' );
		case 'disabled':
			return __( 'Disabled', 'wc-klaviyo-sync' );
		case 'missing':
			return __( 'Missing', 'wc-klaviyo-sync' );
		case 'not_set_up':
			return __( 'Not set up yet', 'wc-klaviyo-sync' );
	}
	return status;
}

function deliveryTone( status: DeliveryStatus ): Tone {
	switch ( status ) {
		case 'succeeded':
			return 'good';
		case 'dead':
		case 'rejected':
			return 'bad';
		case 'retrying':
		case 'paused':
		case 'held':
			return 'warn';
		default:
			return 'neutral';
	}
}

function webhookTone( status: WebhookStatus ): Tone {
	if ( status === 'active' ) {
		return 'good';
	}
	if ( status === 'not_set_up' ) {
		return 'neutral';
	}
	return status === 'paused' ? 'warn' : 'bad';
}

function Badge( {
	tone,
	label,
	raw,
}: {
	tone: Tone;
	label: string;
	raw: string;
} ) {
	return (
		<span
			className={ `wck-badge wck-badge--${ raw }` }
			data-status={ raw }
			style={ {
				...TONES[ tone ],
				borderRadius: '2px',
				padding: '2px 8px',
				whiteSpace: 'nowrap',
				fontWeight: 500,
			} }
		>
			{ label }
		</span>
	);
}

export function DeliveryStatusBadge( { status }: { status: DeliveryStatus } ) {
	return (
		<Badge
			tone={ deliveryTone( status ) }
			label={ deliveryStatusLabel( status ) }
			raw={ status }
		/>
	);
}

export function WebhookStatusBadge( { status }: { status: WebhookStatus } ) {
	return (
		<Badge
			tone={ webhookTone( status ) }
			label={ webhookStatusLabel( status ) }
			raw={ status }
		/>
	);
}
