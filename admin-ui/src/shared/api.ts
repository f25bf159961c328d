/** The plugin's WP REST routes (docs/plugin.md). The browser talks to nothing else. */
import apiFetch from '@wordpress/api-fetch';
import { addQueryArgs } from '@wordpress/url';
import type {
	AlertsResponse,
	ConsentSettings,
	ConsentSettingsInput,
	ConsentStatus,
	DeliveriesQuery,
	DeliveriesResponse,
	DeliveryDetail,
	FlowWebhookSettings,
	FlowWebhookSettingsInput,
	HistoryInput,
	HistoryStatus,
	ListsResponse,
	ReenableResponse,
	ReplayResponse,
	RotateCredentialResponse,
	SaveSettingsResponse,
	Settings,
	SettingsInput,
	SourceDiscarded,
	SourceReleased,
	SourceSeparated,
	SourcesResponse,
	StatusResponse,
	TestConnectionResponse,
} from '../types';

export const NAMESPACE = '/wc-klaviyo-sync/v1';

export function getSettings(): Promise< Settings > {
	return apiFetch< Settings >( { path: `${ NAMESPACE }/settings` } );
}

export function saveSettings(
	input: SettingsInput
): Promise< SaveSettingsResponse > {
	return apiFetch< SaveSettingsResponse >( {
		path: `${ NAMESPACE }/settings`,
		method: 'POST',
		data: input,
	} );
}

/** A new store credential; the old one stops working at once. The answer holds no credential. */
export function rotateCredential(): Promise< RotateCredentialResponse > {
	return apiFetch< RotateCredentialResponse >( {
		path: `${ NAMESPACE }/credential/rotate`,
		method: 'POST',
	} );
}

export function testConnection(
	input: SettingsInput
): Promise< TestConnectionResponse > {
	return apiFetch< TestConnectionResponse >( {
		path: `${ NAMESPACE }/test-connection`,
		method: 'POST',
		data: input,
	} );
}

export function getLists(): Promise< ListsResponse > {
	return apiFetch< ListsResponse >( { path: `${ NAMESPACE }/lists` } );
}

export function getStatus(): Promise< StatusResponse > {
	return apiFetch< StatusResponse >( { path: `${ NAMESPACE }/status` } );
}

/**
 * Query args for GET /deliveries, without empty values.
 * @param query Filters and cursor.
 */
export function deliveriesArgs(
	query: DeliveriesQuery
): Record< string, string | number > {
	const args: Record< string, string | number > = {};
	if ( query.status ) {
		args.status = query.status;
	}
	const q = query.q?.trim();
	if ( q ) {
		args.q = q;
	}
	if ( query.cursor ) {
		args.cursor = query.cursor;
	}
	if ( query.limit ) {
		args.limit = query.limit;
	}
	return args;
}

export function getDeliveries(
	query: DeliveriesQuery
): Promise< DeliveriesResponse > {
	return apiFetch< DeliveriesResponse >( {
		path: addQueryArgs(
			`${ NAMESPACE }/deliveries`,
			deliveriesArgs( query )
		),
	} );
}

export function getDelivery( id: string ): Promise< DeliveryDetail > {
	return apiFetch< DeliveryDetail >( {
		path: `${ NAMESPACE }/deliveries/${ encodeURIComponent( id ) }`,
	} );
}

export function replayDelivery( id: string ): Promise< ReplayResponse > {
	return apiFetch< ReplayResponse >( {
		path: `${ NAMESPACE }/deliveries/${ encodeURIComponent( id ) }/replay`,
		method: 'POST',
	} );
}

export function replayAllFailed(): Promise< ReplayResponse > {
	return apiFetch< ReplayResponse >( {
		path: addQueryArgs( `${ NAMESPACE }/replay`, { status: 'dead' } ),
		method: 'POST',
	} );
}

export function reenableWebhooks(): Promise< ReenableResponse > {
	return apiFetch< ReenableResponse >( {
		path: `${ NAMESPACE }/webhooks/reenable`,
		method: 'POST',
	} );
}

export function getConsentSettings(): Promise< ConsentSettings > {
	return apiFetch< ConsentSettings >( {
		path: `${ NAMESPACE }/consent-settings`,
	} );
}

export function saveConsentSettings(
	input: ConsentSettingsInput
): Promise< ConsentSettings > {
	return apiFetch< ConsentSettings >( {
		path: `${ NAMESPACE }/consent-settings`,
		method: 'POST',
		data: input,
	} );
}

export function getConsentStatus( email: string ): Promise< ConsentStatus > {
	return apiFetch< ConsentStatus >( {
		path: addQueryArgs( `${ NAMESPACE }/consent`, { email } ),
	} );
}

export function getAlerts(): Promise< AlertsResponse > {
	return apiFetch< AlertsResponse >( { path: `${ NAMESPACE }/alerts` } );
}

export function saveAlertEmails(
	emailAlerts: boolean
): Promise< AlertsResponse > {
	return apiFetch< AlertsResponse >( {
		path: `${ NAMESPACE }/alerts`,
		method: 'POST',
		data: { emailAlerts },
	} );
}

export function getFlowWebhooks(): Promise< FlowWebhookSettings > {
	return apiFetch< FlowWebhookSettings >( {
		path: `${ NAMESPACE }/flow-webhooks`,
	} );
}

export function saveFlowWebhooks(
	input: FlowWebhookSettingsInput
): Promise< FlowWebhookSettings > {
	return apiFetch< FlowWebhookSettings >( {
		path: `${ NAMESPACE }/flow-webhooks`,
		method: 'POST',
		data: input,
	} );
}

export function rotateFlowSecret(): Promise< FlowWebhookSettings > {
	return apiFetch< FlowWebhookSettings >( {
		path: `${ NAMESPACE }/flow-webhooks/rotate`,
		method: 'POST',
	} );
}

export function getHistory(): Promise< HistoryStatus > {
	return apiFetch< HistoryStatus >( { path: `${ NAMESPACE }/history` } );
}

/**
 * Starts a history sync: everything, or what changed in the last N months.
 * @param input The scope.
 */
export function startHistory( input: HistoryInput ): Promise< HistoryStatus > {
	return apiFetch< HistoryStatus >( {
		path: `${ NAMESPACE }/history`,
		method: 'POST',
		data: input,
	} );
}

/**
 * Pauses, resumes or cancels the history sync.
 * @param verb What to do.
 */
export function changeHistory(
	verb: 'pause' | 'resume' | 'cancel'
): Promise< HistoryStatus > {
	return apiFetch< HistoryStatus >( {
		path: `${ NAMESPACE }/history/${ verb }`,
		method: 'POST',
	} );
}

/** Staging copies: the pinned site, whether this site is it, and the held sources. */
export function getSources(): Promise< SourcesResponse > {
	return apiFetch< SourcesResponse >( { path: `${ NAMESPACE }/sources` } );
}

/**
 * Sends a source's held deliveries.
 * @param input        What to release.
 * @param input.source The source as listed (this site's without it).
 * @param input.repin  Also make it the shop's address (a domain move).
 */
export function releaseSource( input: {
	source?: string;
	repin?: boolean;
} ): Promise< SourceReleased > {
	return apiFetch< SourceReleased >( {
		path: `${ NAMESPACE }/sources/release`,
		method: 'POST',
		data: input,
	} );
}

export function discardSource( source?: string ): Promise< SourceDiscarded > {
	return apiFetch< SourceDiscarded >( {
		path: `${ NAMESPACE }/sources/discard`,
		method: 'POST',
		data: source === undefined ? {} : { source },
	} );
}

/** This site (a copy) connects as a store of its own. */
export function separateSite(): Promise< SourceSeparated > {
	return apiFetch< SourceSeparated >( {
		path: `${ NAMESPACE }/sources/separate`,
		method: 'POST',
	} );
}
