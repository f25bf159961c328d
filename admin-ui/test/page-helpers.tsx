/** Mounting pages in jsdom with a scripted WP REST API behind @wordpress/api-fetch. */
import { afterEach } from 'node:test';
import apiFetch from '@wordpress/api-fetch';
import { createRoot } from '@wordpress/element';
import { act, type ReactElement } from 'react';
import { textOf } from './helpers';

export interface Request {
	method: string;
	path: string;
	query: URLSearchParams;
	data: unknown;
}

export type Route = ( req: Request ) => unknown;

/**
 * Answers api-fetch calls from `routes` ("GET /settings": handler); a thrown value is the WP_Error.
 * @param routes "METHOD /path" → handler.
 */
export function fakeApi( routes: Record< string, Route > ) {
	const calls: Request[] = [];
	apiFetch.setFetchHandler( async ( options ) => {
		const url = new URL( String( options.path ), 'http://wp.test' );
		const path = url.pathname.replace( '/wc-klaviyo-sync/v1', '' );
		const method = String( options.method ?? 'GET' );
		const req = {
			method,
			path,
			query: url.searchParams,
			data: options.data,
		};
		calls.push( req );
		const route =
			routes[ `${ method } ${ path }` ] ??
			routes[
				`${ method } ${ path.replace( /\/\d+(\/|$)/, '/:id$1' ) }`
			];
		if ( ! route ) {
			throw {
				code: 'rest_no_route',
				message: `No route ${ method } ${ path }`,
				data: { status: 404 },
			};
		}
		return route( req );
	} );
	return calls;
}

export async function mountPage( element: ReactElement ) {
	const container = document.createElement( 'div' );
	document.body.appendChild( container );
	const root = createRoot( container );
	await act( async () => {
		root.render( element );
	} );
	await settle();
	return {
		container,
		/** What a person reads, with a space between elements. */
		text: () => textOf( container.innerHTML ),
		unmount: async () => {
			await act( async () => root.unmount() );
			container.remove();
		},
	};
}

/**
 * For a test file whose tests each mount a page: `const mount = mountEachTest();` at the top, then
 * `const page = await mount( <Page /> );` in a test; each test's page is unmounted after it.
 */
export function mountEachTest() {
	let unmount: ( () => Promise< void > ) | null = null;
	afterEach( async () => {
		await unmount?.();
		unmount = null;
	} );
	return async ( element: ReactElement ) => {
		const page = await mountPage( element );
		unmount = page.unmount;
		return page;
	};
}

/**
 * Lets pending promises and effects finish.
 * @param ms Extra time to wait.
 */
export async function settle( ms = 0 ) {
	await act( async () => {
		await new Promise( ( r ) => setTimeout( r, ms ) );
	} );
	await act( async () => {
		await new Promise( ( r ) => setTimeout( r, 0 ) );
	} );
}

/**
 * Waits (in real time, flushing React) until `condition` holds, up to `timeoutMs`; throws when it never did.
 *
 * @param condition What to wait for.
 * @param timeoutMs Longest wait.
 */
export async function waitUntil( condition: () => boolean, timeoutMs = 3000 ) {
	const end = Date.now() + timeoutMs;
	while ( ! condition() ) {
		if ( Date.now() > end ) {
			// Throws rather than answering false, so a bare `await waitUntil( … )` fails the test at the wait.
			throw new Error(
				`waitUntil: the condition did not hold within ${ timeoutMs } ms: ${ condition.toString() }`
			);
		}
		await settle( 20 );
	}
	return true;
}

export function byLabel< T extends HTMLElement = HTMLInputElement >(
	container: HTMLElement,
	label: string
): T {
	const l = [ ...container.querySelectorAll( 'label' ) ].find(
		( x ) => x.textContent?.trim() === label
	);
	if ( ! l ) {
		throw new Error( `no label "${ label }"` );
	}
	const el = container.ownerDocument.getElementById( l.htmlFor );
	if ( ! el ) {
		throw new Error( `label "${ label }" points at nothing` );
	}
	return el as T;
}

const findButton = ( container: HTMLElement, name: string ) =>
	[ ...container.querySelectorAll( 'button' ) ].find(
		( x ) => x.textContent?.trim() === name
	);

export function button(
	container: HTMLElement,
	name: string
): HTMLButtonElement {
	const b = findButton( container, name );
	if ( ! b ) {
		throw new Error( `no button "${ name }"` );
	}
	return b;
}

export function hasButton( container: HTMLElement, name: string ): boolean {
	return findButton( container, name ) !== undefined;
}

/**
 * Types into an input or picks an option the way React notices (native setter + input/change event).
 * @param el    Input or select.
 * @param value New value.
 */
export async function setValue(
	el: HTMLInputElement | HTMLSelectElement,
	value: string
) {
	await act( async () => {
		const proto = Object.getPrototypeOf( el );
		const setter = Object.getOwnPropertyDescriptor( proto, 'value' )?.set;
		setter?.call( el, value );
		el.dispatchEvent(
			new window.Event( el.tagName === 'SELECT' ? 'change' : 'input', {
				bubbles: true,
			} )
		);
	} );
}

export async function click( el: HTMLElement ) {
	await act( async () => {
		el.click();
	} );
	await settle();
}
