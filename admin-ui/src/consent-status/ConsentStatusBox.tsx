/**
 * The current Klaviyo email and SMS status of one address, with the consent records the sidecar holds and what
 * it did with each. Fetched after the screen has loaded (GET /consent), so the screen never waits for Klaviyo.
 */
import { Notice, Spinner } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { getConsentStatus } from '../shared/api';
import { describeError } from '../shared/errors';
import { absoluteTime } from '../shared/time';
import type { ConsentStatus, KlaviyoChannelStatus } from '../types';

export function klaviyoStatusName( status: string | null ): string {
	switch ( status ) {
		case 'SUBSCRIBED':
			return __( 'Subscribed', 'wc-klaviyo-sync' );
		case 'UNSUBSCRIBED':
			return __( 'Unsubscribed', 'wc-klaviyo-sync' );
		case 'NEVER_SUBSCRIBED':
			return __( 'Never subscribed', 'wc-klaviyo-sync' );
		case 'SUPPRESSED':
			return __(
				'Suppressed (e.g. a hard bounce or a spam complaint)',
				'wc-klaviyo-sync'
			);
		case null:
			return __( 'Unknown', 'wc-klaviyo-sync' );
		default:
			return status;
	}
}

/**
 * What the sidecar did with a record, in words (the sidecar's outcome values; another value is shown as is).
 * @param outcome The record's outcome.
 */
export function outcomeName( outcome: string | null | undefined ): string {
	switch ( outcome ) {
		case 'queued':
			return __( 'Waiting to be sent', 'wc-klaviyo-sync' );
		case 'subscribed':
			return __( 'Subscribed', 'wc-klaviyo-sync' );
		case 'unsubscribed':
			return __( 'Unsubscribed', 'wc-klaviyo-sync' );
		case 'failed':
			return __( 'Failed', 'wc-klaviyo-sync' );
		case 'not_sent':
			return __( 'Not sent', 'wc-klaviyo-sync' );
		case 'refused':
			return __( 'Refused', 'wc-klaviyo-sync' );
		case 'superseded':
			return __( 'Replaced by a newer record', 'wc-klaviyo-sync' );
		case null:
		case undefined:
			return '—';
		default:
			return outcome;
	}
}

function ChannelLine( {
	name,
	value,
}: {
	name: string;
	value: KlaviyoChannelStatus;
} ) {
	return (
		<li className="wck-klaviyo-channel">
			<strong>{ name }:</strong>{ ' ' }
			<span className="wck-klaviyo-status">
				{ klaviyoStatusName( value.status ) }
			</span>
			{ value.at &&
				' ' +
					sprintf(
						/* translators: %s: date and time */
						__( '(since %s)', 'wc-klaviyo-sync' ),
						absoluteTime( value.at )
					) }
		</li>
	);
}

export function ConsentStatusView( { status }: { status: ConsentStatus } ) {
	return (
		<div className="wck-consent-status-view">
			{ status.klaviyo ? (
				<ul style={ { margin: 0 } }>
					<ChannelLine
						name={ __( 'Email', 'wc-klaviyo-sync' ) }
						value={ status.klaviyo.email }
					/>
					<ChannelLine
						name={ __( 'SMS', 'wc-klaviyo-sync' ) }
						value={ status.klaviyo.sms }
					/>
				</ul>
			) : (
				<p>
					{ status.klaviyoError ??
						__(
							'Klaviyo has no profile for this address yet.',
							'wc-klaviyo-sync'
						) }
				</p>
			) }
			{ status.klaviyo && status.klaviyoError && (
				<p>{ status.klaviyoError }</p>
			) }
			{ status.unsubscribedInKlaviyoAt && (
				<p className="wck-unsubscribed-in-klaviyo">
					{ sprintf(
						/* translators: %s: date and time */
						__(
							'Unsubscribed in Klaviyo on %s.',
							'wc-klaviyo-sync'
						),
						absoluteTime( status.unsubscribedInKlaviyoAt )
					) }
				</p>
			) }
			{ status.records.length > 0 && (
				<table className="widefat striped wck-sidecar-consent-records">
					<thead>
						<tr>
							<th>{ __( 'Channel', 'wc-klaviyo-sync' ) }</th>
							<th>{ __( 'Consent', 'wc-klaviyo-sync' ) }</th>
							<th>{ __( 'When', 'wc-klaviyo-sync' ) }</th>
							<th>
								{ __( 'Sent to Klaviyo', 'wc-klaviyo-sync' ) }
							</th>
						</tr>
					</thead>
					<tbody>
						{ status.records.map( ( r, i ) => (
							<tr key={ i }>
								<td>{ r.channel }</td>
								<td>{ r.status }</td>
								<td>{ absoluteTime( r.at ) }</td>
								<td>
									{ outcomeName( r.outcome ) }
									{ r.detail ? `: ${ r.detail }` : '' }
								</td>
							</tr>
						) ) }
					</tbody>
				</table>
			) }
		</div>
	);
}

export function ConsentStatusBox( { email }: { email: string } ) {
	const [ status, setStatus ] = useState< ConsentStatus | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	useEffect( () => {
		let live = true;
		getConsentStatus( email )
			.then( ( s ) => live && setStatus( s ) )
			.catch(
				( e: unknown ) => live && setError( describeError( e ).message )
			);
		return () => {
			live = false;
		};
	}, [ email ] );
	if ( error ) {
		return (
			<Notice status="warning" isDismissible={ false }>
				{ error }
			</Notice>
		);
	}
	if ( ! status ) {
		return (
			<p>
				<Spinner />{ ' ' }
				{ __( 'Loading the status from Klaviyo…', 'wc-klaviyo-sync' ) }
			</p>
		);
	}
	return <ConsentStatusView status={ status } />;
}
