/** The history sync on the settings page and the sync log page, in jsdom against a scripted WP REST API. */
import './dom';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { HistorySyncPanel } from '../src/settings/HistorySyncPanel';
import { durationText, HistoryProgress } from '../src/shared/HistoryProgress';
import type { HistoryRun } from '../src/types';
import {
	button,
	byLabel,
	click,
	fakeApi,
	mountPage,
	setValue,
	waitUntil,
} from './page-helpers';

const run = ( over: Partial< HistoryRun > = {} ): HistoryRun => ( {
	runId: 'r1',
	state: 'running',
	scope: { kind: 'months', months: 6 },
	since: '2026-06-03T11:00:00Z',
	startedAt: '2026-12-03T11:00:00.000Z',
	updatedAt: '2026-12-03T11:02:00.000Z',
	finishedAt: null,
	products: { done: 12, total: 12, finished: true },
	customers: { done: 40, total: 40, finished: true },
	orders: { done: 80, total: 260, finished: false },
	done: 132,
	total: 312,
	percent: 40,
	eventsQueued: 310,
	ratePerMinute: 60,
	secondsLeft: 180,
	lastError: null,
	errors: [
		{
			at: '2026-12-03T11:01:00.000Z',
			resource: 'customers',
			recordId: 90,
			message: 'Klaviyo’s profile import refused this profile: too big',
		},
	],
	...over,
} );

let cleanup: ( () => Promise< void > ) | null = null;
afterEach( async () => {
	await cleanup?.();
	cleanup = null;
} );

test( 'time left reads as seconds, minutes or hours', () => {
	assert.equal( durationText( 40 ), '40 s' );
	assert.equal( durationText( 180 ), '3 min' );
	assert.equal( durationText( 3900 ), '1 h 5 min' );
} );

test( 'Sync history starts the chosen scope, then shows progress, errors with their record, and pauses', async () => {
	let current: { run: HistoryRun | null } = { run: null };
	const calls = fakeApi( {
		'GET /history': () => current,
		'POST /history': () => {
			current = { run: run() };
			return current;
		},
		'POST /history/pause': () => {
			current = { run: run( { state: 'paused' } ) };
			return current;
		},
	} );
	const page = await mountPage( <HistorySyncPanel pollMs={ 60_000 } /> );
	cleanup = page.unmount;
	const { container, text } = page;
	await setValue( byLabel( container, 'Months' ) as HTMLInputElement, '6' );
	await click( button( container, 'Sync history' ) );
	await waitUntil( () => text().includes( 'Running' ) );
	const start = calls.find(
		( c ) => c.method === 'POST' && c.path === '/history'
	)!;
	assert.deepEqual( start.data, { scope: 'months', months: 6 } );
	assert.ok(
		text().includes(
			'Products: 12 of 12 · Customers: 40 of 40 · Orders: 80 of 260'
		),
		text()
	);
	assert.ok( text().includes( '310 events for Klaviyo' ) );
	assert.ok( text().includes( '60 records a minute' ) );
	assert.ok( text().includes( 'About 3 min left' ) );
	assert.ok( text().includes( '40%' ) );
	assert.ok(
		container.querySelector( '[aria-label="History sync progress"]' )
	);
	assert.ok(
		text().includes(
			'Customer #90: Klaviyo’s profile import refused this profile: too big'
		)
	);
	assert.equal(
		container.querySelector( 'input[type="number"]' ),
		null,
		'no second start while one runs'
	);

	await click( button( container, 'Pause' ) );
	await waitUntil( () => text().includes( 'Paused' ) );
	assert.ok( button( container, 'Resume' ) );
	assert.ok( button( container, 'Cancel' ) );
} );

test( 'a finished run shows no progress bar and offers no pause', async () => {
	fakeApi( {} );
	const page = await mountPage(
		<HistoryProgress
			run={ run( {
				state: 'done',
				percent: 100,
				secondsLeft: 0,
				errors: [],
			} ) }
			onChange={ () => {} }
		/>
	);
	cleanup = page.unmount;
	assert.ok( page.text().includes( 'Finished · 100%' ) );
	assert.equal(
		page.container.querySelector( '[aria-label="History sync progress"]' ),
		null
	);
	assert.equal(
		[ ...page.container.querySelectorAll( 'button' ) ].length,
		0
	);
} );
