import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConnectionResult } from '../src/settings/ConnectionResult';
import { listOptions } from '../src/settings/ListField';
import { savedNotice } from '../src/settings/SettingsPage';
import { SettingsFields } from '../src/settings/SettingsFields';
import { WebhookPanel } from '../src/shared/WebhookPanel';
import { DeliveriesTable } from '../src/sync-log/DeliveriesTable';
import { HealthHeader, sidecarErrorText } from '../src/sync-log/HealthHeader';
import { targetLabel } from '../src/sync-log/labels';
import { replayedText } from '../src/sync-log/SyncLogPage';
import type { Webhook } from '../src/types';
import type { ComponentProps } from 'react';
import { delivery, savedSettings, sidecarStatus, webhook } from './fixtures';
import { inputForLabel, render, textOf } from './helpers';

const saved = savedSettings();
const emptyValues = {
	connectionCode: '',
	sidecarUrl: 'http://127.0.0.1:8787',
	adminToken: '',
	klaviyoPrivateKey: '',
	listId: '',
};
const renderFields = (
	props: Partial< ComponentProps< typeof SettingsFields > > = {}
) =>
	render(
		<SettingsFields
			values={ emptyValues }
			saved={ null }
			errors={ {} }
			onChange={ () => {} }
			{ ...props }
		/>
	);

test( 'each settings field has a label tied to its input; secrets are password inputs', () => {
	const html = renderFields();
	assert.match( inputForLabel( html, 'Connection code' ), /type="password"/ );
	assert.match(
		inputForLabel( html, 'Connection code' ),
		/placeholder="wckc_…"/
	);
	assert.equal(
		html.includes( 'Sidecar admin token' ),
		false,
		'the admin token is asked only when chosen'
	);
	const admin = renderFields( { adminMode: true } );
	assert.match( inputForLabel( admin, 'Sidecar URL' ), /type="url"/ );
	assert.match(
		inputForLabel( admin, 'Sidecar admin token' ),
		/type="password"/
	);
	assert.ok( textOf( admin ).includes( 'is not stored' ) );
	assert.equal( admin.includes( 'Connection code' ), false );
	const key = inputForLabel( html, 'Klaviyo private API key' );
	assert.match( key, /type="password"/ );
	assert.match( key, /placeholder="pk_…"/ );
} );

test( 'saved secrets are hinted at, never shown', () => {
	const html = renderFields( { saved } );
	assert.match(
		inputForLabel( html, 'Connection code' ),
		/placeholder="Connected — leave empty to keep"/
	);
	assert.match(
		inputForLabel( html, 'Klaviyo private API key' ),
		/placeholder="Saved key ending in c0de"/
	);
	assert.match(
		inputForLabel( html, 'Klaviyo private API key' ),
		/value=""/
	);
	assert.ok(
		textOf( html ).includes(
			'Saved key ending in c0de. Leave empty to keep it.'
		)
	);
} );

test( 'a field error is shown under its field and marks it invalid', () => {
	const html = renderFields( {
		values: { ...emptyValues, klaviyoPrivateKey: 'AbC123' },
		errors: {
			klaviyoPrivateKey: 'A Klaviyo private API key starts with "pk_".',
		},
	} );
	const key = inputForLabel( html, 'Klaviyo private API key' );
	assert.match( key, /aria-invalid="true"/ );
	const describedBy = /aria-describedby="([^"]+)"/.exec( key )?.[ 1 ];
	assert.ok( describedBy, 'the input is described by its help' );
	const help =
		new RegExp( `id="${ describedBy }"[^>]*>(.*?)</p>` ).exec(
			html
		)?.[ 1 ] ?? '';
	assert.ok(
		textOf( help ).includes( 'starts with "pk_"' ),
		'the error is the field description'
	);
	assert.match( help, /role="alert"/ );
} );

test( 'test connection results are plain words for the sidecar and Klaviyo', () => {
	const ok = textOf(
		render(
			<ConnectionResult
				result={ {
					sidecar: { ok: true, message: 'Version 0.1.0.' },
					klaviyo: {
						ok: true,
						status: 'valid',
						message: 'Account Shop.',
					},
				} }
			/>
		)
	);
	assert.ok( ok.includes( 'Sidecar: reachable. Version 0.1.0.' ) );
	assert.ok( ok.includes( 'Klaviyo: the key works. Account Shop.' ) );
	const bad = render(
		<ConnectionResult
			result={ {
				sidecar: { ok: false, message: 'Connection refused.' },
				klaviyo: { ok: false, status: 'invalid', message: '401.' },
			} }
		/>
	);
	assert.ok(
		textOf( bad ).includes( 'Sidecar: check failed. Connection refused.' )
	);
	assert.ok( textOf( bad ).includes( 'Klaviyo: the key was refused. 401.' ) );
	assert.equal( ( bad.match( /is-error/g ) ?? [] ).length, 2 );
} );

/** POST /settings' answer when everything went well. */
const savedAnswer = {
	...saved,
	webhooks: [ webhook() ],
	key: { status: 'valid' as const, last4: 'c0de', detail: null },
};

test( 'the success notice after saving says webhooks deliver only when they do', () => {
	const res = savedAnswer;
	assert.deepEqual( savedNotice( res ), {
		status: 'success',
		message: 'Settings saved. Webhooks are registered and delivering.',
	} );
	assert.equal(
		savedNotice( {
			...res,
			webhooks: [ webhook( { status: 'disabled' } ) ],
		} ).status,
		'warning'
	);
	assert.equal(
		savedNotice( {
			...res,
			key: { status: 'unverified', last4: 'c0de', detail: null },
		} ).status,
		'warning'
	);
} );

test( 'list options keep a saved list that Klaviyo no longer has', () => {
	const opts = listOptions(
		[ { id: 'L1', name: 'Newsletter', optInProcess: 'single_opt_in' } ],
		'GONE'
	);
	assert.deepEqual(
		opts.map( ( o ) => o.value ),
		[ '', 'L1', 'GONE' ]
	);
	assert.match( opts[ 2 ]!.label, /GONE/ );
} );

const hooks = ( status: Webhook[ 'status' ] ): Webhook[] => [
	webhook(),
	webhook( { topic: 'order.updated', id: 12, status, failureCount: 7 } ),
];

test( 'disabled webhooks get a warning and a re-enable button', () => {
	const html = render(
		<WebhookPanel webhooks={ hooks( 'disabled' ) } onChange={ () => {} } />
	);
	const text = textOf( html );
	assert.ok(
		text.includes(
			'WooCommerce disabled 1 webhook after repeated delivery failures'
		)
	);
	assert.ok( text.includes( 'Re-enable webhooks' ) );
	assert.match(
		html,
		/data-topic="order.updated"[\s\S]*?Disabled[\s\S]*?<td>7<\/td>/
	);
} );

test( 'active webhooks show no warning and no button', () => {
	const text = textOf(
		render(
			<WebhookPanel
				webhooks={ hooks( 'active' ) }
				onChange={ () => {} }
			/>
		)
	);
	assert.equal( text.includes( 'Re-enable webhooks' ), false );
	assert.equal( text.includes( 'disabled' ), false );
	assert.ok( text.includes( 'order.created Active 0' ) );
} );

const status = sidecarStatus( {
	queue: {
		pending: 2,
		in_flight: 1,
		retrying: 3,
		paused: 4,
		done: 50,
		dead: 1,
		cancelled: 0,
	},
	deliveries: { total: 30, byStatus: { succeeded: 20, dead: 1 } },
	eventsPerMinute: 3.5,
	lastSuccessAt: '2026-01-10T11:57:00Z',
	lastError: {
		at: '2026-01-10T11:58:00Z',
		class: 'bad_request',
		message: 'Invalid phone number format',
		deliveryId: '17',
	},
} );

test( 'the health header shows queue depth, last success, key and circuit', () => {
	const html = render(
		<HealthHeader
			status={ status }
			now={ Date.parse( '2026-01-10T12:00:00Z' ) }
		/>
	);
	assert.match( html, /data-testid="queue-depth">10</ );
	const text = textOf( html );
	assert.ok( text.includes( 'Last successful sync 3 minutes ago' ) );
	assert.ok( text.includes( 'Klaviyo key Valid ending in c0de' ) );
	assert.ok( text.includes( 'Sending to Klaviyo Normal' ) );
	assert.ok(
		text.includes(
			'Last error (2 minutes ago): Invalid phone number format'
		)
	);
} );

test( 'the health header says what the last check for missed orders found', () => {
	const now = Date.parse( '2026-01-10T12:00:00Z' );
	const gap = {
		...status.gapCheck,
		lastCheckAt: '2026-01-10T09:00:00Z',
		lastReason: 'webhook_reenabled' as const,
		lastCompared: 12,
		lastRecovered: 3,
	};
	const text = textOf(
		render(
			<HealthHeader status={ { ...status, gapCheck: gap } } now={ now } />
		)
	);
	assert.ok(
		text.includes(
			'Check for missed orders Recovered 3 orders that WooCommerce did not deliver last checked 3 hours'
		),
		text
	);
	const none = textOf(
		render(
			<HealthHeader
				status={ { ...status, gapCheck: { ...gap, lastRecovered: 0 } } }
				now={ now }
			/>
		)
	);
	assert.ok( none.includes( 'Check for missed orders Nothing was missing' ) );
	assert.ok(
		textOf(
			render( <HealthHeader status={ status } now={ now } /> )
		).includes( 'Check for missed orders Not run yet' )
	);
} );

test( 'a paused store and an open circuit are explained', () => {
	const text = textOf(
		render(
			<HealthHeader
				status={ {
					...status,
					paused: true,
					pauseReason: null,
					key: { ...status.key, status: 'invalid' },
					circuit: { state: 'open', since: status.circuit.since },
				} }
				now={ Date.parse( '2026-01-10T12:00:00Z' ) }
			/>
		)
	);
	assert.ok(
		text.includes(
			'Sending is paused because Klaviyo refused the private key'
		)
	);
	assert.ok( text.includes( 'Klaviyo failed several times in a row' ) );
	assert.ok( text.includes( 'Refused by Klaviyo' ) );
	assert.equal(
		sidecarErrorText(
			'Klaviyo Sync is not set up yet. Save the settings first.',
			false
		),
		'The sync status is not available: Klaviyo Sync is not set up yet. Save the settings first.'
	);
	assert.ok(
		sidecarErrorText( 'Connection refused.', true ).includes(
			'The sync status is not available: Connection refused. While the sync service (sidecar) cannot be reached, WooCommerce cannot deliver'
		)
	);
} );

const row = delivery;

test( 'the deliveries table: order or customer, outcome, and Replay only for failed deliveries', () => {
	const html = render(
		<DeliveriesTable
			items={ [
				row( { id: '1' } ),
				row( {
					id: '2',
					status: 'dead',
					error: {
						class: 'bad_request',
						message: 'Invalid phone number format',
						klaviyo: [ { detail: 'phone_number is invalid' } ],
					},
				} ),
				row( {
					id: '3',
					topic: 'customer.updated',
					resource: 'customer',
					resourceId: 7,
					orderNumber: null,
					status: 'skipped',
					note: 'No consent recorded.',
				} ),
				row( {
					id: '4',
					status: 'rejected',
					topic: null,
					resource: null,
					resourceId: null,
					orderNumber: null,
					email: null,
				} ),
			] }
			now={ Date.parse( '2026-01-10T12:00:00Z' ) }
			replayingId={ null }
			onReplay={ () => {} }
			filtered={ false }
		/>
	);
	const rows = html.split( '<tr data-delivery-id=' ).slice( 1 );
	assert.equal( rows.length, 4 );
	assert.ok(
		textOf( rows[ 0 ]! ).includes(
			'a minute ago order.created Order #1042 ann@example.com Sent'
		)
	);
	assert.equal( textOf( rows[ 0 ]! ).includes( 'Replay' ), false );
	assert.ok(
		textOf( rows[ 1 ]! ).includes(
			'Failed Invalid phone number format phone_number is invalid'
		)
	);
	assert.ok( textOf( rows[ 1 ]! ).includes( 'Replay' ) );
	assert.ok( textOf( rows[ 2 ]! ).includes( 'Customer 7' ) );
	assert.ok( textOf( rows[ 2 ]! ).includes( 'No consent recorded.' ) );
	assert.equal( textOf( rows[ 3 ]! ).includes( 'Replay' ), false );
	assert.match(
		rows[ 0 ]!,
		/<time datetime="2026-01-10T11:59:00Z" title="[^"]*2026[^"]*">/i
	);
} );

test( 'an empty table says why', () => {
	const empty = ( filtered: boolean ) =>
		textOf(
			render(
				<DeliveriesTable
					items={ [] }
					now={ Date.now() }
					replayingId={ null }
					onReplay={ () => {} }
					filtered={ filtered }
				/>
			)
		);
	assert.ok( empty( true ).includes( 'No deliveries match these filters.' ) );
	assert.ok( empty( false ).includes( 'No deliveries yet.' ) );
} );

test( 'labels for targets and replay counts', () => {
	assert.equal(
		targetLabel( {
			resource: 'order',
			resourceId: 42,
			orderNumber: '#A-42',
		} ),
		'Order #A-42'
	);
	assert.equal(
		targetLabel( { resource: 'order', resourceId: 42, orderNumber: null } ),
		'Order #42'
	);
	assert.equal(
		targetLabel( { resource: null, resourceId: null, orderNumber: null } ),
		'—'
	);
	assert.equal(
		replayedText( 1 ),
		'1 failed request was queued again and will be sent to Klaviyo shortly.'
	);
	assert.equal(
		replayedText( 3 ),
		'3 failed requests were queued again and will be sent to Klaviyo shortly.'
	);
	assert.match( replayedText( 0 ), /Nothing to replay/ );
} );

test( 'the Klaviyo account name is shown when the key works; unchecked keys say so', () => {
	const text = textOf(
		render(
			<ConnectionResult
				result={ {
					sidecar: {
						ok: true,
						message:
							'The sync service is reachable and accepts the admin token.',
					},
					klaviyo: {
						ok: true,
						status: 'valid',
						message: 'Klaviyo accepted the private API key.',
						account: 'Shop <Ltd>',
					},
				} }
			/>
		)
	);
	assert.ok(
		text.includes(
			'Klaviyo: the key works. Klaviyo accepted the private API key. Account: Shop <Ltd>.'
		)
	);
	const unchecked = textOf(
		render(
			<ConnectionResult
				result={ {
					sidecar: {
						ok: false,
						message: 'The sync service refused the admin token.',
					},
					klaviyo: {
						ok: false,
						status: 'unchecked',
						message:
							'Not checked: the sync service must be reachable first.',
					},
				} }
			/>
		)
	);
	assert.ok(
		unchecked.includes(
			'Sidecar: check failed. The sync service refused the admin token.'
		)
	);
	assert.ok(
		unchecked.includes(
			'Klaviyo: not checked. Not checked: the sync service must be reachable first.'
		)
	);
} );

test( 'a webhook ping that failed after saving is reported', () => {
	const res = {
		...savedAnswer,
		pings: [
			{
				topic: 'order.created',
				ok: false,
				message: 'cURL error 7: Failed to connect.',
			},
			{ topic: 'order.updated', ok: true, message: null },
		],
	};
	const notice = savedNotice( res );
	assert.equal( notice.status, 'warning' );
	assert.ok(
		notice.message.includes(
			'could not deliver a test ping for order.created: cURL error 7: Failed to connect.'
		)
	);
	assert.equal(
		savedNotice( {
			...res,
			pings: [ { topic: 'order.created', ok: true, message: null } ],
		} ).status,
		'success'
	);
} );
