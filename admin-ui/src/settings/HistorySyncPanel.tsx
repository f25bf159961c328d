/**
 * "Sync history": send the store's past orders and customers to Klaviyo (everything, or the last N months), then
 * follow its progress here or on the sync log page. History never subscribes anyone and fires no flow.
 */
import { RadioControl, TextControl } from '@wordpress/components';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { startHistory } from '../shared/api';
import { BusyButton } from '../shared/BusyButton';
import { HistoryProgress, useHistory } from '../shared/HistoryProgress';
import { OutcomeNotice } from '../shared/notices';
import { useAction } from '../shared/useAction';

export function HistorySyncPanel( { pollMs }: { pollMs?: number } = {} ) {
	const history = useHistory( pollMs );
	const [ scope, setScope ] = useState< 'all' | 'months' >( 'months' );
	const [ months, setMonths ] = useState( '12' );
	const action = useAction< 'start' >();
	const run = history.status?.run ?? null;
	const active = run?.state === 'running' || run?.state === 'paused';
	const n = Number( months );
	const valid =
		scope === 'all' || ( Number.isInteger( n ) && n >= 1 && n <= 240 );

	const start = () =>
		action.run( 'start', async () => {
			history.setStatus(
				await startHistory(
					scope === 'all'
						? { scope: 'all' }
						: { scope: 'months', months: n }
				)
			);
			return {
				status: 'success',
				message: __(
					'The history sync started. Live orders still go first.',
					'wc-klaviyo-sync'
				),
			};
		} );

	return (
		<div className="wck-history-panel">
			<h2>{ __( 'Sync history', 'wc-klaviyo-sync' ) }</h2>
			<p>
				{ __(
					'Sends past orders and customers to Klaviyo with their own dates, so segments and predictions have the history. It never subscribes anyone, fires no flow, and sends nothing Klaviyo already has.',
					'wc-klaviyo-sync'
				) }
			</p>
			<OutcomeNotice
				notice={ action.notice }
				onRemove={ action.clearNotice }
			/>
			{ history.error && (
				<p className="wck-history-error">{ history.error }</p>
			) }
			{ ! active && (
				<>
					<RadioControl
						label={ __( 'What to send', 'wc-klaviyo-sync' ) }
						selected={ scope }
						options={ [
							{
								label: __(
									'The last months',
									'wc-klaviyo-sync'
								),
								value: 'months',
							},
							{
								label: __( 'Everything', 'wc-klaviyo-sync' ),
								value: 'all',
							},
						] }
						onChange={ ( v ) =>
							setScope( v === 'all' ? 'all' : 'months' )
						}
					/>
					{ scope === 'months' && (
						<TextControl
							label={ __( 'Months', 'wc-klaviyo-sync' ) }
							type="number"
							min={ 1 }
							max={ 240 }
							value={ months }
							onChange={ setMonths }
							help={
								valid
									? undefined
									: __(
											'Between 1 and 240.',
											'wc-klaviyo-sync'
										)
							}
							__next40pxDefaultSize
							__nextHasNoMarginBottom
						/>
					) }
					<p>
						<BusyButton
							variant="secondary"
							busy={ action.busy === 'start' }
							disabled={ ! valid }
							onClick={ start }
						>
							{ __( 'Sync history', 'wc-klaviyo-sync' ) }
						</BusyButton>
					</p>
				</>
			) }
			{ run && (
				<HistoryProgress run={ run } onChange={ history.setStatus } />
			) }
		</div>
	);
}
