/**
 * The sync log's data: status and the current page of deliveries, polled every 5 s while the page is visible.
 * The first page is refreshed on each poll so new deliveries appear; an older page stays as it is.
 */
import { useDebounce } from '@wordpress/compose';
import { useCallback, useEffect, useRef, useState } from '@wordpress/element';
import { getDeliveries, getStatus } from '../shared/api';
import { describeError } from '../shared/errors';
import { createPoller, type Poller } from '../shared/poller';
import type {
	DeliveriesQuery,
	DeliveriesResponse,
	DeliveryStatus,
	StatusResponse,
	Webhook,
} from '../types';

export const POLL_MS = 5000;
export const PAGE_SIZE = 25;
/** A search makes the sidecar scan the store's deliveries, so it waits until typing pauses this long. */
const SEARCH_DEBOUNCE_MS = 400;

export function useSyncLog( pollMs: number = POLL_MS ) {
	const [ status, setStatus ] = useState< StatusResponse | null >( null );
	const [ statusError, setStatusError ] = useState< string | null >( null );
	const [ page, setPage ] = useState< DeliveriesResponse | null >( null );
	const [ pageError, setPageError ] = useState< string | null >( null );
	const [ filterStatus, setFilterStatus ] = useState< DeliveryStatus | '' >(
		''
	);
	const [ q, setQ ] = useState( '' );
	const [ debouncedQ, setDebouncedQ ] = useState( '' );
	const searchLater = useDebounce( setDebouncedQ, SEARCH_DEBOUNCE_MS );
	const [ cursor, setCursor ] = useState< string | undefined >( undefined );
	const [ now, setNow ] = useState( () => Date.now() );

	const query = useRef< DeliveriesQuery >( {
		status: '',
		q: '',
		cursor: undefined,
	} );
	const seq = useRef( 0 );
	const poller = useRef< Poller | null >( null );

	const loadDeliveries = useCallback( async () => {
		const n = ++seq.current;
		try {
			const res = await getDeliveries( {
				...query.current,
				limit: PAGE_SIZE,
			} );
			if ( n === seq.current ) {
				setPage( res );
				setPageError( null );
			}
		} catch ( e ) {
			if ( n === seq.current ) {
				setPageError( describeError( e ).message );
			}
		}
	}, [] );

	const loadStatus = useCallback( async () => {
		try {
			setStatus( await getStatus() );
			setStatusError( null );
		} catch ( e ) {
			setStatusError( describeError( e ).message );
		}
		setNow( Date.now() );
	}, [] );

	// A change of filter or page loads that page at once (the poller keeps the first page fresh).
	const first = useRef( true );
	useEffect( () => {
		query.current = { status: filterStatus, q: debouncedQ, cursor };
		if ( first.current ) {
			first.current = false;
			return;
		}
		loadDeliveries();
	}, [ filterStatus, debouncedQ, cursor, loadDeliveries ] );

	useEffect( () => {
		const p = createPoller( {
			intervalMs: pollMs,
			visibility: document,
			run: () =>
				Promise.all( [
					loadStatus(),
					query.current.cursor ? Promise.resolve() : loadDeliveries(),
				] ),
		} );
		poller.current = p;
		p.start();
		return () => p.stop();
	}, [ loadStatus, loadDeliveries, pollMs ] );

	const refresh = useCallback( () => {
		poller.current?.refresh();
		// On an older page the poller leaves the table alone; after an action reload it too.
		if ( query.current.cursor ) {
			loadDeliveries();
		}
	}, [ loadDeliveries ] );

	return {
		status,
		statusError,
		page,
		pageError,
		now,
		filterStatus,
		q,
		cursor,
		setFilterStatus: ( s: DeliveryStatus | '' ) => {
			setFilterStatus( s );
			setCursor( undefined );
		},
		setQ: ( value: string ) => {
			setQ( value );
			searchLater( value );
			setCursor( undefined );
		},
		older: () => page?.nextCursor && setCursor( page.nextCursor ),
		newest: () => setCursor( undefined ),
		setWebhooks: ( webhooks: Webhook[] ) =>
			setStatus( ( s ) => ( s ? { ...s, webhooks } : s ) ),
		refresh,
	};
}
