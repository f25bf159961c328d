/** The outcome of "Test connection", in plain words. */
import { Notice } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import type { TestConnectionResponse } from '../types';

export function ConnectionResult( {
	result,
}: {
	result: TestConnectionResponse;
} ) {
	return (
		<div className="wck-connection-result" aria-live="polite">
			<Notice
				status={ result.sidecar.ok ? 'success' : 'error' }
				isDismissible={ false }
			>
				{ sidecarText( result ) }
			</Notice>
			<Notice status={ klaviyoTone( result ) } isDismissible={ false }>
				{ klaviyoText( result ) }
			</Notice>
		</div>
	);
}

function sidecarText( result: TestConnectionResponse ): string {
	if ( result.sidecar.ok ) {
		return sprintf(
			/* translators: %s: what the sidecar check found */
			__( 'Sidecar: reachable. %s', 'wc-klaviyo-sync' ),
			result.sidecar.message
		);
	}
	return sprintf(
		/* translators: %s: why the sidecar check failed (unreachable, token refused, …) */
		__( 'Sidecar: check failed. %s', 'wc-klaviyo-sync' ),
		result.sidecar.message
	);
}

function klaviyoTone(
	result: TestConnectionResponse
): 'success' | 'warning' | 'error' {
	if ( result.klaviyo.ok ) {
		return 'success';
	}
	return result.klaviyo.status === 'unverified' ? 'warning' : 'error';
}

function klaviyoText( result: TestConnectionResponse ): string {
	const detail = result.klaviyo.account
		? sprintf(
				/* translators: 1: message, 2: Klaviyo account name */
				__( '%1$s Account: %2$s.', 'wc-klaviyo-sync' ),
				result.klaviyo.message,
				result.klaviyo.account
			)
		: result.klaviyo.message;
	if ( result.klaviyo.ok ) {
		return sprintf(
			/* translators: %s: details from Klaviyo */
			__( 'Klaviyo: the key works. %s', 'wc-klaviyo-sync' ),
			detail
		);
	}
	if ( result.klaviyo.status === 'invalid' ) {
		return sprintf(
			/* translators: %s: details from Klaviyo */
			__( 'Klaviyo: the key was refused. %s', 'wc-klaviyo-sync' ),
			detail
		);
	}
	if ( result.klaviyo.status === 'unverified' ) {
		return sprintf(
			/* translators: %s: details */
			__(
				'Klaviyo: could not be checked right now. %s',
				'wc-klaviyo-sync'
			),
			detail
		);
	}
	return sprintf(
		/* translators: %s: details */
		__( 'Klaviyo: not checked. %s', 'wc-klaviyo-sync' ),
		detail
	);
}
