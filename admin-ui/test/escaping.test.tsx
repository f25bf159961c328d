/** Payload text is shown as text: a product name with HTML in it must never become markup. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveriesTable } from '../src/sync-log/DeliveriesTable';
import { DeliveryDetailsView } from '../src/sync-log/DeliveryDetails';
import type { Delivery, DeliveryDetail } from '../src/types';
import { render, textOf } from './helpers';

const EVIL = '<img src=x onerror=alert(1)>';

const delivery: Delivery = {
	id: '31',
	receivedAt: '2026-01-10T11:59:00Z',
	topic: 'order.created',
	resource: 'order',
	resourceId: 42,
	orderNumber: '42',
	email: `ann${ EVIL }@example.com`,
	status: 'dead',
	note: null,
	error: {
		class: 'bad_request',
		message: `Invalid item ${ EVIL }`,
		klaviyo: [
			{
				code: 'invalid',
				title: 'Invalid input.',
				detail: `Bad name ${ EVIL }`,
				source: { pointer: '/data/attributes/properties/Items' },
			},
		],
	},
	requests: [
		{
			id: '1',
			kind: 'event',
			metric: 'Placed Order',
			key: 'woo:shop1:order:42:placed',
			status: 'dead',
			attempts: 1,
			responseStatus: 400,
			error: `Klaviyo said ${ EVIL }`,
		},
	],
};

const detail: DeliveryDetail = {
	...delivery,
	headers: { 'X-WC-Webhook-Topic': 'order.created' },
	payload: { id: 42, line_items: [ { name: EVIL, quantity: 1 } ] },
	requests: [
		{
			...delivery.requests[ 0 ]!,
			body: {
				data: {
					type: 'event',
					attributes: { properties: { ItemNames: [ EVIL ] } },
				},
			},
		},
	],
};

function assertNoInjectedMarkup( html: string ) {
	assert.equal(
		/<img/i.test( html ),
		false,
		'an <img> element was rendered'
	);
	assert.equal(
		/onerror=/i.test(
			html.replace( /&lt;img src=x onerror=alert\(1\)&gt;/g, '' )
		),
		false
	);
}

test( 'a product name with HTML in the payload and in what was sent renders as text', () => {
	const html = render( <DeliveryDetailsView detail={ detail } /> );
	assertNoInjectedMarkup( html );
	assert.ok(
		html.includes( '&lt;img src=x onerror=alert(1)&gt;' ),
		'the name is escaped'
	);
	const text = textOf( html );
	assert.ok(
		text.includes( `"name": "${ EVIL }"` ),
		'the payload shows the name as text'
	);
	assert.ok(
		text.includes( `"ItemNames": [ "${ EVIL }" ]` ) ||
			text.includes( EVIL ),
		'the request body shows it as text'
	);
	assert.ok( text.includes( 'What WooCommerce sent' ) );
	assert.ok( text.includes( 'What was sent to Klaviyo' ) );
} );

test( 'emails and Klaviyo errors with HTML in them render as text in the table', () => {
	const html = render(
		<DeliveriesTable
			items={ [ delivery ] }
			now={ Date.parse( '2026-01-10T12:00:00Z' ) }
			replayingId={ null }
			onReplay={ () => {} }
			filtered={ false }
		/>
	);
	assertNoInjectedMarkup( html );
	const text = textOf( html );
	assert.ok( text.includes( `ann${ EVIL }@example.com` ) );
	assert.ok( text.includes( `Bad name ${ EVIL }` ) );
} );

test( 'a body that was not JSON is shown as received, as text', () => {
	const html = render(
		<DeliveryDetailsView
			detail={ {
				...detail,
				payload: undefined,
				rawBody: `<script>alert(1)</script>`,
			} }
		/>
	);
	assert.equal( /<script>/i.test( html ), false );
	assert.ok( textOf( html ).includes( '<script>alert(1)</script>' ) );
	assert.ok( textOf( html ).includes( 'not valid JSON' ) );
} );
