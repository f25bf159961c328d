/** Renders components to HTML in Node, the way @wordpress/components needs it (an Emotion cache). */
import createCache from '@emotion/cache';
import { CacheProvider } from '@emotion/react';
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';

export function render( element: ReactElement ): string {
	const cache = createCache( { key: 'css' } );
	return renderToStaticMarkup(
		<CacheProvider value={ cache }>{ element }</CacheProvider>
	);
}

/**
 * The visible text of rendered HTML (tags dropped, entities decoded), to assert on what a person reads.
 * @param html Rendered HTML.
 */
export function textOf( html: string ): string {
	return html
		.replace( /<style[^>]*>[\s\S]*?<\/style>/g, '' )
		.replace( /<[^>]+>/g, ' ' )
		.replace( /&lt;/g, '<' )
		.replace( /&gt;/g, '>' )
		.replace( /&quot;/g, '"' )
		.replace( /&#x27;/g, "'" )
		.replace( /&amp;/g, '&' )
		.replace( /\s+/g, ' ' )
		.trim();
}

/**
 * The id of the input a <label> with this text points at, checking that the input exists.
 * @param html  Rendered HTML.
 * @param label Label text.
 */
export function inputForLabel( html: string, label: string ): string {
	const m = new RegExp(
		`<label[^>]*for="([^"]+)"[^>]*>${ label }</label>`
	).exec( html );
	if ( ! m ) {
		throw new Error( `no label "${ label }"` );
	}
	const id = m[ 1 ]!;
	const input = new RegExp(
		`<(input|select|textarea)[^>]*id="${ id }"[^>]*>`
	).exec( html );
	if ( ! input ) {
		throw new Error( `label "${ label }" points at no control (#${ id })` );
	}
	return input[ 0 ];
}
