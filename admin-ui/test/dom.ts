/**
 * A browser-like document for tests that mount whole pages (import this first). jsdom gives the DOM;
 * React's act() flushes renders and effects.
 */
import { after } from 'node:test';
import { JSDOM, VirtualConsole } from 'jsdom';

// jsdom's CSS parser does not know the modern CSS (@layer, nesting) that components inject; that is noise.
const virtualConsole = new VirtualConsole();
virtualConsole.on( 'jsdomError', ( error ) => {
	if ( ! error.message.includes( 'Could not parse CSS stylesheet' ) ) {
		// eslint-disable-next-line no-console
		console.error( error );
	}
} );

const dom = new JSDOM( '<!doctype html><html><body></body></html>', {
	url: 'http://wp.test/wp-admin/admin.php?page=wc-klaviyo-sync',
	pretendToBeVisual: true,
	virtualConsole,
} );
const win = dom.window as unknown as Window & typeof globalThis;

const globals: Record< string, unknown > = {
	window: win,
	document: win.document,
	navigator: win.navigator,
	HTMLElement: win.HTMLElement,
	HTMLInputElement: win.HTMLInputElement,
	HTMLSelectElement: win.HTMLSelectElement,
	Element: win.Element,
	Node: win.Node,
	Event: win.Event,
	KeyboardEvent: win.KeyboardEvent,
	MouseEvent: win.MouseEvent,
	FocusEvent: win.FocusEvent,
	InputEvent: win.InputEvent,
	MutationObserver: win.MutationObserver,
	getComputedStyle: win.getComputedStyle.bind( win ),
	requestAnimationFrame: ( cb: FrameRequestCallback ) =>
		setTimeout( () => cb( Date.now() ), 0 ),
	cancelAnimationFrame: ( id: number ) => clearTimeout( id ),
	IS_REACT_ACT_ENVIRONMENT: true,
};
for ( const [ key, value ] of Object.entries( globals ) ) {
	Object.defineProperty( globalThis, key, {
		value,
		configurable: true,
		writable: true,
	} );
}
if ( ! win.matchMedia ) {
	win.matchMedia = ( query: string ) =>
		( {
			matches: false,
			media: query,
			onchange: null,
			addListener: () => {},
			removeListener: () => {},
			addEventListener: () => {},
			removeEventListener: () => {},
			dispatchEvent: () => false,
		} ) as MediaQueryList;
}
class NoResizeObserver {
	observe() {}
	unobserve() {}
	disconnect() {}
}
( win as unknown as { ResizeObserver: unknown } ).ResizeObserver ??=
	NoResizeObserver;
( globalThis as unknown as { ResizeObserver: unknown } ).ResizeObserver ??=
	NoResizeObserver;

/** Makes the document hidden or visible and tells listeners, as a browser tab switch does. */
let hidden = false;
Object.defineProperty( win.document, 'hidden', {
	configurable: true,
	get: () => hidden,
} );
Object.defineProperty( win.document, 'visibilityState', {
	configurable: true,
	get: () => ( hidden ? 'hidden' : 'visible' ),
} );
export function setHidden( value: boolean ): void {
	hidden = value;
	win.document.dispatchEvent( new win.Event( 'visibilitychange' ) );
}

export { win };

// jsdom's timers (requestAnimationFrame, components' own) would keep the test process alive.
after( () => dom.window.close() );
