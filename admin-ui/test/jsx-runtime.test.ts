/** The bundled JSX runtime (wp.element's createElement) builds the same elements as React's own. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderToStaticMarkup } from 'react-dom/server';
import * as react from 'react/jsx-runtime';
import { Fragment, jsx, jsxs } from '../src/shared/jsx-runtime';

test( 'jsx and jsxs render like React for props, keys and children', () => {
	const ours = jsxs( 'ul', {
		className: 'a',
		children: [
			jsx( 'li', { children: 'one' }, 'k1' ),
			jsx( 'li', { id: 'x', children: [ 'two', ' ', 3 ] }, 'k2' ),
		],
	} );
	const theirs = react.jsxs( 'ul', {
		className: 'a',
		children: [
			react.jsx( 'li', { children: 'one' }, 'k1' ),
			react.jsx( 'li', { id: 'x', children: [ 'two', ' ', 3 ] }, 'k2' ),
		],
	} );
	assert.equal(
		renderToStaticMarkup( ours as never ),
		renderToStaticMarkup( theirs )
	);
	const kid = ( ours as { props: { children: Array< { key: string } > } } )
		.props.children[ 0 ]!;
	assert.equal( kid.key, 'k1' );
} );

test( 'fragments, no children and escaped text', () => {
	const el = jsxs( Fragment, {
		children: [
			jsx( 'br', {} ),
			jsx( 'b', { children: '<i>not markup</i>' } ),
		],
	} );
	assert.equal(
		renderToStaticMarkup( el as never ),
		'<br/><b>&lt;i&gt;not markup&lt;/i&gt;</b>'
	);
} );
