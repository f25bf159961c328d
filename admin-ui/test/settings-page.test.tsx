/** The settings page mounted in jsdom against a scripted WP REST API: what it sends and what it shows. */
import './dom';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SettingsPage } from '../src/settings/SettingsPage';
import { savedSettings, webhook } from './fixtures';
import {
	button,
	byLabel,
	click,
	fakeApi,
	hasButton,
	mountEachTest,
	setValue,
	settle,
} from './page-helpers';

const webhooks = [ webhook(), webhook( { topic: 'order.updated', id: 12 } ) ];
const unconfigured = savedSettings( {
	sidecarUrl: '',
	connected: false,
	klaviyoKeyLast4: null,
	listId: null,
	configured: false,
} );
const configured = savedSettings( { listId: 'L2', webhooks } );
/** WooCommerce disabled order.updated after six failed deliveries. */
const withDisabledWebhook = savedSettings( {
	listId: 'L2',
	webhooks: [
		webhooks[ 0 ]!,
		{ ...webhooks[ 1 ]!, status: 'disabled', failureCount: 6 },
	],
} );
const lists = {
	lists: [
		{ id: 'L1', name: 'Newsletter', optInProcess: 'single_opt_in' },
		{
			id: 'L2',
			name: 'VIP <b>customers</b>',
			optInProcess: 'double_opt_in',
		},
	],
};

const mount = mountEachTest();

const alertsOff = { alerts: [], checkedAt: null, emailAlerts: false };
/** Nothing held and this site is the pinned one: the "Other sites" panel shows nothing. */
const noSources = {
	pinned: 'http://shop.example',
	site: { url: 'http://shop.example', relation: 'pinned' },
	held: [],
	heldTotal: 0,
};

async function open( routes: Parameters< typeof fakeApi >[ 0 ] ) {
	const all = fakeApi( {
		'GET /alerts': () => alertsOff,
		'GET /sources': () => noSources,
		...routes,
	} );
	const page = await mount( <SettingsPage /> );
	/** The calls of the form (the alert email setting and the other sites load on their own); `all` has every call. */
	const calls = new Proxy( all, {
		get: ( target, prop ) =>
			prop === 'all'
				? target
				: Reflect.get(
						target.filter(
							( c ) =>
								c.path !== '/alerts' && c.path !== '/sources'
						),
						prop
					),
	} ) as typeof all & { all: typeof all };
	return { calls, ...page };
}

test( 'a configured store: saved secrets are hinted at, lists load, and the saved list is selected', async () => {
	const { container, calls, text } = await open( {
		'GET /settings': () => configured,
		'GET /lists': () => lists,
	} );
	assert.ok(
		text().includes(
			'Connected as store wp-abcdefabcdef to the sync service at http://127.0.0.1:8787.'
		)
	);
	assert.equal(
		byLabel( container, 'Connection code' ).placeholder,
		'Connected — leave empty to keep'
	);
	assert.equal( byLabel( container, 'Connection code' ).value, '' );
	assert.equal( text().includes( 'Sidecar admin token' ), false );
	assert.equal(
		byLabel( container, 'Klaviyo private API key' ).placeholder,
		'Saved key ending in c0de'
	);
	const select = byLabel< HTMLSelectElement >( container, 'Klaviyo list' );
	assert.deepEqual(
		[ ...select.options ].map( ( o ) => o.textContent ),
		[ '— No list —', 'Newsletter', 'VIP <b>customers</b>' ]
	);
	assert.equal( select.value, 'L2' );
	assert.ok( text().includes( 'double opt-in' ) );
	assert.ok(
		text().includes(
			'The list is stored for subscribing the customers who gave marketing consent, which this version does not do yet: nobody is added to the list or subscribed.'
		)
	);
	assert.equal( text().includes( 'are added to this list' ), false );
	assert.deepEqual(
		calls
			.filter( ( c ) => c.path !== '/consent-settings' )
			.map( ( c ) => `${ c.method } ${ c.path }` ),
		[ 'GET /settings', 'GET /lists', 'GET /history', 'GET /flow-webhooks' ],
		'a configured store also shows its flow webhooks'
	);

	await click( button( container, 'Refresh lists' ) );
	assert.equal( calls.filter( ( c ) => c.path === '/lists' ).length, 2 );
} );

test( 'an unconfigured store explains why there are no lists and does not ask for them', async () => {
	const { container, calls, text } = await open( {
		'GET /settings': () => unconfigured,
	} );
	assert.ok(
		text().includes(
			'Connect this site (paste a connection code) and save the Klaviyo key first'
		)
	);
	assert.equal(
		byLabel< HTMLSelectElement >( container, 'Klaviyo list' ).disabled,
		true
	);
	assert.equal(
		calls.some( ( c ) => c.path === '/lists' ),
		false
	);
} );

test( 'lists that cannot load are explained in plain words', async () => {
	const { text } = await open( {
		'GET /settings': () => configured,
		'GET /lists': () => {
			throw {
				code: 'wck_sidecar_unreachable',
				message:
					'Could not connect to the sidecar at http://127.0.0.1:8787.',
				data: { status: 502 },
			};
		},
	} );
	assert.ok(
		text().includes(
			'The lists could not be loaded: Could not connect to the sidecar at http://127.0.0.1:8787.'
		)
	);
} );

test( 'a key that does not start with pk_ is refused inline and nothing is sent', async () => {
	const { container, calls, text } = await open( {
		'GET /settings': () => unconfigured,
	} );
	await setValue( byLabel( container, 'Connection code' ), 'wckc_abc' );
	await setValue( byLabel( container, 'Klaviyo private API key' ), 'AbC123' );
	assert.ok(
		text().includes( 'A Klaviyo private API key starts with "pk_".' )
	);
	assert.equal(
		byLabel( container, 'Klaviyo private API key' ).getAttribute(
			'aria-invalid'
		),
		'true'
	);
	await click( button( container, 'Save settings' ) );
	await click( button( container, 'Test connection' ) );
	assert.deepEqual(
		calls
			.filter( ( c ) => c.path !== '/consent-settings' )
			.map( ( c ) => c.method ),
		[ 'GET' ],
		'no POST'
	);
	assert.ok( text().includes( 'Please correct the fields marked below.' ) );
} );

test( 'a self-hoster pastes the admin token once: the address and token are sent, the form forgets them', async () => {
	let release: () => void = () => {};
	const { container, calls, text } = await open( {
		'GET /settings': () => unconfigured,
		'GET /lists': () => lists,
		'POST /settings': ( req ) =>
			new Promise( ( resolve ) => {
				release = () =>
					resolve( {
						...configured,
						sidecarUrl: ( req.data as { sidecarUrl: string } )
							.sidecarUrl,
						listId: null,
						key: { status: 'valid', last4: '6789', detail: null },
						klaviyoKeyLast4: '6789',
					} );
			} ),
	} );
	await click(
		byLabel(
			container,
			'Connect with the sidecar admin token instead (one store on your own sidecar)'
		)
	);
	await setValue(
		byLabel( container, 'Sidecar URL' ),
		' http://127.0.0.1:8787 '
	);
	await setValue(
		byLabel( container, 'Sidecar admin token' ),
		'admin-token-1'
	);
	await setValue(
		byLabel( container, 'Klaviyo private API key' ),
		'pk_0123456789'
	);
	await click( button( container, 'Save settings' ) );
	const saving = button( container, 'Saving…' );
	assert.equal( saving.disabled, true, 'disabled while saving' );
	const post = calls.find( ( c ) => c.method === 'POST' );
	assert.deepEqual( post?.data, {
		sidecarUrl: 'http://127.0.0.1:8787',
		adminToken: 'admin-token-1',
		klaviyoPrivateKey: 'pk_0123456789',
		listId: '',
	} );
	release();
	await settle();
	assert.ok(
		text().includes(
			'Settings saved. Webhooks are registered and delivering.'
		)
	);
	assert.equal(
		text().includes( 'Sidecar admin token' ),
		false,
		'the admin token field is gone once connected'
	);
	assert.ok( text().includes( 'Connected as store wp-abcdefabcdef' ) );
	assert.equal( button( container, 'Save settings' ).disabled, false );
	assert.equal(
		byLabel( container, 'Klaviyo private API key' ).value,
		'',
		'the key is not kept in the form'
	);
	assert.equal(
		byLabel( container, 'Klaviyo private API key' ).placeholder,
		'Saved key ending in 6789'
	);
	assert.ok(
		calls.some( ( c ) => c.path === '/lists' ),
		'lists load once saved'
	);
	assert.ok( text().includes( 'order.created' ), 'webhooks are listed' );
} );

test( 'saving again without typing secrets keeps the saved ones (they are left out)', async () => {
	const { container, calls } = await open( {
		'GET /settings': () => configured,
		'GET /lists': () => lists,
		'POST /settings': () => ( {
			...configured,
			key: { status: 'valid', last4: 'c0de', detail: null },
		} ),
	} );
	await setValue(
		byLabel< HTMLSelectElement >( container, 'Klaviyo list' ),
		'L1'
	);
	await click( button( container, 'Save settings' ) );
	assert.deepEqual( calls.find( ( c ) => c.method === 'POST' )?.data, {
		listId: 'L1',
	} );
} );

test( 'Klaviyo refusing the key (409) is explained and attached to the key field', async () => {
	const { container, text } = await open( {
		'GET /settings': () => configured,
		'GET /lists': () => lists,
		'POST /settings': () => {
			throw {
				code: 'wck_klaviyo_key_invalid',
				message: 'Klaviyo answered 401.',
				data: { status: 409 },
			};
		},
	} );
	await setValue(
		byLabel( container, 'Klaviyo private API key' ),
		'pk_wrongwrongwrong'
	);
	await click( button( container, 'Save settings' ) );
	assert.ok( text().includes( 'Klaviyo refused this private key' ) );
	assert.ok( text().includes( 'Nothing was saved.' ) );
	assert.equal(
		byLabel( container, 'Klaviyo private API key' ).getAttribute(
			'aria-invalid'
		),
		'true'
	);
} );

test( 'a 400 field error lands on its field; a 502 is shown as the sidecar being unreachable', async () => {
	let answer: unknown = {
		code: 'wck_invalid_field',
		message:
			'This connection code was already used: each code connects once. Ask for a new code. Nothing was changed.',
		data: { status: 400, field: 'connectionCode' },
	};
	const { container, text } = await open( {
		'GET /settings': () => configured,
		'GET /lists': () => lists,
		'POST /settings': () => {
			throw answer;
		},
	} );
	await setValue( byLabel( container, 'Connection code' ), 'wckc_used' );
	await click( button( container, 'Save settings' ) );
	const url = byLabel( container, 'Connection code' );
	assert.equal( url.getAttribute( 'aria-invalid' ), 'true' );
	const describedBy = container.ownerDocument.getElementById(
		url.getAttribute( 'aria-describedby' ) ?? ''
	);
	assert.ok(
		describedBy?.textContent?.includes(
			'This connection code was already used'
		)
	);

	answer = {
		code: 'wck_sidecar_unreachable',
		message: 'The sidecar at http://127.0.0.1:8787 did not answer.',
		data: { status: 502 },
	};
	await setValue( url, 'wckc_other' );
	await click( button( container, 'Save settings' ) );
	assert.ok(
		text().includes(
			'The sidecar at http://127.0.0.1:8787 did not answer.'
		)
	);
} );

test( 'test connection sends the form, shows a spinner, then both results', async () => {
	let release: () => void = () => {};
	const { container, calls, text } = await open( {
		'GET /settings': () => configured,
		'GET /lists': () => lists,
		'POST /test-connection': () =>
			new Promise( ( resolve ) => {
				release = () =>
					resolve( {
						sidecar: { ok: true, message: 'It answered in 12 ms.' },
						klaviyo: {
							ok: false,
							status: 'invalid',
							message: 'Klaviyo answered 401 Unauthorized.',
						},
					} );
			} ),
	} );
	await setValue(
		byLabel( container, 'Klaviyo private API key' ),
		'pk_newkey12345'
	);
	await click( button( container, 'Test connection' ) );
	assert.ok( text().includes( 'Testing the sidecar and Klaviyo…' ) );
	assert.ok( container.querySelector( '.components-spinner' ) );
	assert.deepEqual(
		calls.find( ( c ) => c.path === '/test-connection' )?.data,
		{
			klaviyoPrivateKey: 'pk_newkey12345',
			listId: 'L2',
		}
	);
	release();
	await settle();
	assert.ok( text().includes( 'Sidecar: reachable. It answered in 12 ms.' ) );
	assert.ok(
		text().includes(
			'Klaviyo: the key was refused. Klaviyo answered 401 Unauthorized.'
		)
	);
	assert.equal( text().includes( 'Testing the sidecar' ), false );
} );

test( 'disabled webhooks: warning, one click re-enables them, the table updates', async () => {
	const { container, calls, text } = await open( {
		'GET /settings': () => withDisabledWebhook,
		'GET /lists': () => lists,
		'POST /webhooks/reenable': () => ( { webhooks } ),
	} );
	assert.ok(
		text().includes(
			'WooCommerce disabled 1 webhook after repeated delivery failures'
		)
	);
	await click( button( container, 'Re-enable webhooks' ) );
	assert.ok(
		calls.some(
			( c ) => c.method === 'POST' && c.path === '/webhooks/reenable'
		)
	);
	assert.ok( text().includes( 'Webhooks re-enabled.' ) );
	assert.equal( text().includes( 'WooCommerce disabled' ), false );
	assert.equal(
		container.querySelectorAll( '[data-status="disabled"]' ).length,
		0
	);
} );

test( 'settings that cannot load show the reason and a retry', async () => {
	let fail = true;
	const { container, text } = await open( {
		'GET /settings': () => {
			if ( fail ) {
				throw {
					code: 'rest_forbidden',
					message: 'Sorry, you are not allowed to do that.',
					data: { status: 403 },
				};
			}
			return configured;
		},
		'GET /lists': () => lists,
	} );
	assert.ok(
		text().includes(
			'You are not allowed to do this, or your session expired.'
		)
	);
	fail = false;
	await click( button( container, 'Try again' ) );
	assert.ok( text().includes( 'Connected as store wp-abcdefabcdef' ) );
} );

test( 'a failed connection test or re-enable says why in a notice that can be dismissed', async () => {
	const { container, text } = await open( {
		'GET /settings': () => withDisabledWebhook,
		'GET /lists': () => lists,
		'POST /test-connection': () => {
			throw {
				code: 'wck_sidecar_unreachable',
				message: 'Could not connect to http://127.0.0.1:8787.',
				data: { status: 502 },
			};
		},
		'POST /webhooks/reenable': () => {
			throw {
				code: 'rest_forbidden',
				message: 'Sorry, you are not allowed to do that.',
				data: { status: 403 },
			};
		},
	} );
	const errorNotices = () =>
		[ ...container.querySelectorAll( '.components-notice.is-error' ) ].map(
			( n ) => n.textContent ?? ''
		);

	await click( button( container, 'Test connection' ) );
	assert.equal( button( container, 'Test connection' ).disabled, false );
	const failed = errorNotices().filter( ( t ) =>
		t.includes( 'Could not connect to http://127.0.0.1:8787.' )
	);
	assert.equal( failed.length, 1 );
	const dismiss = [
		...container.querySelectorAll< HTMLButtonElement >(
			'.components-notice.is-error .components-notice__dismiss'
		),
	];
	assert.equal( dismiss.length, 1 );
	await click( dismiss[ 0 ]! );
	assert.equal( text().includes( 'Could not connect' ), false );

	await click( button( container, 'Re-enable webhooks' ) );
	assert.equal( button( container, 'Re-enable webhooks' ).disabled, false );
	assert.ok(
		errorNotices().some( ( t ) =>
			t.includes(
				'You are not allowed to do this, or your session expired.'
			)
		)
	);
	assert.ok( text().includes( 'WooCommerce disabled 1 webhook' ) );
} );

test( 'the alert email setting shows the saved value and saves a change', async () => {
	const { container, calls, text } = await open( {
		'GET /settings': () => configured,
		'GET /lists': () => lists,
		'POST /alerts': ( req ) => ( {
			...alertsOff,
			emailAlerts: ( req.data as { emailAlerts: boolean } ).emailAlerts,
		} ),
	} );
	assert.ok( text().includes( 'At most once a day per problem.' ) );
	const toggle = byLabel< HTMLInputElement >(
		container,
		'Email the store’s admin address when something is wrong'
	);
	assert.equal( toggle.checked, false );
	await click( toggle );
	assert.deepEqual(
		calls.all
			.filter( ( c ) => c.method === 'POST' )
			.map( ( c ) => [ c.path, c.data ] ),
		[ [ '/alerts', { emailAlerts: true } ] ]
	);
	assert.equal(
		byLabel< HTMLInputElement >(
			container,
			'Email the store’s admin address when something is wrong'
		).checked,
		true
	);
} );

test( 'a fresh install says the webhooks are not set up yet, not that they were deleted', async () => {
	const { text } = await open( {
		'GET /settings': () => ( {
			...unconfigured,
			webhooks: [ webhook( { id: null, status: 'not_set_up' } ) ],
		} ),
	} );
	assert.ok(
		text().includes(
			'Not set up yet: the webhooks are created when the settings are saved.'
		)
	);
	assert.equal(
		text().includes( 'Save the settings again to recreate' ),
		false
	);
	assert.equal( text().includes( 'Missing' ), false );
} );

test( 'a pasted connection code connects: only the code and the key are sent, and the page says as which store', async () => {
	const { container, calls, text } = await open( {
		'GET /settings': () => unconfigured,
		'GET /lists': () => lists,
		'POST /settings': () => ( {
			...configured,
			storeId: 'shop-42',
			sidecarUrl: 'https://sync.example.com',
			key: { status: 'valid', last4: 'c0de', detail: null },
		} ),
	} );
	assert.ok(
		text().includes( 'Not connected yet: paste a connection code below.' )
	);
	assert.equal( hasButton( container, 'Rotate credential' ), false );
	await click( button( container, 'Save settings' ) );
	assert.ok(
		text().includes(
			'Paste the connection code you got from the sync service'
		),
		'a code is asked for'
	);
	await setValue(
		byLabel( container, 'Connection code' ),
		' wckc_eyJ1IjoiaHR0cCJ9 '
	);
	await setValue(
		byLabel( container, 'Klaviyo private API key' ),
		'pk_0123456789'
	);
	await click( button( container, 'Save settings' ) );
	assert.deepEqual( calls.find( ( c ) => c.method === 'POST' )?.data, {
		connectionCode: 'wckc_eyJ1IjoiaHR0cCJ9',
		klaviyoPrivateKey: 'pk_0123456789',
		listId: '',
	} );
	await settle();
	assert.ok(
		text().includes(
			'Connected as store shop-42 to the sync service at https://sync.example.com.'
		)
	);
	assert.equal(
		byLabel( container, 'Connection code' ).value,
		'',
		'the code is not kept in the form'
	);
	assert.ok( hasButton( container, 'Rotate credential' ) );
} );

test( 'a refused code is explained under the code field, and the connection stays as it was', async () => {
	const { container, text } = await open( {
		'GET /settings': () => configured,
		'GET /lists': () => lists,
		'POST /settings': () => {
			throw {
				code: 'wck_connect_code_expired',
				message:
					'This connection code has expired. Ask for a new one and paste it within its time. Nothing was changed.',
				data: { status: 410, field: 'connectionCode' },
			};
		},
	} );
	await setValue( byLabel( container, 'Connection code' ), 'wckc_late' );
	await click( button( container, 'Save settings' ) );
	const code = byLabel( container, 'Connection code' );
	assert.equal( code.getAttribute( 'aria-invalid' ), 'true' );
	const help = container.ownerDocument.getElementById(
		code.getAttribute( 'aria-describedby' ) ?? ''
	);
	assert.ok(
		help?.textContent?.includes( 'This connection code has expired.' )
	);
	assert.ok( text().includes( 'Connected as store wp-abcdefabcdef' ) );
} );

test( 'rotate credential asks the plugin for a new one and shows no secret', async () => {
	const { container, calls, text } = await open( {
		'GET /settings': () => configured,
		'GET /lists': () => lists,
		'POST /credential/rotate': () => ( { ...configured, rotated: true } ),
	} );
	await click( button( container, 'Rotate credential' ) );
	await settle();
	assert.deepEqual(
		calls.filter( ( c ) => c.method === 'POST' ).map( ( c ) => c.path ),
		[ '/credential/rotate' ]
	);
	assert.ok(
		text().includes(
			'A new store credential is saved; the old one no longer works.'
		)
	);
	assert.equal( /wcks_|wckc_/.test( container.innerHTML ), false );
} );

test( 'a failed rotation says why', async () => {
	const { container, text } = await open( {
		'GET /settings': () => configured,
		'GET /lists': () => lists,
		'POST /credential/rotate': () => {
			throw {
				code: 'wck_sidecar_unreachable',
				message: 'WordPress could not reach the sync service.',
				data: { status: 502 },
			};
		},
	} );
	await click( button( container, 'Rotate credential' ) );
	await settle();
	assert.ok(
		text().includes( 'WordPress could not reach the sync service.' )
	);
} );

test( 'an admin token from an earlier version still waiting to be exchanged is explained, with why the last try failed', async () => {
	const { container, text } = await open( {
		'GET /settings': () =>
			savedSettings( {
				connected: false,
				migration: {
					pending: true,
					error: 'WordPress could not reach the sync service at http://127.0.0.1:8787.',
				},
			} ),
		'GET /lists': () => lists,
	} );
	assert.ok(
		text().includes(
			'This site still holds the sync service’s admin token from an earlier version.'
		)
	);
	assert.ok(
		text().includes(
			'The last attempt failed, and it is tried again on the next admin page: WordPress could not reach the sync service at http://127.0.0.1:8787.'
		)
	);
	assert.equal( hasButton( container, 'Rotate credential' ), false );
} );

test( 'a code that connected before Klaviyo refused the key is cleared from the form, and the page shows the connection', async () => {
	let connected = false;
	const { container, text } = await open( {
		'GET /settings': () =>
			connected
				? savedSettings( { storeId: 'shop-9', klaviyoKeyLast4: null } )
				: unconfigured,
		'POST /settings': () => {
			connected = true;
			throw {
				code: 'wck_klaviyo_key_invalid',
				message:
					'Klaviyo rejected this private API key. Check that it is a private key with read and write access, then save again. Nothing was changed.',
				data: { status: 409, field: 'klaviyoPrivateKey' },
			};
		},
	} );
	await setValue( byLabel( container, 'Connection code' ), 'wckc_once' );
	await setValue(
		byLabel( container, 'Klaviyo private API key' ),
		'pk_wrongwrongwrong'
	);
	await click( button( container, 'Save settings' ) );
	await settle();
	assert.ok( text().includes( 'Klaviyo refused this private key' ) );
	assert.equal( byLabel( container, 'Connection code' ).value, '' );
	assert.ok( text().includes( 'Connected as store shop-9' ) );
} );
