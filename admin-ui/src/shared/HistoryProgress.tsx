/**
 * A history sync's progress: state, a progress bar, done / total (products, customers and orders), events, rate and time left,
 * the newest problems with the record they belong to, and pause / resume / cancel. Shown on the sync log page and,
 * once a sync was started, on the settings page. Reads GET /history every few seconds while the page is visible.
 */
import { Notice, ProgressBar } from '@wordpress/components';
import { useCallback, useEffect, useRef, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { changeHistory, getHistory } from './api';
import { BusyButton } from './BusyButton';
import { errorNotice, OutcomeNotice } from './notices';
import { createPoller, type Poller } from './poller';
import { useAction } from './useAction';
import type { HistoryRun, HistoryStatus } from '../types';

export function stateText( state: HistoryRun[ 'state' ] ): string {
	switch ( state ) {
		case 'running':
			return __( 'Running', 'wc-klaviyo-sync' );
		case 'paused':
			return __( 'Paused', 'wc-klaviyo-sync' );
		case 'cancelled':
			return __( 'Cancelled', 'wc-klaviyo-sync' );
		case 'done':
			return __( 'Finished', 'wc-klaviyo-sync' );
		case 'failed':
			return __( 'Stopped after repeated failures', 'wc-klaviyo-sync' );
	}
}

/**
 * "12 min", "1 h 5 min", "40 s".
 * @param seconds Seconds left.
 */
export function durationText( seconds: number ): string {
	if ( seconds < 60 ) {
		/* translators: %d: seconds */
		return sprintf( __( '%d s', 'wc-klaviyo-sync' ), seconds );
	}
	const minutes = Math.round( seconds / 60 );
	if ( minutes < 60 ) {
		/* translators: %d: minutes */
		return sprintf( __( '%d min', 'wc-klaviyo-sync' ), minutes );
	}
	return sprintf(
		/* translators: 1: hours, 2: minutes */
		__( '%1$d h %2$d min', 'wc-klaviyo-sync' ),
		Math.floor( minutes / 60 ),
		minutes % 60
	);
}

/**
 * The counters in words.
 * @param run The run.
 */
export function progressLines( run: HistoryRun ): string[] {
	const of = ( done: number, total: number | null ) =>
		total === null
			? String( done )
			: /* translators: 1: records done, 2: records in all */
				sprintf( __( '%1$d of %2$d', 'wc-klaviyo-sync' ), done, total );
	const lines: string[] = [
		sprintf(
			/* translators: 1: products done (of total), 2: customers done (of total), 3: orders done (of total) */
			__(
				'Products: %1$s · Customers: %2$s · Orders: %3$s',
				'wc-klaviyo-sync'
			),
			of( run.products.done, run.products.total ),
			of( run.customers.done, run.customers.total ),
			of( run.orders.done, run.orders.total )
		),
		sprintf(
			/* translators: %d: Klaviyo events */
			_n(
				'%d event for Klaviyo',
				'%d events for Klaviyo',
				run.eventsQueued,
				'wc-klaviyo-sync'
			),
			run.eventsQueued
		),
	];
	if ( run.ratePerMinute !== null ) {
		lines.push(
			sprintf(
				/* translators: %d: records per minute */
				__( '%d records a minute', 'wc-klaviyo-sync' ),
				run.ratePerMinute
			)
		);
	}
	if ( run.state === 'running' && run.secondsLeft !== null ) {
		lines.push(
			sprintf(
				/* translators: %s: time left, e.g. "12 min" */
				__( 'About %s left', 'wc-klaviyo-sync' ),
				durationText( run.secondsLeft )
			)
		);
	}
	return lines;
}

/**
 * The latest history sync, kept fresh while it runs.
 * @param pollMs How often to read it.
 */
export function useHistory( pollMs = 3000 ) {
	const [ status, setStatus ] = useState< HistoryStatus | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	const poller = useRef< Poller | null >( null );
	const load = useCallback(
		() =>
			getHistory().then(
				( s ) => {
					setStatus( s );
					setError( null );
				},
				( e: unknown ) => setError( errorNotice( e ).message )
			),
		[]
	);
	useEffect( () => {
		const p = createPoller( {
			intervalMs: pollMs,
			visibility: document,
			run: load,
		} );
		poller.current = p;
		p.start();
		return () => p.stop();
	}, [ load, pollMs ] );
	return {
		status,
		error,
		setStatus,
		refresh: () => poller.current?.refresh(),
	};
}

export function HistoryProgress( {
	run,
	onChange,
}: {
	run: HistoryRun;
	onChange: ( next: HistoryStatus ) => void;
} ) {
	const {
		busy,
		notice,
		clearNotice,
		run: runAction,
	} = useAction< 'pause' | 'resume' | 'cancel' >();
	const act = ( verb: 'pause' | 'resume' | 'cancel' ) =>
		runAction( verb, async () => {
			onChange( await changeHistory( verb ) );
		} );
	const active = run.state === 'running' || run.state === 'paused';
	return (
		<div className="wck-history" data-state={ run.state }>
			<p>
				<strong>{ stateText( run.state ) }</strong>
				{ run.percent !== null && ` · ${ run.percent }%` }
			</p>
			{ active && (
				<ProgressBar
					value={ run.percent ?? undefined }
					aria-label={ __(
						'History sync progress',
						'wc-klaviyo-sync'
					) }
				/>
			) }
			<ul className="wck-history-counters">
				{ progressLines( run ).map( ( line ) => (
					<li key={ line }>{ line }</li>
				) ) }
			</ul>
			{ run.lastError && active && (
				<Notice status="warning" isDismissible={ false }>
					{ run.lastError }
				</Notice>
			) }
			{ run.errors.length > 0 && (
				<details className="wck-history-errors">
					<summary>
						{ sprintf(
							/* translators: %d: problems */
							_n(
								'%d problem',
								'%d problems',
								run.errors.length,
								'wc-klaviyo-sync'
							),
							run.errors.length
						) }
					</summary>
					<ul>
						{ run.errors.map( ( e ) => (
							<li key={ `${ e.at }-${ e.recordId ?? 'page' }` }>
								{ e.recordId !== null
									? sprintf(
											/* translators: 1: product, customer or order, 2: WooCommerce id, 3: the problem */
											__(
												'%1$s #%2$d: %3$s',
												'wc-klaviyo-sync'
											),
											{
												orders: __(
													'Order',
													'wc-klaviyo-sync'
												),
												customers: __(
													'Customer',
													'wc-klaviyo-sync'
												),
												products: __(
													'Product',
													'wc-klaviyo-sync'
												),
											}[ e.resource ],
											e.recordId,
											e.message
										)
									: e.message }
							</li>
						) ) }
					</ul>
				</details>
			) }
			<OutcomeNotice notice={ notice } onRemove={ clearNotice } />
			<div style={ { display: 'flex', gap: '8px' } }>
				{ run.state === 'running' && (
					<BusyButton
						variant="secondary"
						busy={ busy === 'pause' }
						onClick={ () => act( 'pause' ) }
					>
						{ __( 'Pause', 'wc-klaviyo-sync' ) }
					</BusyButton>
				) }
				{ ( run.state === 'paused' || run.state === 'failed' ) && (
					<BusyButton
						variant="secondary"
						busy={ busy === 'resume' }
						onClick={ () => act( 'resume' ) }
					>
						{ __( 'Resume', 'wc-klaviyo-sync' ) }
					</BusyButton>
				) }
				{ ( active || run.state === 'failed' ) && (
					<BusyButton
						variant="secondary"
						busy={ busy === 'cancel' }
						onClick={ () => act( 'cancel' ) }
					>
						{ __( 'Cancel', 'wc-klaviyo-sync' ) }
					</BusyButton>
				) }
			</div>
		</div>
	);
}
