/**
 * "Other sites": staging copies. The sidecar pins the store to its site; deliveries another site sends (a copy
 * with the same webhooks and secret) are held. On the shop's own site this lists them with Release and Discard; on
 * a copy it says so and offers to connect the copy as a store of its own, or to make it the shop's new address.
 * Nothing is shown while there is nothing to say.
 */
import { Notice } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, _n, sprintf } from '@wordpress/i18n';
import {
	discardSource,
	getSources,
	releaseSource,
	separateSite,
} from '../shared/api';
import { BusyButton } from '../shared/BusyButton';
import { describeError } from '../shared/errors';
import { OutcomeNotice } from '../shared/notices';
import { relativeTime } from '../shared/time';
import { useAction } from '../shared/useAction';
import type { SourcesResponse } from '../types';

type Key = `${ 'release' | 'repin' | 'discard' | 'separate' }:${ string }`;

function heldText( count: number ): string {
	return sprintf(
		/* translators: %d: number of held deliveries */
		_n(
			'%d delivery is held',
			'%d deliveries are held',
			count,
			'wc-klaviyo-sync'
		),
		count
	);
}

export function SourcesPanel() {
	const [ sources, setSources ] = useState< SourcesResponse | null >( null );
	const [ error, setError ] = useState< string | null >( null );
	const action = useAction< Key >();

	const load = async () => {
		try {
			setSources( await getSources() );
			setError( null );
		} catch ( e ) {
			setError( describeError( e ).message );
		}
	};
	useEffect( () => {
		void load();
	}, [] );

	const copy = sources?.site?.relation === 'other';
	if ( error ) {
		return (
			<div className="wck-sources-panel">
				<h2>{ __( 'Other sites', 'wc-klaviyo-sync' ) }</h2>
				<p className="wck-sources-error">{ error }</p>
			</div>
		);
	}
	if ( ! sources ) {
		return null;
	}
	if ( ! copy && sources.held.length === 0 ) {
		// Nothing held: only the outcome of what was just done, if anything.
		return action.notice ? (
			<div className="wck-sources-panel">
				<OutcomeNotice
					notice={ action.notice }
					onRemove={ action.clearNotice }
				/>
			</div>
		) : null;
	}
	const own = copy
		? sources.held.find( ( h ) => h.source === sources.site?.url )
		: undefined;

	const release = ( source: string | undefined, repin: boolean ) =>
		action.run(
			`${ repin ? 'repin' : 'release' }:${ source ?? '' }`,
			async () => {
				const r = await releaseSource( { source, repin } );
				await load();
				return {
					status: 'success',
					message: repin
						? sprintf(
								/* translators: 1: the shop's new address, 2: number of deliveries */
								__(
									'The shop is now connected from %1$s. Deliveries sent: %2$d.',
									'wc-klaviyo-sync'
								),
								r.pinned,
								r.released
							)
						: sprintf(
								/* translators: 1: number of deliveries, 2: the other site */
								__(
									'Deliveries sent to Klaviyo: %1$d (from %2$s).',
									'wc-klaviyo-sync'
								),
								r.released,
								r.source
							),
				};
			}
		);
	const discard = ( source: string ) =>
		action.run( `discard:${ source }`, async () => {
			const r = await discardSource( source );
			await load();
			return {
				status: 'success',
				message: sprintf(
					/* translators: 1: number of deliveries, 2: the other site */
					__(
						'Deliveries discarded: %1$d (from %2$s). They stay in the sync log.',
						'wc-klaviyo-sync'
					),
					r.discarded,
					r.source
				),
			};
		} );
	const separate = () =>
		action.run( 'separate:', async () => {
			const r = await separateSite();
			await load();
			return {
				status: 'success',
				message: sprintf(
					/* translators: %s: the new store's id */
					__(
						'This site is now a store of its own ("%s"), with its own webhooks. It sends to the Klaviyo account of the key saved above: save another key if this copy should use another account.',
						'wc-klaviyo-sync'
					),
					r.storeId
				),
			};
		} );

	return (
		<div className="wck-sources-panel">
			<h2>{ __( 'Other sites', 'wc-klaviyo-sync' ) }</h2>
			<OutcomeNotice
				notice={ action.notice }
				onRemove={ action.clearNotice }
			/>
			{ copy ? (
				<Notice status="warning" isDismissible={ false }>
					<p className="wck-sources-copy">
						{ sprintf(
							/* translators: %s: the shop's site */
							__(
								'This looks like a copy of %s: its orders are not sent to Klaviyo.',
								'wc-klaviyo-sync'
							),
							sources.pinned
						) }{ ' ' }
						{ own &&
							sprintf(
								/* translators: %d: number of held deliveries */
								_n(
									'%d delivery from this site is held.',
									'%d deliveries from this site are held.',
									own.count,
									'wc-klaviyo-sync'
								),
								own.count
							) }
					</p>
					<p>
						<BusyButton
							variant="primary"
							busy={ action.busy === 'separate:' }
							disabled={ action.busy !== null }
							onClick={ separate }
						>
							{ __(
								'Connect this site as its own store',
								'wc-klaviyo-sync'
							) }
						</BusyButton>{ ' ' }
						<BusyButton
							variant="secondary"
							busy={ action.busy === 'repin:' }
							disabled={ action.busy !== null }
							onClick={ () => release( undefined, true ) }
						>
							{ __(
								'The shop moved here: make this its address',
								'wc-klaviyo-sync'
							) }
						</BusyButton>
					</p>
				</Notice>
			) : (
				<>
					<p>
						{ sprintf(
							/* translators: %s: the shop's site */
							__(
								'This store is connected from %s. Deliveries from other sites (a staging copy of the shop carrying the same webhooks) are held, not sent to Klaviyo, until you release them.',
								'wc-klaviyo-sync'
							),
							sources.pinned
						) }
					</p>
					<table className="widefat striped wck-sources">
						<thead>
							<tr>
								<th>{ __( 'Site', 'wc-klaviyo-sync' ) }</th>
								<th>{ __( 'Held', 'wc-klaviyo-sync' ) }</th>
								<th>{ __( 'Last one', 'wc-klaviyo-sync' ) }</th>
								<th>
									<span className="screen-reader-text">
										{ __( 'Actions', 'wc-klaviyo-sync' ) }
									</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{ sources.held.map( ( h ) => (
								<tr key={ h.source } data-source={ h.source }>
									<td>{ h.source }</td>
									<td>{ heldText( h.count ) }</td>
									<td>{ relativeTime( h.lastAt ) }</td>
									<td>
										<BusyButton
											variant="secondary"
											busy={
												action.busy ===
												`release:${ h.source }`
											}
											disabled={ action.busy !== null }
											onClick={ () =>
												release( h.source, false )
											}
										>
											{ __(
												'Release (send them)',
												'wc-klaviyo-sync'
											) }
										</BusyButton>{ ' ' }
										<BusyButton
											variant="secondary"
											busy={
												action.busy ===
												`discard:${ h.source }`
											}
											disabled={ action.busy !== null }
											onClick={ () =>
												discard( h.source )
											}
										>
											{ __(
												'Discard',
												'wc-klaviyo-sync'
											) }
										</BusyButton>
									</td>
								</tr>
							) ) }
						</tbody>
					</table>
				</>
			) }
		</div>
	);
}
