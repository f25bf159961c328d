/** The sync's health at a glance: queue, last success, key, circuit, and what is wrong in plain words. */
import { Notice } from '@wordpress/components';
import { __, _n, sprintf } from '@wordpress/i18n';
import { queueDepth } from '../shared/queue';
import { absoluteTime, relativeTime } from '../shared/time';
import type { SidecarStatus } from '../types';
import { circuitLabel, keyStatusLabel } from './labels';

function Stat( {
	label,
	children,
}: {
	label: string;
	children: React.ReactNode;
} ) {
	return (
		<div
			className="wck-stat"
			style={ { padding: '8px 16px', borderLeft: '3px solid #dcdcde' } }
		>
			<div style={ { color: '#646970', fontSize: '12px' } }>
				{ label }
			</div>
			<div style={ { fontSize: '14px', fontWeight: 600 } }>
				{ children }
			</div>
		</div>
	);
}

/**
 * Why there is no status, in plain words.
 *
 * @param error     The plugin's message.
 * @param connected Webhooks are registered, so WooCommerce is trying to deliver to the sidecar.
 */
export function sidecarErrorText( error: string, connected: boolean ): string {
	const text = sprintf(
		/* translators: %s: the reason given by the plugin */
		__( 'The sync status is not available: %s', 'wc-klaviyo-sync' ),
		error
	);
	if ( ! connected ) {
		return text;
	}
	return sprintf(
		/* translators: %s: the sentence before */
		__(
			'%s While the sync service (sidecar) cannot be reached, WooCommerce cannot deliver order and customer changes to it, and WooCommerce does not retry failed deliveries.',
			'wc-klaviyo-sync'
		),
		text
	);
}

/** The settings page's address, as the plugin passes it to the page. */
export function settingsUrl(): string | null {
	const config = (
		window as unknown as { wcKlaviyoSync?: { settingsUrl?: unknown } }
	 ).wcKlaviyoSync;
	return typeof config?.settingsUrl === 'string' ? config.settingsUrl : null;
}

/**
 * What the last gap check found, in plain words: the sidecar compares the orders WooCommerce changed with what it
 * holds (daily, and when a webhook is re-enabled or an outage ends) and sends what WooCommerce did not deliver.
 *
 * @param gap The status route's `gapCheck`.
 */
export function gapCheckText( gap: SidecarStatus[ 'gapCheck' ] ): string {
	if ( gap.running ) {
		return __( 'Checking now…', 'wc-klaviyo-sync' );
	}
	if ( ! gap.lastCheckAt ) {
		return __( 'Not run yet', 'wc-klaviyo-sync' );
	}
	const n = gap.lastRecovered ?? 0;
	if ( n === 0 ) {
		return __( 'Nothing was missing', 'wc-klaviyo-sync' );
	}
	return sprintf(
		/* translators: %d: number of orders */
		_n(
			'Recovered %d order that WooCommerce did not deliver',
			'Recovered %d orders that WooCommerce did not deliver',
			n,
			'wc-klaviyo-sync'
		),
		n
	);
}

export function HealthHeader( {
	status,
	now,
}: {
	status: SidecarStatus;
	now: number;
} ) {
	const q = status.queue;
	const depth = queueDepth( q );
	return (
		<div className="wck-health">
			{ status.paused && (
				<Notice status="error" isDismissible={ false }>
					{ status.pauseReason ??
						__(
							'Sending is paused because Klaviyo refused the private key. Deliveries are kept; save a working key in the settings to resume.',
							'wc-klaviyo-sync'
						) }
				</Notice>
			) }
			{ status.circuit.state === 'open' && (
				<Notice status="warning" isDismissible={ false }>
					{ __(
						'Klaviyo failed several times in a row, so sending waits for a moment before trying again. Nothing is lost.',
						'wc-klaviyo-sync'
					) }
				</Notice>
			) }
			<div
				className="wck-stats"
				style={ {
					display: 'flex',
					flexWrap: 'wrap',
					gap: '8px',
					margin: '16px 0',
				} }
			>
				<Stat label={ __( 'Waiting to be sent', 'wc-klaviyo-sync' ) }>
					<span data-testid="queue-depth">{ depth }</span>
					<div style={ { fontWeight: 400, fontSize: '12px' } }>
						{ sprintf(
							/* translators: 1: pending, 2: in flight, 3: retrying, 4: paused */
							__(
								'%1$d pending, %2$d sending, %3$d retrying, %4$d paused',
								'wc-klaviyo-sync'
							),
							q.pending ?? 0,
							q.in_flight ?? 0,
							q.retrying ?? 0,
							q.paused ?? 0
						) }
					</div>
				</Stat>
				<Stat label={ __( 'Last successful sync', 'wc-klaviyo-sync' ) }>
					{ relativeTime( status.lastSuccessAt, now ) }
					{ status.lastSuccessAt && (
						<div style={ { fontWeight: 400, fontSize: '12px' } }>
							<time dateTime={ status.lastSuccessAt }>
								{ absoluteTime( status.lastSuccessAt ) }
							</time>
						</div>
					) }
				</Stat>
				<Stat label={ __( 'Klaviyo key', 'wc-klaviyo-sync' ) }>
					{ keyStatusLabel( status.key.status ) }
					<div style={ { fontWeight: 400, fontSize: '12px' } }>
						{ status.key.last4 &&
							sprintf(
								/* translators: %s: last four characters of the key */
								__( 'ending in %s', 'wc-klaviyo-sync' ),
								status.key.last4
							) }
						{ status.key.detail && <> — { status.key.detail }</> }
					</div>
				</Stat>
				<Stat label={ __( 'Sending to Klaviyo', 'wc-klaviyo-sync' ) }>
					{ circuitLabel( status.circuit.state ) }
				</Stat>
				<Stat
					label={ __( 'Failed (needs replay)', 'wc-klaviyo-sync' ) }
				>
					{ status.deliveries.byStatus.dead ?? 0 }
				</Stat>
				<Stat
					label={ __( 'Check for missed orders', 'wc-klaviyo-sync' ) }
				>
					<span data-testid="gap-check">
						{ gapCheckText( status.gapCheck ) }
					</span>
					<div style={ { fontWeight: 400, fontSize: '12px' } }>
						{ status.gapCheck.lastCheckAt &&
							sprintf(
								/* translators: %s: relative time, e.g. "3 hours ago" */
								__( 'last checked %s', 'wc-klaviyo-sync' ),
								relativeTime( status.gapCheck.lastCheckAt, now )
							) }
						{ status.gapCheck.lastError && (
							<>
								{ ' — ' }
								{ sprintf(
									/* translators: %s: why the check could not finish */
									__(
										'the last try failed: %s',
										'wc-klaviyo-sync'
									),
									status.gapCheck.lastError
								) }
							</>
						) }
					</div>
				</Stat>
			</div>
			{ status.lastError && (
				<p className="wck-last-error">
					{ sprintf(
						/* translators: 1: relative time, 2: error message */
						__( 'Last error (%1$s): %2$s', 'wc-klaviyo-sync' ),
						relativeTime( status.lastError.at, now ),
						status.lastError.message
					) }
				</p>
			) }
		</div>
	);
}
