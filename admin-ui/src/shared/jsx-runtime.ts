/**
 * The automatic JSX runtime on top of wp.element's createElement. Bundled instead of WordPress's
 * `react-jsx-runtime` script (added in WordPress 6.6), so the pages also load on older WordPress and
 * always create elements for the React that WordPress ships.
 */
import { createElement, Fragment } from '@wordpress/element';

type Props = Record< string, unknown > & { children?: unknown };

function create( type: unknown, props: Props, key: unknown, spread: boolean ) {
	const { children, ...rest } = props;
	const config: Record< string, unknown > = rest;
	if ( key !== undefined ) {
		config.key = key;
	}
	const make = createElement as (
		t: unknown,
		p: unknown,
		...c: unknown[]
	) => unknown;
	if ( children === undefined ) {
		return make( type, config );
	}
	// jsxs gets static children as an array: spread them so React does not ask for keys.
	return spread && Array.isArray( children )
		? make( type, config, ...children )
		: make( type, config, children );
}

export function jsx( type: unknown, props: Props, key?: unknown ) {
	return create( type, props, key, false );
}

export function jsxs( type: unknown, props: Props, key?: unknown ) {
	return create( type, props, key, true );
}

export { Fragment };
