/** WooCommerce → Klaviyo Sync Log: health, deliveries, details and replay. */
import { Button, Notice } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import { replayAllFailed, replayDelivery } from '../shared/api';
import {
	errorNotice,
	Loading,
	OutcomeNotice,
	type PageNotice,
} from '../shared/notices';
import { WebhookPanel } from '../shared/WebhookPanel';
import { HistoryProgress, useHistory } from '../shared/HistoryProgress';
import { DeliveriesTable } from './DeliveriesTable';
import { DeliveryFilters } from './DeliveryFilters';
import { HealthHeader, settingsUrl, sidecarErrorText } from './HealthHeader';
import { ReplayAll } from './ReplayAll';
import { useSyncLog } from './useSyncLog';

export function replayedText( n: number ): string {
	if ( n === 0 ) {
		return __(
			'Nothing to replay: no failed requests were found.',
			'wc-klaviyo-sync'
		);
	}
	return sprintf(
		/* translators: %d: number of requests queued again */
		_n(
			'%d failed request was queued again and will be sent to Klaviyo shortly.',
			'%d failed requests were queued again and will be sent to Klaviyo shortly.',
			n,
			'wc-klaviyo-sync'
		),
		n
	);
}

/**
 * The sync log page.
 *
 * @param root0        Props.
 * @param root0.pollMs How often to refresh while visible, in ms (tests use a short interval).
 */
export function SyncLogPage( { pollMs }: { pollMs?: number } = {} ) {
	const log = useSyncLog( pollMs );
	const history = useHistory( pollMs );
	const historyRun = history.status?.run ?? null;
	const [ notice, setNotice ] = useState< PageNotice | null >( null );
	const [ replayingId, setReplayingId ] = useState< string | null >( null );
	const [ replayingAll, setReplayingAll ] = useState( false );

	// One replay action (one delivery or every failed one): show the count, then refresh the table.
	const replay = async (
		call: () => Promise< { replayed: number } >,
		setBusy: ( busy: boolean ) => void
	) => {
		setBusy( true );
		try {
			const res = await call();
			setNotice( {
				status: res.replayed > 0 ? 'success' : 'warning',
				message: replayedText( res.replayed ),
			} );
		} catch ( e ) {
			setNotice( errorNotice( e ) );
		} finally {
			setBusy( false );
			log.refresh();
		}
	};

	const onReplay = ( id: string ) =>
		replay(
			() => replayDelivery( id ),
			( busy ) => setReplayingId( busy ? id : null )
		);

	const onReplayAll = () => replay( replayAllFailed, setReplayingAll );

	const sidecar = log.status?.sidecar ?? null;
	const deadCount = sidecar
		? ( sidecar.deliveries.byStatus.dead ?? 0 )
		: null;

	return (
		<div className="wck-sync-log">
			<OutcomeNotice
				notice={ notice }
				onRemove={ () => setNotice( null ) }
			/>
			{ log.statusError && (
				<Notice status="error" isDismissible={ false }>
					{ log.statusError }
				</Notice>
			) }
			{ log.status?.sidecarError && (
				<Notice status="error" isDismissible={ false }>
					{ sidecarErrorText(
						log.status.sidecarError,
						log.status.webhooks.some(
							( w ) =>
								w.status !== 'missing' &&
								w.status !== 'not_set_up'
						)
					) }
					{ settingsUrl() && (
						<>
							{ ' ' }
							<a href={ settingsUrl() ?? undefined }>
								{ __(
									'Open the Klaviyo settings',
									'wc-klaviyo-sync'
								) }
							</a>
						</>
					) }
				</Notice>
			) }
			{ ! log.status && ! log.statusError && (
				<Loading>
					{ __( 'Loading the sync status…', 'wc-klaviyo-sync' ) }
				</Loading>
			) }
			{ sidecar && <HealthHeader status={ sidecar } now={ log.now } /> }
			{ log.status && (
				<WebhookPanel
					webhooks={ log.status.webhooks }
					onChange={ log.setWebhooks }
				/>
			) }

			{ historyRun && (
				<>
					<h2>{ __( 'History sync', 'wc-klaviyo-sync' ) }</h2>
					<HistoryProgress
						run={ historyRun }
						onChange={ history.setStatus }
					/>
				</>
			) }

			<h2>{ __( 'Deliveries', 'wc-klaviyo-sync' ) }</h2>
			<DeliveryFilters
				status={ log.filterStatus }
				q={ log.q }
				onStatus={ log.setFilterStatus }
				onQuery={ log.setQ }
			/>
			<div className="wck-replay-all" style={ { margin: '8px 0' } }>
				<ReplayAll
					deadCount={ deadCount }
					busy={ replayingAll }
					onConfirm={ onReplayAll }
				/>
			</div>
			{ log.pageError && (
				<Notice status="error" isDismissible={ false }>
					{ sprintf(
						/* translators: %s: why the deliveries could not be loaded */
						__(
							'The deliveries could not be loaded: %s',
							'wc-klaviyo-sync'
						),
						log.pageError
					) }
				</Notice>
			) }
			{ log.page ? (
				<DeliveriesTable
					items={ log.page.items }
					now={ log.now }
					replayingId={ replayingId }
					onReplay={ onReplay }
					filtered={ Boolean( log.filterStatus || log.q.trim() ) }
				/>
			) : (
				! log.pageError && (
					<Loading>
						{ __( 'Loading deliveries…', 'wc-klaviyo-sync' ) }
					</Loading>
				)
			) }
			<div
				className="wck-paging"
				style={ { display: 'flex', gap: '8px', margin: '16px 0' } }
			>
				<Button
					variant="secondary"
					onClick={ log.newest }
					disabled={ ! log.cursor }
				>
					{ __( 'Newest', 'wc-klaviyo-sync' ) }
				</Button>
				<Button
					variant="secondary"
					onClick={ log.older }
					disabled={ ! log.page?.nextCursor }
				>
					{ __( 'Older', 'wc-klaviyo-sync' ) }
				</Button>
			</div>
		</div>
	);
}
