/** One delivery in full: what arrived from WooCommerce and what was sent to Klaviyo. Everything as text. */
import { Notice } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { getDelivery } from '../shared/api';
import { describeError } from '../shared/errors';
import { JsonBlock } from '../shared/JsonBlock';
import { Loading } from '../shared/notices';
import type { DeliveryDetail, DeliveryRequest } from '../types';

function requestTitle( r: DeliveryRequest ): string {
	const what =
		r.kind === 'event'
			? /* translators: %s: Klaviyo metric name, e.g. Placed Order */
				sprintf( __( 'Event "%s"', 'wc-klaviyo-sync' ), r.metric ?? '' )
			: __( 'Profile', 'wc-klaviyo-sync' );
	return sprintf(
		/* translators: 1: request kind, 2: job state, 3: attempts, 4: HTTP status */
		__(
			'%1$s — %2$s after %3$d attempt(s), Klaviyo answered %4$s',
			'wc-klaviyo-sync'
		),
		what,
		r.status,
		r.attempts,
		r.responseStatus === null ? '—' : String( r.responseStatus )
	);
}

export function DeliveryDetailsView( { detail }: { detail: DeliveryDetail } ) {
	const arrived =
		detail.payload !== undefined ? detail.payload : detail.rawBody;
	return (
		<div className="wck-delivery-details">
			{ detail.headers && Object.keys( detail.headers ).length > 0 && (
				<>
					<h4>{ __( 'Headers', 'wc-klaviyo-sync' ) }</h4>
					<JsonBlock
						value={ detail.headers }
						label={ __( 'Headers', 'wc-klaviyo-sync' ) }
					/>
				</>
			) }
			<h4>{ __( 'What WooCommerce sent', 'wc-klaviyo-sync' ) }</h4>
			{ detail.payload === undefined && detail.rawBody !== undefined && (
				<p>
					{ __(
						'The body was not valid JSON; it is shown as received.',
						'wc-klaviyo-sync'
					) }
				</p>
			) }
			<JsonBlock
				value={ arrived }
				label={ __( 'What WooCommerce sent', 'wc-klaviyo-sync' ) }
			/>
			<h4>{ __( 'What was sent to Klaviyo', 'wc-klaviyo-sync' ) }</h4>
			{ detail.requests.length === 0 ? (
				<p>
					{ detail.note ??
						__(
							'Nothing was sent to Klaviyo for this delivery.',
							'wc-klaviyo-sync'
						) }
				</p>
			) : (
				detail.requests.map( ( r ) => (
					<div key={ r.key } className="wck-request">
						<p>
							<strong>{ requestTitle( r ) }</strong>
							{ r.error && (
								<>
									<br />
									{ r.error }
								</>
							) }
						</p>
						<JsonBlock
							value={ r.body }
							label={ sprintf(
								/* translators: %s: idempotency key of the request */
								__(
									'Request %s sent to Klaviyo',
									'wc-klaviyo-sync'
								),
								r.key
							) }
						/>
					</div>
				) )
			) }
		</div>
	);
}

export function DeliveryDetails( { id }: { id: string } ) {
	const [ detail, setDetail ] = useState< DeliveryDetail | null >( null );
	const [ error, setError ] = useState< string | null >( null );

	useEffect( () => {
		let live = true;
		getDelivery( id ).then(
			( d ) => live && setDetail( d ),
			( e ) => live && setError( describeError( e ).message )
		);
		return () => {
			live = false;
		};
	}, [ id ] );

	if ( error ) {
		return (
			<Notice status="error" isDismissible={ false }>
				{ error }
			</Notice>
		);
	}
	if ( ! detail ) {
		return (
			<Loading>
				{ __( 'Loading the delivery…', 'wc-klaviyo-sync' ) }
			</Loading>
		);
	}
	return <DeliveryDetailsView detail={ detail } />;
}
