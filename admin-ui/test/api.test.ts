import assert from 'node:assert/strict';
import { test } from 'node:test';
import apiFetch from '@wordpress/api-fetch';
import * as api from '../src/shared/api';

interface Call {
	path: string;
	method: string;
	data: unknown;
}

function capture( response: unknown ): Call[] {
	const calls: Call[] = [];
	apiFetch.setFetchHandler( async ( options ) => {
		calls.push( {
			path: String( options.path ),
			method: String( options.method ?? 'GET' ),
			data: options.data,
		} );
		return response;
	} );
	return calls;
}

test( 'every call goes to the plugin namespace with the right method', async () => {
	const calls = capture( {} );
	await api.getSettings();
	await api.saveSettings( { sidecarUrl: 'http://x:1', listId: 'L' } );
	await api.testConnection( { sidecarUrl: 'http://x:1' } );
	await api.getLists();
	await api.getStatus();
	await api.getDelivery( '31' );
	await api.replayDelivery( '31' );
	await api.replayAllFailed();
	await api.reenableWebhooks();
	const seen = calls.map(
		( c ) => `${ c.method } ${ c.path.replace( /[?&]_locale=user/, '' ) }`
	);
	assert.deepEqual( seen, [
		'GET /wc-klaviyo-sync/v1/settings',
		'POST /wc-klaviyo-sync/v1/settings',
		'POST /wc-klaviyo-sync/v1/test-connection',
		'GET /wc-klaviyo-sync/v1/lists',
		'GET /wc-klaviyo-sync/v1/status',
		'GET /wc-klaviyo-sync/v1/deliveries/31',
		'POST /wc-klaviyo-sync/v1/deliveries/31/replay',
		'POST /wc-klaviyo-sync/v1/replay?status=dead',
		'POST /wc-klaviyo-sync/v1/webhooks/reenable',
	] );
	assert.deepEqual( calls[ 1 ]!.data, {
		sidecarUrl: 'http://x:1',
		listId: 'L',
	} );
} );

test( 'deliveries query carries only the filters that are set', async () => {
	const calls = capture( { items: [], nextCursor: null } );
	await api.getDeliveries( {
		status: 'dead',
		q: ' #42 ',
		cursor: 'abc',
		limit: 25,
	} );
	await api.getDeliveries( { status: '', q: '  ' } );
	const first = new URL( calls[ 0 ]!.path, 'http://wp' );
	assert.equal( first.pathname, '/wc-klaviyo-sync/v1/deliveries' );
	assert.equal( first.searchParams.get( 'status' ), 'dead' );
	assert.equal( first.searchParams.get( 'q' ), '#42' );
	assert.equal( first.searchParams.get( 'cursor' ), 'abc' );
	assert.equal( first.searchParams.get( 'limit' ), '25' );
	const second = new URL( calls[ 1 ]!.path, 'http://wp' );
	assert.equal( second.searchParams.has( 'status' ), false );
	assert.equal( second.searchParams.has( 'q' ), false );
} );

test( 'a delivery id is encoded into the path', async () => {
	const calls = capture( {} );
	await api.getDelivery( '../settings' );
	assert.match(
		calls[ 0 ]!.path,
		/^\/wc-klaviyo-sync\/v1\/deliveries\/\.\.%2Fsettings/
	);
} );
