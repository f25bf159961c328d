import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
	createPoller,
	type Timers,
	type VisibilitySource,
} from '../src/shared/poller';

class FakeDocument implements VisibilitySource {
	hidden = false;
	private listeners = new Set< () => void >();
	addEventListener( _t: 'visibilitychange', l: () => void ) {
		this.listeners.add( l );
	}
	removeEventListener( _t: 'visibilitychange', l: () => void ) {
		this.listeners.delete( l );
	}
	setHidden( hidden: boolean ) {
		this.hidden = hidden;
		this.listeners.forEach( ( l ) => l() );
	}
	get listenerCount() {
		return this.listeners.size;
	}
}

class FakeTimers implements Timers {
	now = 0;
	private next = 1;
	timers = new Map< number, { at: number; fn: () => void } >();
	setTimeout( fn: () => void, ms: number ) {
		const id = this.next++;
		this.timers.set( id, { at: this.now + ms, fn } );
		return id;
	}
	clearTimeout( handle: unknown ) {
		this.timers.delete( handle as number );
	}
	/**
	 * Advances time, firing due timers, and lets promise callbacks run in between.
	 * @param ms How far to move the clock.
	 */
	async advance( ms: number ) {
		const end = this.now + ms;
		for (;;) {
			await flush();
			const due = [ ...this.timers.entries() ]
				.filter( ( [ , t ] ) => t.at <= end )
				.sort( ( a, b ) => a[ 1 ].at - b[ 1 ].at )[ 0 ];
			if ( ! due ) {
				break;
			}
			this.timers.delete( due[ 0 ] );
			this.now = due[ 1 ].at;
			due[ 1 ].fn();
		}
		this.now = end;
		await flush();
	}
}

const flush = async () => {
	for ( let i = 0; i < 5; i++ ) {
		await Promise.resolve();
	}
};

function setup() {
	const doc = new FakeDocument();
	const timers = new FakeTimers();
	const runs: number[] = [];
	const poller = createPoller( {
		intervalMs: 5000,
		visibility: doc,
		timers,
		run: async () => {
			runs.push( timers.now );
		},
	} );
	return { doc, timers, runs, poller };
}

test( 'runs at once on start, then every 5 s', async () => {
	const { timers, runs, poller } = setup();
	poller.start();
	await timers.advance( 0 );
	assert.deepEqual( runs, [ 0 ] );
	await timers.advance( 15000 );
	assert.deepEqual( runs, [ 0, 5000, 10000, 15000 ] );
	poller.stop();
} );

test( 'stops while the document is hidden and refreshes at once when it is visible again', async () => {
	const { doc, timers, runs, poller } = setup();
	poller.start();
	await timers.advance( 6000 );
	assert.deepEqual( runs, [ 0, 5000 ] );
	doc.setHidden( true );
	await timers.advance( 60000 );
	assert.deepEqual( runs, [ 0, 5000 ], 'no poll while hidden' );
	assert.equal( timers.timers.size, 0, 'no timer left while hidden' );
	doc.setHidden( false );
	await timers.advance( 0 );
	assert.deepEqual(
		runs,
		[ 0, 5000, 66000 ],
		'polls at once on becoming visible'
	);
	await timers.advance( 5000 );
	assert.deepEqual( runs, [ 0, 5000, 66000, 71000 ] );
	poller.stop();
} );

test( 'does not start polling when started hidden, until the page is shown', async () => {
	const { doc, timers, runs, poller } = setup();
	doc.hidden = true;
	poller.start();
	await timers.advance( 20000 );
	assert.deepEqual( runs, [] );
	doc.setHidden( false );
	await timers.advance( 0 );
	assert.deepEqual( runs, [ 20000 ] );
	poller.stop();
} );

test( 'never runs twice at once; a slow run delays the next one', async () => {
	const doc = new FakeDocument();
	const timers = new FakeTimers();
	let active = 0;
	let maxActive = 0;
	let release: ( () => void ) | null = null;
	let calls = 0;
	const poller = createPoller( {
		intervalMs: 5000,
		visibility: doc,
		timers,
		run: () => {
			calls++;
			active++;
			maxActive = Math.max( maxActive, active );
			return new Promise< void >( ( resolve ) => {
				release = () => {
					active--;
					resolve();
				};
			} );
		},
	} );
	poller.start();
	await timers.advance( 20000 );
	assert.equal( calls, 1, 'still waiting for the first run' );
	poller.refresh();
	doc.setHidden( true );
	doc.setHidden( false );
	await timers.advance( 0 );
	assert.equal( calls, 1 );
	( release as unknown as () => void )();
	await timers.advance( 0 );
	assert.equal(
		calls,
		2,
		'the refresh asked for during the run happens right after it'
	);
	assert.equal( maxActive, 1 );
	poller.stop();
} );

test( 'a failing run does not stop polling', async () => {
	const doc = new FakeDocument();
	const timers = new FakeTimers();
	let calls = 0;
	const poller = createPoller( {
		intervalMs: 5000,
		visibility: doc,
		timers,
		run: async () => {
			calls++;
			throw new Error( 'sidecar down' );
		},
	} );
	poller.start();
	await timers.advance( 10000 );
	assert.equal( calls, 3 );
	poller.stop();
} );

test( 'stop removes the listener and the timer', async () => {
	const { doc, timers, runs, poller } = setup();
	poller.start();
	await timers.advance( 0 );
	poller.stop();
	assert.equal( doc.listenerCount, 0 );
	assert.equal( timers.timers.size, 0 );
	doc.setHidden( true );
	doc.setHidden( false );
	await timers.advance( 20000 );
	assert.deepEqual( runs, [ 0 ] );
	assert.equal( poller.running, false );
} );
