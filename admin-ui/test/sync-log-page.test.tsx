/** The sync log page mounted in jsdom against a scripted WP REST API: polling, filters, paging, replay. */
import { setHidden } from './dom';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { SyncLogPage } from '../src/sync-log/SyncLogPage';
import type { Delivery, DeliveryDetail, StatusResponse } from '../src/types';
import { ago, deadRequest, delivery, sidecarStatus, webhook } from './fixtures';
import {
	button,
	byLabel,
	click,
	fakeApi,
	hasButton,
	mountPage,
	setValue,
	settle,
	type Route,
	waitUntil,
} from './page-helpers';

const POLL = 60;

const okStatus: StatusResponse = {
	sidecar: sidecarStatus( {
		queue: {
			pending: 1,
			in_flight: 0,
			retrying: 2,
			paused: 0,
			done: 40,
			dead: 1,
			cancelled: 0,
		},
		deliveries: { total: 3, byStatus: { succeeded: 2, dead: 1 } },
		eventsPerMinute: 1,
		lastSuccessAt: ago( 120_000 ),
	} ),
	sidecarError: null,
	webhooks: [ webhook() ],
};

const item = ( id: number, over: Partial< Delivery > = {} ): Delivery =>
	delivery( {
		id: String( id ),
		receivedAt: ago( id * 1000 ),
		resourceId: id,
		orderNumber: String( 1000 + id ),
		email: `buyer${ id }@example.com`,
		...over,
	} );

let cleanup: ( () => Promise< void > ) | null = null;
afterEach( async () => {
	await cleanup?.();
	cleanup = null;
	setHidden( false );
} );

/**
 * Tests that are not about polling poll rarely, so timers do not race their assertions.
 * @param routes Scripted REST answers.
 * @param pollMs Poll interval.
 */
async function open( routes: Record< string, Route >, pollMs = 60_000 ) {
	const calls = fakeApi( routes );
	const page = await mountPage( <SyncLogPage pollMs={ pollMs } /> );
	cleanup = page.unmount;
	return { calls, ...page };
}

const count = ( calls: { path: string }[], path: string ) =>
	calls.filter( ( c ) => c.path === path ).length;

test( 'shows health and deliveries, polls both, and stops while the tab is hidden', async () => {
	let items = [
		item( 2 ),
		item( 3, {
			status: 'dead',
			error: {
				class: 'bad_request',
				message: 'Invalid phone number format',
				klaviyo: [ { detail: 'phone_number is not valid' } ],
			},
		} ),
	];
	const { container, calls, text } = await open(
		{
			'GET /status': () => okStatus,
			'GET /deliveries': () => ( { items, nextCursor: null } ),
		},
		POLL
	);
	assert.equal(
		container.querySelector( '[data-testid="queue-depth"]' )?.textContent,
		'3'
	);
	assert.ok( text().includes( 'Last successful sync 2 minutes ago' ) );
	assert.ok( text().includes( 'Klaviyo key Valid' ) );
	assert.ok( text().includes( 'Sending to Klaviyo Normal' ) );
	assert.ok( text().includes( 'Order #1002' ) );
	assert.ok( text().includes( 'Invalid phone number format' ) );
	assert.ok( text().includes( 'phone_number is not valid' ) );

	items = [ item( 1, { email: 'new@example.com' } ), ...items ];
	assert.ok(
		await waitUntil( () => text().includes( 'new@example.com' ) ),
		'a new delivery appears without a reload'
	);
	assert.ok( count( calls, '/status' ) >= 2 );

	setHidden( true );
	await settle( POLL );
	const whileHidden = count( calls, '/status' );
	await settle( POLL * 4 );
	assert.equal(
		count( calls, '/status' ),
		whileHidden,
		'no polling while hidden'
	);
	setHidden( false );
	await settle();
	assert.ok(
		count( calls, '/status' ) > whileHidden,
		'refreshes at once when visible again'
	);
} );

test( 'an unreachable sidecar is explained, webhooks still shown, no blank page', async () => {
	const { text } = await open( {
		'GET /status': () => ( {
			sidecar: null,
			sidecarError: 'Connection refused (127.0.0.1:8787).',
			webhooks: [
				{
					topic: 'order.created',
					id: 11,
					status: 'disabled',
					failureCount: 6,
					deliveryUrl: 'http://s',
				},
			],
		} ),
		'GET /deliveries': () => {
			throw {
				code: 'wck_sidecar_unreachable',
				message: 'The sidecar did not answer.',
				data: { status: 502 },
			};
		},
	} );
	assert.ok(
		text().includes(
			'The sync status is not available: Connection refused (127.0.0.1:8787). While the sync service (sidecar) cannot be reached'
		)
	);
	assert.ok(
		text().includes(
			'The deliveries could not be loaded: The sidecar did not answer.'
		)
	);
	assert.ok( text().includes( 'WooCommerce disabled 1 webhook' ) );
	assert.ok( text().includes( 'Re-enable webhooks' ) );
} );

test( 'status filter and debounced search query the sync log; paging goes older and back to newest', async () => {
	const { container, calls } = await open( {
		'GET /status': () => okStatus,
		'GET /deliveries': ( req ) =>
			req.query.get( 'cursor' ) === 'c2'
				? { items: [ item( 30 ) ], nextCursor: null }
				: { items: [ item( 1 ) ], nextCursor: 'c2' },
	} );
	const deliveries = () => calls.filter( ( c ) => c.path === '/deliveries' );

	await setValue(
		byLabel< HTMLSelectElement >( container, 'Status' ),
		'dead'
	);
	await settle();
	assert.equal( deliveries().at( -1 )!.query.get( 'status' ), 'dead' );

	const before = deliveries().length;
	const search = byLabel( container, 'Search email or order' );
	const started = Date.now();
	await setValue( search, 'a' );
	await setValue( search, 'an' );
	await setValue( search, 'ann@' );
	const typingMs = Date.now() - started;
	const typed = deliveries()
		.slice( before )
		.filter( ( c ) => c.query.has( 'q' ) );
	// The search waits 400 ms after the last keystroke; only a machine slower than that between keystrokes
	// may see an intermediate search.
	if ( typingMs < 350 ) {
		assert.equal( typed.length, 0, 'nothing sent while typing' );
	}
	await settle( 500 );
	const searched = deliveries().filter( ( c ) => c.query.has( 'q' ) );
	assert.equal(
		searched.at( -1 )!.query.get( 'q' ),
		'ann@',
		'the search is for the final text'
	);
	if ( typingMs < 350 ) {
		assert.equal( searched.length, 1, 'one search' );
	}
	assert.equal(
		searched[ 0 ]!.query.get( 'status' ),
		'dead',
		'filters combine'
	);

	assert.equal( button( container, 'Newest' ).disabled, true );
	await click( button( container, 'Older' ) );
	assert.equal( deliveries().at( -1 )!.query.get( 'cursor' ), 'c2' );
	assert.ok( container.querySelector( '[data-delivery-id="30"]' ) );
	assert.equal( button( container, 'Older' ).disabled, true );
	await click( button( container, 'Newest' ) );
	assert.equal( deliveries().at( -1 )!.query.has( 'cursor' ), false );
	assert.ok( container.querySelector( '[data-delivery-id="1"]' ) );
} );

test( 'replay a failed delivery, and replay all failed after confirming', async () => {
	const { container, calls, text } = await open( {
		'GET /status': () => okStatus,
		'GET /deliveries': () => ( {
			items: [ item( 1 ), item( 2, { status: 'dead' } ) ],
			nextCursor: null,
		} ),
		'POST /deliveries/:id/replay': () => ( { replayed: 2 } ),
		'POST /replay': () => ( { replayed: 5 } ),
	} );
	const row1 = container.querySelector< HTMLElement >(
		'[data-delivery-id="1"]'
	)!;
	const row2 = container.querySelector< HTMLElement >(
		'[data-delivery-id="2"]'
	)!;
	assert.equal(
		hasButton( row1, 'Replay' ),
		false,
		'a sent delivery has no replay'
	);
	const statusBefore = count( calls, '/status' );
	await click( button( row2, 'Replay' ) );
	assert.ok(
		calls.some(
			( c ) => c.method === 'POST' && c.path === '/deliveries/2/replay'
		)
	);
	assert.ok( text().includes( '2 failed requests were queued again' ) );
	assert.ok(
		count( calls, '/status' ) > statusBefore,
		'refreshed after replay'
	);

	await click( button( container, 'Replay all failed' ) );
	assert.equal(
		calls.some( ( c ) => c.path === '/replay' ),
		false,
		'asks first'
	);
	assert.ok(
		text().includes(
			'Send the failed requests of 1 delivery to Klaviyo again?'
		)
	);
	await click( button( container, 'Cancel' ) );
	assert.equal(
		calls.some( ( c ) => c.path === '/replay' ),
		false
	);
	await click( button( container, 'Replay all failed' ) );
	await click( button( container, 'Yes, replay all failed' ) );
	const all = calls.find( ( c ) => c.path === '/replay' );
	assert.equal( all?.method, 'POST' );
	assert.equal( all?.query.get( 'status' ), 'dead' );
	assert.ok( text().includes( '5 failed requests were queued again' ) );
} );

test( 'details show what arrived and what was sent to Klaviyo, as text', async () => {
	const detail: DeliveryDetail = {
		...item( 7, { status: 'dead' } ),
		payload: {
			id: 7,
			line_items: [ { name: '<img src=x onerror=alert(1)>' } ],
		},
		requests: [ deadRequest( { body: { data: { type: 'event' } } } ) ],
	};
	const { container, calls } = await open( {
		'GET /status': () => okStatus,
		'GET /deliveries': () => ( {
			items: [ item( 7, { status: 'dead' } ) ],
			nextCursor: null,
		} ),
		'GET /deliveries/:id': () => detail,
	} );
	const details = button( container, 'Details' );
	assert.equal( details.getAttribute( 'aria-expanded' ), 'false' );
	await click( details );
	assert.ok( calls.some( ( c ) => c.path === '/deliveries/7' ) );
	const panel = container.querySelector( '.wck-delivery-details' )!;
	assert.ok( panel, 'details open' );
	assert.equal(
		panel.querySelector( 'img' ),
		null,
		'no element made from payload text'
	);
	const pres = [ ...panel.querySelectorAll( 'pre' ) ].map(
		( p ) => p.textContent ?? ''
	);
	assert.ok(
		pres.some( ( p ) =>
			p.includes( '"name": "<img src=x onerror=alert(1)>"' )
		)
	);
	assert.ok( pres.some( ( p ) => p.includes( '"type": "event"' ) ) );
	assert.ok( panel.textContent?.includes( 'Event "Placed Order"' ) );
	await click( button( container, 'Hide details' ) );
	assert.equal( container.querySelector( '.wck-delivery-details' ), null );
} );

test( 'becoming visible refreshes at once, without waiting for the interval', async () => {
	const { calls } = await open( {
		'GET /status': () => okStatus,
		'GET /deliveries': () => ( { items: [ item( 1 ) ], nextCursor: null } ),
	} );
	assert.equal( count( calls, '/status' ), 1 );
	setHidden( true );
	await settle();
	setHidden( false );
	await settle();
	assert.equal( count( calls, '/status' ), 2 );
	assert.equal(
		count( calls, '/deliveries' ),
		2,
		'the first page of deliveries too'
	);
} );

test( 'a store that is not set up yet is told so, with a link to the settings', async () => {
	( window as unknown as { wcKlaviyoSync: unknown } ).wcKlaviyoSync = {
		settingsUrl: 'http://wp.test/wp-admin/admin.php?page=wc-klaviyo-sync',
	};
	const { container, text } = await open( {
		'GET /status': () => ( {
			sidecar: null,
			sidecarError:
				'Klaviyo Sync is not set up yet. Save the settings first.',
			webhooks: [
				{
					topic: 'order.created',
					id: null,
					status: 'missing',
					failureCount: 0,
					deliveryUrl: null,
				},
			],
		} ),
		'GET /deliveries': () => {
			throw {
				code: 'wck_not_configured',
				message:
					'Klaviyo Sync is not set up yet. Save the settings first.',
				data: { status: 400 },
			};
		},
	} );
	assert.ok(
		text().includes(
			'The sync status is not available: Klaviyo Sync is not set up yet. Save the settings first.'
		)
	);
	assert.equal( text().includes( 'WooCommerce cannot deliver' ), false );
	const link = [ ...container.querySelectorAll( 'a' ) ].find(
		( a ) => a.textContent === 'Open the Klaviyo settings'
	);
	assert.equal(
		link?.getAttribute( 'href' ),
		'http://wp.test/wp-admin/admin.php?page=wc-klaviyo-sync'
	);
	delete ( window as unknown as { wcKlaviyoSync?: unknown } ).wcKlaviyoSync;
} );
