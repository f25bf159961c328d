/**
 * Runs a task every `intervalMs` while the page is visible: never two runs at once, paused while
 * `document.hidden`, and run at once when the page becomes visible again.
 */

export interface VisibilitySource {
	readonly hidden: boolean;
	addEventListener: (
		type: 'visibilitychange',
		listener: () => void
	) => void;
	removeEventListener: (
		type: 'visibilitychange',
		listener: () => void
	) => void;
}

export interface Timers {
	setTimeout: ( fn: () => void, ms: number ) => unknown;
	clearTimeout: ( handle: unknown ) => void;
}

export interface PollerOptions {
	intervalMs: number;
	run: () => Promise< unknown > | unknown;
	visibility: VisibilitySource;
	timers?: Timers;
}

export interface Poller {
	start: () => void;
	stop: () => void;
	/** Runs now (e.g. after an action) and restarts the interval. */
	refresh: () => void;
	readonly running: boolean;
}

const defaultTimers: Timers = {
	setTimeout: ( fn, ms ) => globalThis.setTimeout( fn, ms ),
	clearTimeout: ( handle ) =>
		globalThis.clearTimeout( handle as ReturnType< typeof setTimeout > ),
};

export function createPoller( options: PollerOptions ): Poller {
	const { intervalMs, run, visibility } = options;
	const timers = options.timers ?? defaultTimers;
	let active = false;
	let inFlight = false;
	let again = false;
	let timer: unknown = null;

	const clear = () => {
		if ( timer !== null ) {
			timers.clearTimeout( timer );
			timer = null;
		}
	};

	const schedule = () => {
		clear();
		if ( active && ! visibility.hidden ) {
			timer = timers.setTimeout( tick, intervalMs );
		}
	};

	const tick = () => {
		timer = null;
		if ( ! active || visibility.hidden ) {
			return;
		}
		if ( inFlight ) {
			again = true;
			return;
		}
		inFlight = true;
		let result: unknown;
		try {
			result = run();
		} catch {
			result = undefined;
		}
		Promise.resolve( result )
			.catch( () => undefined )
			.then( () => {
				inFlight = false;
				if ( again ) {
					again = false;
					tick();
					return;
				}
				schedule();
			} );
	};

	const onVisibility = () => {
		if ( visibility.hidden ) {
			clear();
		} else {
			tick();
		}
	};

	return {
		start() {
			if ( active ) {
				return;
			}
			active = true;
			visibility.addEventListener( 'visibilitychange', onVisibility );
			tick();
		},
		stop() {
			active = false;
			again = false;
			clear();
			visibility.removeEventListener( 'visibilitychange', onVisibility );
		},
		refresh() {
			clear();
			tick();
		},
		get running() {
			return active;
		},
	};
}
