/** The settings page's Klaviyo flow webhooks panel, in jsdom against a scripted WP REST API. */
import './dom';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
	FlowWebhooksPanel,
	formatPaths,
	parsePaths,
} from '../src/settings/FlowWebhooksPanel';
import type { FlowWebhookSettings } from '../src/types';
import {
	button,
	byLabel,
	click,
	hasButton,
	fakeApi,
	mountEachTest,
	setValue,
	waitUntil,
} from './page-helpers';
import { flowWebhookSettings } from './fixtures';

const base = 'http://sidecar.test/v1/stores/wp-abc/klaviyo/flow-webhooks';
const settings = (
	secret: string,
	paths = [] as FlowWebhookSettings[ 'profilePaths' ]
): FlowWebhookSettings =>
	flowWebhookSettings( { secret, profilePaths: paths }, base );

const mount = mountEachTest();

test( 'paths are edited as "path = Property" lines', () => {
	const paths = parsePaths(
		'event.extra.tier = Tier\n\nbad line\n a.0.b=AB '
	);
	assert.deepEqual( paths, [
		{ path: 'event.extra.tier', property: 'Tier' },
		{ path: 'a.0.b', property: 'AB' },
	] );
	assert.equal( formatPaths( paths ), 'event.extra.tier = Tier\na.0.b = AB' );
} );

test( "the panel shows each action's URL, the header with the secret and an example body; saves paths; rotates", async () => {
	let current = settings( 'wckf_first' );
	const calls = fakeApi( {
		'GET /flow-webhooks': () => current,
		'POST /flow-webhooks': ( req ) => {
			const b = req.data as {
				profilePaths: FlowWebhookSettings[ 'profilePaths' ];
			};
			current = { ...current, profilePaths: b.profilePaths };
			return current;
		},
		'POST /flow-webhooks/rotate': () => {
			current = settings( 'wckf_second', current.profilePaths );
			return current;
		},
	} );
	const page = await mount( <FlowWebhooksPanel /> );
	const { container, text } = page;
	assert.ok( text().includes( 'X-WCK-Flow-Secret: wckf_first' ) );
	const rows = [ ...container.querySelectorAll( 'tr[data-action]' ) ];
	assert.deepEqual(
		rows.map( ( r ) => r.getAttribute( 'data-action' ) ),
		[ 'coupon', 'tag', 'profile-properties' ]
	);
	assert.ok( rows[ 0 ]!.textContent!.includes( `${ base }/coupon` ) );
	assert.ok( rows[ 0 ]!.textContent!.includes( '{{ person.email }}' ) );

	await setValue(
		byLabel(
			container,
			'Body paths to copy (profile-properties)'
		) as HTMLInputElement,
		'event.extra.tier = LoyaltyTier'
	);
	await click( button( container, 'Save flow webhook settings' ) );
	await waitUntil( () => text().includes( 'Flow webhook settings saved.' ) );
	const save = calls.find(
		( c ) => c.method === 'POST' && c.path === '/flow-webhooks'
	)!;
	assert.deepEqual( ( save.data as { profilePaths: unknown } ).profilePaths, [
		{ path: 'event.extra.tier', property: 'LoyaltyTier' },
	] );

	window.confirm = () => true;
	await click( button( container, 'Rotate secret' ) );
	await waitUntil( () =>
		text().includes( 'X-WCK-Flow-Secret: wckf_second' )
	);
	assert.ok( ! text().includes( 'wckf_first' ) );
	assert.equal(
		calls.filter( ( c ) => c.path === '/flow-webhooks/rotate' ).length,
		1
	);
} );

test( 'the Klaviyo signing secret is saved and cleared, and only "set" or "not set" is ever shown back', async () => {
	let current = settings( 'wckf_first' );
	const calls = fakeApi( {
		'GET /flow-webhooks': () => current,
		'POST /flow-webhooks': ( req ) => {
			const b = req.data as { signingSecret?: string | null };
			current = { ...current, signingSecretSet: !! b.signingSecret };
			return current;
		},
	} );
	const page = await mount( <FlowWebhooksPanel /> );
	const { container, text } = page;
	assert.ok(
		text().includes( 'Not set: only the header above is checked.' )
	);
	assert.ok( ! hasButton( container, 'Clear signing secret' ) );
	const field = byLabel(
		container,
		'New signing secret'
	) as HTMLInputElement;
	assert.equal( field.type, 'password' );
	await setValue( field, 'short' );
	assert.ok(
		button( container, 'Save signing secret' )!.disabled,
		'Klaviyo secrets are longer than 8 characters'
	);
	await setValue( field, '  pk_sign_0123456789abcdef  ' );
	await click( button( container, 'Save signing secret' ) );
	await waitUntil( () => text().includes( 'Signing secret saved.' ) );
	const saves = () =>
		calls.filter(
			( c ) => c.method === 'POST' && c.path === '/flow-webhooks'
		);
	assert.deepEqual( saves()[ 0 ]!.data, {
		signingSecret: 'pk_sign_0123456789abcdef',
	} );
	assert.ok( text().includes( 'Set: every flow webhook must also carry' ) );
	assert.equal(
		( byLabel( container, 'New signing secret' ) as HTMLInputElement )
			.value,
		'',
		'the field empties'
	);
	assert.ok( ! container.innerHTML.includes( 'pk_sign_0123456789abcdef' ) );

	await click( button( container, 'Clear signing secret' ) );
	await waitUntil( () =>
		text().includes( 'Signing secret removed: only the header is checked.' )
	);
	assert.deepEqual( saves()[ 1 ]!.data, { signingSecret: null } );
	assert.ok(
		text().includes( 'Not set: only the header above is checked.' )
	);
} );
