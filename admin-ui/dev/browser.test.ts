/**
 * Render check without WordPress: the built pages (plugin/build) loaded in Chromium on top of the real
 * WordPress 6.6 scripts (React, wp-element, wp-components, …), with a scripted REST API behind
 * wp.apiFetch. Catches what unit tests cannot: a component or prop missing from an older wp-components,
 * the script dependencies, and HTML in payloads staying text in a real browser.
 *
 * Needs `npm run build -w admin-ui` and /usr/bin/chromium; run with `npm run test:browser -w admin-ui`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
	ago,
	consentSettings,
	deadRequest,
	delivery,
	flowWebhookSettings,
	savedSettings,
	sidecarStatus,
	webhook,
} from '../test/fixtures';
import {
	atLeast,
	MIN_WP,
	scriptOrder,
	wordpressBuilds,
	type WpBuild,
} from './wp-assets';

const here = path.dirname( fileURLToPath( import.meta.url ) );
const buildDir = path.resolve( here, '../../plugin/build' );
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ORIGIN = 'http://wp.test';
const EVIL = '<img src=x onerror=alert(1)>';
/** Set to a folder to keep a full-page screenshot of each page at the end of its test. */
const SCREENSHOTS = process.env.WCK_SCREENSHOTS;

async function screenshot( page: Page, name: string ) {
	if ( SCREENSHOTS ) {
		await page.screenshot( {
			path: path.join( SCREENSHOTS, `${ name }.png` ),
			fullPage: true,
		} );
	}
}

type Fake = { body?: unknown; error?: unknown; delay?: number };

const webhooks = [
	webhook(),
	webhook( {
		topic: 'order.updated',
		id: 12,
		status: 'disabled',
		failureCount: 6,
	} ),
];
const settings = savedSettings( { listId: 'L1', webhooks } );
const alertsOff = { alerts: [], checkedAt: null, emailAlerts: false };
const flowBase =
	'http://127.0.0.1:8787/v1/stores/wp-abcdefabcdef/klaviyo/flow-webhooks';
const settingsRoutes: Record< string, Fake > = {
	'GET /settings': { body: settings },
	'GET /alerts': { body: alertsOff },
	'GET /sources': {
		body: {
			pinned: 'http://shop.example',
			site: { url: 'http://shop.example', relation: 'pinned' },
			held: [],
			heldTotal: 0,
		},
	},
	'GET /history': { body: { run: null } },
	'GET /consent-settings': {
		body: consentSettings( {
			sms: { ...consentSettings().sms, enabled: false },
		} ),
	},
	'GET /flow-webhooks': {
		body: flowWebhookSettings( { secret: 'wckf_browser' }, flowBase ),
	},
	'GET /lists': {
		body: {
			lists: [
				{ id: 'L1', name: 'Newsletter', optInProcess: 'single_opt_in' },
			],
		},
	},
	'POST /settings': {
		delay: 300,
		body: {
			...settings,
			webhooks: webhooks.map( ( w ) => ( {
				...w,
				status: 'active',
				failureCount: 0,
			} ) ),
			key: { status: 'valid', last4: '6789', detail: null },
		},
	},
	'POST /test-connection': {
		delay: 300,
		body: {
			sidecar: { ok: true, message: 'It answered.' },
			klaviyo: { ok: true, status: 'valid', message: 'Account Shop.' },
		},
	},
	'POST /webhooks/reenable': {
		body: {
			webhooks: webhooks.map( ( w ) => ( { ...w, status: 'active' } ) ),
		},
	},
};
const dead = delivery( {
	id: '7',
	receivedAt: ago( 60_000 ),
	resourceId: 7,
	orderNumber: '1007',
	status: 'dead',
	error: {
		class: 'bad_request',
		message: 'Invalid phone number format',
		klaviyo: [ { detail: `Bad item ${ EVIL }` } ],
	},
	requests: [ deadRequest() ],
} );
const logRoutes: Record< string, Fake > = {
	'GET /alerts': { body: alertsOff },
	'GET /history': { body: { run: null } },
	'GET /status': {
		body: {
			sidecar: sidecarStatus( {
				listId: 'L1',
				queue: {
					pending: 2,
					in_flight: 1,
					retrying: 0,
					paused: 0,
					done: 9,
					dead: 1,
					cancelled: 0,
				},
				deliveries: { total: 10, byStatus: { succeeded: 9, dead: 1 } },
				eventsPerMinute: 1,
				lastSuccessAt: ago( 180_000 ),
			} ),
			sidecarError: null,
			webhooks,
		},
	},
	'GET /deliveries': { body: { items: [ dead ], nextCursor: null } },
	'GET /deliveries/:id': {
		body: {
			...dead,
			payload: { id: 7, line_items: [ { name: EVIL } ] },
			requests: [
				{
					...dead.requests[ 0 ],
					body: { data: { type: 'event' } },
				},
			],
		},
	},
	'POST /deliveries/:id/replay': { body: { replayed: 1 } },
	'POST /replay': { body: { replayed: 1 } },
};

function fakeApiScript( routes: Record< string, Fake > ): string {
	return `
window.__calls = [];
window.__routes = ${ JSON.stringify( routes ) };
wp.apiFetch.setFetchHandler( async ( o ) => {
	const url = new URL( o.path, location.origin );
	const p = url.pathname.replace( '/wc-klaviyo-sync/v1', '' );
	const key = ( o.method || 'GET' ) + ' ' + p;
	window.__calls.push( { key, search: url.search, data: o.data ?? null } );
	const r = window.__routes[ key ] || window.__routes[ key.replace( /\\/\\d+(\\/|$)/, '/:id$1' ) ];
	if ( ! r ) throw { code: 'rest_no_route', message: 'No route ' + key, data: { status: 404 } };
	if ( r.delay ) await new Promise( ( res ) => setTimeout( res, r.delay ) );
	if ( r.error ) throw r.error;
	return r.body;
} );`;
}

function pageHtml(
	build: WpBuild,
	entry: 'settings' | 'sync-log',
	mountId: string,
	routes: Record< string, Fake >
): string {
	const asset = readFileSync(
		path.join( buildDir, `${ entry }.asset.php` ),
		'utf8'
	);
	const handles = [ ...asset.matchAll( /'(wp-[a-z-]+|react[a-z-]*)'/g ) ].map(
		( m ) => m[ 1 ]!
	);
	const scripts = scriptOrder( build, handles ).map(
		( s ) => `<script src="/wp-includes/js/dist/${ s }"></script>`
	);
	return `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/wp-includes/css/dist/components/style.min.css"></head>
<body class="wp-admin"><div class="wrap"><h1>${ entry }</h1><div id="${ mountId }"></div></div>
${ scripts.join( '\n' ) }
<script>${ fakeApiScript( routes ) }</script>
<script src="/build/${ entry }.js"></script></body></html>`;
}

// The playground's builds of the WordPress the plugin requires or newer (6.6 ships the react-jsx-runtime
// script the bundles use), plus any folder named in WCK_WP_DIRS.
const builds = wordpressBuilds().filter(
	( b ) =>
		atLeast( b.version, MIN_WP ) ||
		! b.publicDir.includes( 'wordpress-builds' )
);
const ready =
	existsSync( CHROMIUM ) &&
	existsSync( path.join( buildDir, 'settings.js' ) ) &&
	builds.length > 0;

let browser: Browser;
before( async () => {
	if ( ready ) {
		browser = await chromium.launch( {
			executablePath: CHROMIUM,
			args: [
				'--no-sandbox',
				'--disable-gpu',
				'--disable-background-networking',
				'--disable-component-update',
			],
		} );
	}
} );
after( async () => {
	await browser?.close();
} );

async function openPage(
	build: WpBuild,
	entry: 'settings' | 'sync-log',
	mountId: string,
	routes: Record< string, Fake >
) {
	const page = await browser.newPage();
	const problems: string[] = [];
	const dialogs: string[] = [];
	page.on( 'pageerror', ( e ) =>
		problems.push( `pageerror: ${ e.message }` )
	);
	page.on( 'console', ( m ) => {
		if ( m.type() === 'error' ) {
			problems.push( `console: ${ m.text() }` );
		}
	} );
	page.on( 'dialog', async ( d ) => {
		dialogs.push( d.message() );
		await d.dismiss();
	} );
	await page.route( `${ ORIGIN }/**`, async ( route ) => {
		const url = new URL( route.request().url() );
		if ( url.pathname === '/' ) {
			return route.fulfill( {
				contentType: 'text/html',
				body: pageHtml( build, entry, mountId, routes ),
			} );
		}
		const file = url.pathname.startsWith( '/build/' )
			? path.join( buildDir, url.pathname.slice( '/build/'.length ) )
			: path.join( build.publicDir, url.pathname );
		if ( ! existsSync( file ) ) {
			return route.fulfill( { status: 404, body: 'not found' } );
		}
		return route.fulfill( {
			contentType: file.endsWith( '.css' )
				? 'text/css'
				: 'application/javascript',
			body: readFileSync( file ),
		} );
	} );
	await page.goto( `${ ORIGIN }/` );
	return { page, problems, dialogs };
}

const calls = ( page: Page ) =>
	page.evaluate(
		() =>
			(
				window as unknown as {
					__calls: Array< {
						key: string;
						search: string;
						data: unknown;
					} >;
				}
			 ).__calls
	);

/**
 * Waits until the page has asked the REST API for a query string containing `fragment`.
 * @param page     The page.
 * @param fragment Part of a query string, e.g. "status=dead".
 */
const requested = ( page: Page, fragment: string ) =>
	page.waitForFunction(
		( f ) =>
			(
				window as unknown as { __calls: Array< { search: string } > }
			 ).__calls.some( ( c ) => c.search.includes( f ) ),
		fragment
	);

for ( const build of builds ) {
	describe(
		`on WordPress ${ build.version } scripts`,
		{ skip: ready ? false : 'needs plugin/build and Chromium' },
		() => {
			test( 'settings page: fields by label, pk_ check, save, test connection, re-enable', async () => {
				const { page, problems } = await openPage(
					build,
					'settings',
					'wc-klaviyo-sync-settings',
					settingsRoutes
				);
				// Notices are also announced in WordPress's a11y-speak region: look inside the page's own root.
				const root = page.locator( '#wc-klaviyo-sync-settings' );
				try {
					await root
						.getByText(
							'Connected as store wp-abcdefabcdef to the sync service at http://127.0.0.1:8787.'
						)
						.waitFor();
					const code = page.getByLabel( 'Connection code' );
					assert.equal( await code.inputValue(), '' );
					await root
						.getByText( `${ flowBase }/coupon` )
						.first()
						.waitFor();
					const key = page.getByLabel( 'Klaviyo private API key' );
					assert.equal(
						await key.getAttribute( 'type' ),
						'password'
					);
					assert.equal(
						await key.getAttribute( 'placeholder' ),
						'Saved key ending in c0de'
					);
					await page
						.getByLabel( 'Klaviyo list' )
						.locator( 'option', { hasText: 'Newsletter' } )
						.waitFor( { state: 'attached' } );

					await key.fill( 'AbC123' );
					await root
						.getByText(
							'A Klaviyo private API key starts with "pk_"'
						)
						.waitFor();
					await key.fill( 'pk_0123456789' );

					await page
						.getByRole( 'button', { name: 'Test connection' } )
						.click();
					await root
						.getByText( 'Testing the sidecar and Klaviyo…' )
						.waitFor();
					await root
						.getByText( 'Sidecar: reachable. It answered.' )
						.waitFor();
					await root
						.getByText( 'Klaviyo: the key works. Account Shop.' )
						.waitFor();

					await root
						.getByText( 'WooCommerce disabled 1 webhook' )
						.waitFor();
					await page
						.getByRole( 'button', { name: 'Save settings' } )
						.click();
					assert.equal(
						await page
							.getByRole( 'button', { name: 'Saving…' } )
							.isDisabled(),
						true
					);
					await root
						.getByText(
							'Settings saved. Webhooks are registered and delivering.'
						)
						.waitFor();
					const post = ( await calls( page ) ).find(
						( c ) => c.key === 'POST /settings'
					);
					// Connected already: no code, no token, only the key and the list.
					assert.deepEqual( post?.data, {
						klaviyoPrivateKey: 'pk_0123456789',
						listId: 'L1',
					} );
					assert.equal(
						await root.getByText( 'WooCommerce disabled' ).count(),
						0
					);
					await screenshot( page, `settings-${ build.version }` );
					assert.deepEqual( problems, [] );
				} finally {
					await page.close();
				}
			} );

			test( 'sync log page: health, deliveries, filter, details as text, replay', async () => {
				const { page, problems, dialogs } = await openPage(
					build,
					'sync-log',
					'wc-klaviyo-sync-log',
					logRoutes
				);
				const root = page.locator( '#wc-klaviyo-sync-log' );
				try {
					await root.getByText( 'Order #1007' ).waitFor();
					assert.equal(
						await page.getByTestId( 'queue-depth' ).textContent(),
						'3'
					);
					// The fixtures' times are taken when this file loads: allow for the tests before this one.
					await root
						.getByText( /[3-5] minutes ago/ )
						.first()
						.waitFor();
					await root.getByText( `Bad item ${ EVIL }` ).waitFor();

					await page.getByLabel( 'Status' ).selectOption( 'dead' );
					await requested( page, 'status=dead' );
					await page
						.getByLabel( 'Search email or order' )
						.fill( '#1007' );
					await requested( page, 'q=%231007' );

					await page
						.getByRole( 'button', { name: 'Details' } )
						.click();
					const pre = page.locator( 'pre', { hasText: '"name":' } );
					await pre.waitFor();
					assert.ok(
						( await pre.textContent() )?.includes(
							`"name": "${ EVIL }"`
						)
					);
					assert.equal(
						await page.locator( '.wck-sync-log img' ).count(),
						0
					);

					await page
						.getByRole( 'button', { name: 'Replay', exact: true } )
						.click();
					await root
						.getByText( '1 failed request was queued again' )
						.waitFor();
					assert.deepEqual( dialogs, [], 'no alert ever ran' );
					await screenshot( page, `sync-log-${ build.version }` );
					assert.deepEqual( problems, [] );
				} finally {
					await page.close();
				}
			} );
		}
	);
}
