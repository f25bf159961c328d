/** The consent panel of the settings page and the consent status box, in jsdom against a scripted WP REST API. */
import './dom';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConsentStatusBox } from '../src/consent-status/ConsentStatusBox';
import { ConsentPanel } from '../src/settings/ConsentPanel';
import type { ConsentStatus } from '../src/types';
import {
	button,
	byLabel,
	click,
	fakeApi,
	mountEachTest,
	setValue,
	waitUntil,
} from './page-helpers';
import { consentSettings } from './fixtures';

const defaults = consentSettings();

const mount = mountEachTest();

test( 'the consent panel edits a label, switches the SMS box off and says when SMS cannot be shown', async () => {
	const calls = fakeApi( {
		'GET /consent-settings': () => defaults,
		'POST /consent-settings': ( req ) => {
			const body = req.data as {
				email: { enabled: boolean; label: string };
				sms: { enabled: boolean; label: string };
			};
			return {
				...defaults,
				email: {
					...defaults.email,
					label: body.email.label,
					shownLabel: body.email.label,
				},
				sms: { ...defaults.sms, enabled: body.sms.enabled },
			};
		},
	} );
	const page = await mount( <ConsentPanel /> );
	const { container, text } = page;
	assert.ok(
		text().includes( 'does not ask for a phone number' ),
		'the SMS box is shown only when the checkout asks for a phone'
	);
	const labels = [ ...container.querySelectorAll( 'textarea' ) ];
	assert.equal( labels.length, 2 );
	assert.equal( labels[ 0 ]!.placeholder, defaults.email.defaultLabel );
	await setValue(
		labels[ 0 ] as unknown as HTMLInputElement,
		'Email me <b>deals</b>'
	);
	const toggles = [
		...container.querySelectorAll< HTMLInputElement >(
			'input[type=checkbox]'
		),
	];
	assert.deepEqual(
		toggles.map( ( t ) => t.checked ),
		[ true, true ]
	);
	await click( toggles[ 1 ]! );
	await click( button( container, 'Save consent settings' ) );
	assert.ok( await waitUntil( () => text().includes( 'saved' ) ) );
	const post = calls.find( ( c ) => c.method === 'POST' );
	assert.deepEqual( post?.data, {
		email: { enabled: true, label: 'Email me <b>deals</b>' },
		sms: { enabled: false, label: '' },
	} );
	assert.equal(
		container.querySelector( 'b' ),
		null,
		'the label is text, never markup'
	);
	assert.ok( byLabel( container, 'Show this checkbox' ) );
} );

test( 'a refused label is named next to the field and the edit is kept', async () => {
	fakeApi( {
		'GET /consent-settings': () => ( {
			...defaults,
			checkoutAsksForPhone: true,
		} ),
		'POST /consent-settings': () => {
			throw {
				code: 'wck_invalid_field',
				message: 'The label can have at most 500 characters.',
				data: { status: 400, field: 'email.label' },
			};
		},
	} );
	const page = await mount( <ConsentPanel /> );
	const { container, text } = page;
	assert.equal( text().includes( 'does not ask for a phone number' ), false );
	const label = container.querySelector( 'textarea' )!;
	await setValue( label as unknown as HTMLInputElement, 'x'.repeat( 501 ) );
	await click( button( container, 'Save consent settings' ) );
	assert.ok(
		await waitUntil( () =>
			text().includes( 'The label can have at most 500 characters.' )
		)
	);
	assert.equal( container.querySelector( 'textarea' )!.value.length, 501 );
} );

const status: ConsentStatus = {
	email: 'ann@example.com',
	klaviyo: {
		email: { status: 'UNSUBSCRIBED', at: '2026-12-01T10:00:00Z' },
		sms: { status: 'NEVER_SUBSCRIBED', at: null },
	},
	klaviyoError: null,
	unsubscribedInKlaviyoAt: '2026-12-01T10:00:00Z',
	records: [
		{
			channel: 'email',
			status: 'granted',
			label: 'Email me',
			at: '2026-11-30T09:00:00Z',
			source: 'block_checkout',
			orderId: 42,
			userId: null,
			outcome: 'subscribed',
			detail: '<img src=x onerror=alert(1)>',
		},
	],
};

test( 'the status box asks for that address and shows the Klaviyo status, the unsubscribe and the records', async () => {
	const calls = fakeApi( { 'GET /consent': () => status } );
	const page = await mount( <ConsentStatusBox email="ann+1@example.com" /> );
	assert.ok(
		await waitUntil( () => page.text().includes( 'Unsubscribed' ) )
	);
	assert.equal( calls.length, 1 );
	assert.equal( calls[ 0 ]!.query.get( 'email' ), 'ann+1@example.com' );
	const text = page.text();
	assert.ok( text.includes( 'Email: Unsubscribed' ), text );
	assert.ok( text.includes( 'SMS: Never subscribed' ), text );
	assert.ok( text.includes( 'Unsubscribed in Klaviyo on' ), text );
	assert.ok( text.includes( 'Subscribed: <img src=x onerror=alert(1)>' ) );
	assert.equal( page.container.querySelector( 'img' ), null, 'escaped' );
} );

test( 'the status box says what went wrong when the sidecar cannot answer', async () => {
	fakeApi( {
		'GET /consent': () => {
			throw {
				code: 'wck_not_configured',
				message:
					'Klaviyo Sync is not set up yet. Save the settings first.',
				data: { status: 400 },
			};
		},
	} );
	const page = await mount( <ConsentStatusBox email="ann@example.com" /> );
	assert.ok(
		await waitUntil( () => page.text().includes( 'not set up yet' ) ),
		page.text()
	);
} );
