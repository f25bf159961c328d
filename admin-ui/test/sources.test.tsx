/** "Other sites" on the settings page (staging copies), in jsdom against a scripted WP REST API. */
import './dom';
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { SourcesPanel } from '../src/settings/SourcesPanel';
import type { SourcesResponse } from '../src/types';
import {
	button,
	click,
	fakeApi,
	hasButton,
	mountPage,
	waitUntil,
} from './page-helpers';

const LIVE = 'https://shop.example';
const COPY = 'https://staging.shop.example';
const held = ( count: number ) => ( {
	source: COPY,
	count,
	firstAt: '2026-12-03T11:00:00.000Z',
	lastAt: '2026-12-03T11:01:00.000Z',
} );

let cleanup: ( () => Promise< void > ) | null = null;
afterEach( async () => {
	await cleanup?.();
	cleanup = null;
} );

test( "nothing held on the shop's own site: the panel shows nothing", async () => {
	fakeApi( {
		'GET /sources': (): SourcesResponse => ( {
			pinned: LIVE,
			site: { url: LIVE, relation: 'pinned' },
			held: [],
			heldTotal: 0,
		} ),
	} );
	const page = await mountPage( <SourcesPanel /> );
	cleanup = page.unmount;
	await new Promise( ( r ) => setTimeout( r, 20 ) );
	assert.equal( page.text(), '' );
} );

test( "the shop's site lists a copy's held deliveries (plural), releases them, then discards a later one", async () => {
	let current: SourcesResponse = {
		pinned: LIVE,
		site: { url: LIVE, relation: 'pinned' },
		held: [ held( 2 ) ],
		heldTotal: 2,
	};
	const calls = fakeApi( {
		'GET /sources': () => current,
		'POST /sources/release': () => {
			current = { ...current, held: [ held( 1 ) ], heldTotal: 1 };
			return { source: COPY, released: 2, pinned: LIVE };
		},
		'POST /sources/discard': () => {
			current = { ...current, held: [], heldTotal: 0 };
			return { source: COPY, discarded: 1 };
		},
	} );
	const page = await mountPage( <SourcesPanel /> );
	cleanup = page.unmount;
	const { container, text } = page;
	assert.ok(
		await waitUntil( () => text().includes( '2 deliveries are held' ) ),
		text()
	);
	assert.ok(
		text().includes( `This store is connected from ${ LIVE }` ),
		text()
	);
	assert.ok( text().includes( COPY ) );

	await click( button( container, 'Release (send them)' ) );
	assert.ok(
		await waitUntil( () =>
			text().includes( 'Deliveries sent to Klaviyo: 2' )
		),
		text()
	);
	const release = calls.find( ( c ) => c.path === '/sources/release' )!;
	assert.deepEqual( release.data, { source: COPY, repin: false } );
	assert.ok( text().includes( '1 delivery is held' ), 'singular' );

	await click( button( container, 'Discard' ) );
	assert.ok(
		await waitUntil( () => ! hasButton( container, 'Discard' ) ),
		text()
	);
	assert.deepEqual(
		calls.find( ( c ) => c.path === '/sources/discard' )!.data,
		{ source: COPY }
	);
} );

test( "a copy says so, and connects as its own store or becomes the shop's address", async () => {
	let relation: 'pinned' | 'other' = 'other';
	const calls = fakeApi( {
		'GET /sources': (): SourcesResponse => ( {
			pinned: LIVE,
			site: { url: COPY, relation },
			held: relation === 'other' ? [ held( 2 ) ] : [],
			heldTotal: relation === 'other' ? 2 : 0,
		} ),
		'POST /sources/separate': () => {
			relation = 'pinned';
			return { storeId: 'shop-copy-a1b2c3', discarded: 2 };
		},
	} );
	const page = await mountPage( <SourcesPanel /> );
	cleanup = page.unmount;
	const { container, text } = page;
	assert.ok(
		await waitUntil( () => text().includes( 'This looks like a copy of' ) ),
		text()
	);
	assert.ok(
		text().includes(
			`This looks like a copy of ${ LIVE }: its orders are not sent to Klaviyo.`
		),
		text()
	);
	assert.ok(
		text().includes( '2 deliveries from this site are held.' ),
		text()
	);
	assert.ok(
		hasButton( container, 'The shop moved here: make this its address' )
	);
	await click( button( container, 'Connect this site as its own store' ) );
	assert.ok(
		await waitUntil( () =>
			text().includes( 'a store of its own ("shop-copy-a1b2c3")' )
		),
		text()
	);
	assert.ok(
		calls.some(
			( c ) => c.method === 'POST' && c.path === '/sources/separate'
		)
	);
	assert.ok(
		! text().includes( 'This looks like a copy of' ),
		'after separating, the site is its own store'
	);
} );
