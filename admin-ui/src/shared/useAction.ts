/**
 * The state of a panel's buttons: which action is running (so its button shows busy and the others wait) and the
 * notice of the last outcome. `run( key, action )` clears the notice, marks `key` busy, and shows what the action
 * resolved to (a notice, or nothing) or, when it rejects, the error in plain words.
 */
import { useState } from '@wordpress/element';
import { errorNotice, type PageNotice } from './notices';

export interface Action< K extends string > {
	/** The running action's key, or null. */
	busy: K | null;
	notice: PageNotice | null;
	clearNotice: () => void;
	run: (
		key: K,
		action: () => Promise< PageNotice | null | void >
	) => Promise< void >;
}

export function useAction< K extends string = 'action' >(): Action< K > {
	const [ busy, setBusy ] = useState< K | null >( null );
	const [ notice, setNotice ] = useState< PageNotice | null >( null );
	const run = async (
		key: K,
		action: () => Promise< PageNotice | null | void >
	) => {
		setBusy( key );
		setNotice( null );
		try {
			setNotice( ( await action() ) ?? null );
		} catch ( e ) {
			setNotice( errorNotice( e ) );
		} finally {
			setBusy( null );
		}
	};
	return { busy, notice, clearNotice: () => setNotice( null ), run };
}
