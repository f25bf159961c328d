import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeError } from '../src/shared/errors';
import { queueDepth } from '../src/shared/queue';
import { absoluteTime, relativeTime } from '../src/shared/time';
import { getSettings, setSettings } from '@wordpress/date';
import {
	fieldFromServer,
	toInput,
	validateForm,
	validateKey,
	validateUrl,
} from '../src/settings/form';
import { savedSettings } from './fixtures';

test( 'queue depth is pending + in flight + retrying + paused, not done or dead', () => {
	assert.equal(
		queueDepth( {
			pending: 3,
			in_flight: 2,
			retrying: 4,
			paused: 5,
			done: 100,
			dead: 7,
			cancelled: 0,
		} ),
		14
	);
	assert.equal( queueDepth( null ), 0 );
	assert.equal(
		queueDepth( {
			pending: 0,
			in_flight: 0,
			retrying: 0,
			paused: 0,
			done: 1,
			dead: 1,
			cancelled: 0,
		} ),
		0
	);
} );

test( 'relative time in plain words (WordPress humanTimeDiff)', () => {
	const now = Date.parse( '2026-01-10T12:00:00Z' );
	assert.equal( relativeTime( null, now ), 'never' );
	assert.equal(
		relativeTime( '2026-01-10T11:59:58Z', now ),
		'a few seconds ago'
	);
	assert.equal(
		relativeTime( '2026-01-10T11:59:30Z', now ),
		'a few seconds ago'
	);
	assert.equal( relativeTime( '2026-01-10T11:59:00Z', now ), 'a minute ago' );
	assert.equal(
		relativeTime( '2026-01-10T11:30:00Z', now ),
		'30 minutes ago'
	);
	assert.equal( relativeTime( '2026-01-10T11:15:00Z', now ), 'an hour ago' );
	assert.equal( relativeTime( '2026-01-10T09:00:00Z', now ), '3 hours ago' );
	assert.equal( relativeTime( '2026-01-08T12:00:00Z', now ), '2 days ago' );
	assert.equal(
		relativeTime( '2026-01-10T12:05:00Z', now ),
		'in the future (check the server clocks)'
	);
	assert.equal( relativeTime( 'not a date', now ), 'not a date' );
} );

test( 'absolute time uses the site date format, in the given zone or else the site zone', () => {
	assert.equal(
		absoluteTime( '2026-01-10T12:34:56Z', 'UTC' ),
		'January 10, 2026 12:34 pm'
	);
	assert.equal(
		absoluteTime( '2026-01-10T12:34:56Z', 'Europe/Berlin' ),
		'January 10, 2026 1:34 pm'
	);
	assert.equal( absoluteTime( null ), '' );
	assert.equal( absoluteTime( 'not a date' ), 'not a date' );
} );

test( 'absolute time follows the site settings WordPress passes to wp-date', () => {
	const defaults = getSettings();
	// A site on Berlin time with a d.m.Y H:i format.
	setSettings( {
		...defaults,
		formats: { ...defaults.formats, datetime: 'd.m.Y H:i' },
		timezone: {
			offset: 1,
			offsetFormatted: '+1',
			string: 'Europe/Berlin',
			abbr: 'CET',
		},
	} );
	try {
		assert.equal(
			absoluteTime( '2026-01-10T12:34:56Z' ),
			'10.01.2026 13:34'
		);
	} finally {
		setSettings( defaults );
	}
	assert.equal(
		absoluteTime( '2026-01-10T12:34:56Z' ),
		'January 10, 2026 12:34 pm'
	);
} );

test( 'a WP_Error becomes plain words; known codes get a merchant-facing explanation', () => {
	const invalidKey = describeError( {
		code: 'wck_klaviyo_key_invalid',
		message: 'Klaviyo answered 401.',
		data: { status: 409 },
	} );
	assert.equal( invalidKey.status, 409 );
	assert.match( invalidKey.message, /^Klaviyo refused this private key/ );

	const unreachable = describeError( {
		code: 'wck_sidecar_unreachable',
		message:
			'Could not connect to http://sidecar:8787: Connection refused.',
		data: { status: 502 },
	} );
	assert.equal(
		unreachable.message,
		'Could not connect to http://sidecar:8787: Connection refused.'
	);
	assert.equal( unreachable.status, 502 );

	const field = describeError( {
		code: 'wck_invalid_field',
		message: 'The sidecar URL is not a valid URL.',
		data: { status: 400, field: 'sidecarUrl' },
	} );
	assert.equal( field.field, 'sidecarUrl' );
	assert.equal( field.message, 'The sidecar URL is not a valid URL.' );

	assert.match(
		describeError( {
			code: 'fetch_error',
			message: 'You are probably offline.',
		} ).message,
		/Could not reach your WordPress site/
	);
	assert.match(
		describeError( {
			code: 'rest_cookie_invalid_nonce',
			message: 'Cookie check failed',
			data: { status: 403 },
		} ).message,
		/session expired/
	);
	assert.match( describeError( new Error( 'boom' ) ).message, /boom/ );
	assert.match( describeError( undefined ).message, /Something went wrong/ );
	assert.match(
		describeError( { code: 'x', message: '  ' } ).message,
		/Something went wrong/
	);
} );

test( 'the Klaviyo key must start with pk_', () => {
	assert.equal( validateKey( '' ), null );
	assert.equal( validateKey( 'pk_0123456789abcdef' ), null );
	assert.match( validateKey( 'AbC123' ) ?? '', /starts with "pk_"/ );
	assert.match( validateKey( 'pk_abc' ) ?? '', /whole private API key/ );
	assert.match(
		validateKey( 'pk_abc def 12345' ) ?? '',
		/whole private API key/
	);
} );

test( 'the sidecar URL must be http(s)', () => {
	assert.equal( validateUrl( 'http://127.0.0.1:8787' ), null );
	assert.equal( validateUrl( 'https://sync.example.com/' ), null );
	assert.ok( validateUrl( '' ) );
	assert.ok( validateUrl( 'sync.example.com' ) );
	assert.ok( validateUrl( 'ftp://sync.example.com' ) );
} );

const saved = savedSettings();

test( 'the code and the key may stay empty only when the site is connected and a key is saved', () => {
	const empty = {
		connectionCode: '',
		sidecarUrl: '',
		adminToken: '',
		klaviyoPrivateKey: '',
		listId: '',
	};
	assert.deepEqual( validateForm( empty, saved ), {} );
	const errors = validateForm( empty, {
		...saved,
		connected: false,
		klaviyoKeyLast4: null,
	} );
	assert.deepEqual( Object.keys( errors ).sort(), [
		'connectionCode',
		'klaviyoPrivateKey',
	] );
	assert.deepEqual(
		validateForm( empty, {
			...saved,
			connected: false,
			migration: { pending: true, error: null },
		} ),
		{},
		'a site still on its saved admin token needs no code'
	);
	assert.match(
		validateForm( { ...empty, connectionCode: 'hello' }, saved )
			.connectionCode ?? '',
		/not a connection code/
	);
	assert.deepEqual(
		Object.keys( validateForm( empty, saved, true ) ).sort(),
		[ 'adminToken', 'sidecarUrl' ],
		'the admin token (and the address) are asked each time: neither is stored'
	);
	assert.ok(
		validateForm( { ...empty, klaviyoPrivateKey: 'sk_live' }, saved )
			.klaviyoPrivateKey
	);
} );

test( 'the request body carries the code, or the address and admin token, and leaves out empty secrets', () => {
	const values = {
		connectionCode: '',
		sidecarUrl: ' http://x:1 ',
		adminToken: '',
		klaviyoPrivateKey: '  ',
		listId: 'L1',
	};
	assert.deepEqual( toInput( values ), { listId: 'L1' } );
	assert.deepEqual( toInput( { ...values, connectionCode: ' wckc_abc ' } ), {
		connectionCode: 'wckc_abc',
		listId: 'L1',
	} );
	assert.deepEqual(
		toInput(
			{
				...values,
				connectionCode: 'wckc_ignored',
				adminToken: 'tok',
				klaviyoPrivateKey: 'pk_123456789',
			},
			true
		),
		{
			sidecarUrl: 'http://x:1',
			adminToken: 'tok',
			klaviyoPrivateKey: 'pk_123456789',
			listId: 'L1',
		}
	);
} );

test( 'server field names map to form fields', () => {
	assert.equal( fieldFromServer( 'sidecarUrl' ), 'sidecarUrl' );
	assert.equal( fieldFromServer( 'connectionCode' ), 'connectionCode' );
	assert.equal( fieldFromServer( 'sidecar_url' ), 'sidecarUrl' );
	assert.equal(
		fieldFromServer( 'klaviyo.privateKey' ),
		'klaviyoPrivateKey'
	);
	assert.equal( fieldFromServer( 'list_id' ), 'listId' );
	assert.equal( fieldFromServer( 'nonsense' ), null );
	assert.equal( fieldFromServer( null ), null );
} );
