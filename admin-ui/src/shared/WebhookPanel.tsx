/** Webhook status per topic, with a warning and one-click re-enable when WooCommerce disabled any. */
import { Notice } from '@wordpress/components';
import { __, _n, sprintf } from '@wordpress/i18n';
import type { Webhook } from '../types';
import { reenableWebhooks } from './api';
import { BusyButton } from './BusyButton';
import { OutcomeNotice } from './notices';
import { WebhookStatusBadge } from './StatusBadge';
import { absoluteTime, relativeTime } from './time';
import { useAction } from './useAction';

export function disabledCount( webhooks: Webhook[] ): number {
	return webhooks.filter( ( w ) => w.status === 'disabled' ).length;
}

export function WebhookTable( { webhooks }: { webhooks: Webhook[] } ) {
	if (
		webhooks.length === 0 ||
		webhooks.every( ( w ) => w.status === 'not_set_up' )
	) {
		return (
			<p>
				{ __(
					'Not set up yet: the webhooks are created when the settings are saved.',
					'wc-klaviyo-sync'
				) }
			</p>
		);
	}
	return (
		<table className="widefat striped wck-webhooks">
			<caption className="screen-reader-text">
				{ __( 'WooCommerce webhooks', 'wc-klaviyo-sync' ) }
			</caption>
			<thead>
				<tr>
					<th scope="col">{ __( 'Topic', 'wc-klaviyo-sync' ) }</th>
					<th scope="col">{ __( 'Status', 'wc-klaviyo-sync' ) }</th>
					<th scope="col">
						{ __( 'Failed deliveries', 'wc-klaviyo-sync' ) }
					</th>
				</tr>
			</thead>
			<tbody>
				{ webhooks.map( ( w ) => (
					<tr key={ w.topic } data-topic={ w.topic }>
						<td>
							<code>{ w.topic }</code>
						</td>
						<td>
							<WebhookStatusBadge status={ w.status } />
							{ w.status === 'disabled' && w.disabledAt && (
								<>
									{ ' ' }
									<time
										dateTime={ w.disabledAt }
										title={ absoluteTime( w.disabledAt ) }
									>
										{ relativeTime( w.disabledAt ) }
									</time>
								</>
							) }
						</td>
						<td>{ w.failureCount }</td>
					</tr>
				) ) }
			</tbody>
		</table>
	);
}

interface PanelProps {
	webhooks: Webhook[];
	onChange: ( webhooks: Webhook[] ) => void;
}

export function WebhookPanel( { webhooks, onChange }: PanelProps ) {
	const action = useAction< 'reenable' >();
	const disabled = disabledCount( webhooks );
	const missing = webhooks.filter( ( w ) => w.status === 'missing' ).length;

	const reenable = () =>
		action.run( 'reenable', async () => {
			const res = await reenableWebhooks();
			onChange( res.webhooks );
			const still = disabledCount( res.webhooks );
			return {
				status: 'success',
				message:
					still === 0
						? __(
								'Webhooks re-enabled. WooCommerce delivers again.',
								'wc-klaviyo-sync'
							)
						: __(
								'Some webhooks are still disabled. Check that the sidecar is reachable, then try again.',
								'wc-klaviyo-sync'
							),
			};
		} );

	return (
		<div className="wck-webhook-panel">
			<h2>{ __( 'Webhooks', 'wc-klaviyo-sync' ) }</h2>
			{ disabled > 0 && (
				<Notice status="warning" isDismissible={ false }>
					<p>
						{ sprintf(
							/* translators: %d: number of disabled webhooks */
							_n(
								'WooCommerce disabled %d webhook after repeated delivery failures (usually while the sidecar was unreachable). Orders and customers changed since then did not reach Klaviyo. Re-enable it once the sidecar is reachable.',
								'WooCommerce disabled %d webhooks after repeated delivery failures (usually while the sidecar was unreachable). Orders and customers changed since then did not reach Klaviyo. Re-enable them once the sidecar is reachable.',
								disabled,
								'wc-klaviyo-sync'
							),
							disabled
						) }
					</p>
					<BusyButton
						variant="primary"
						onClick={ reenable }
						busy={ action.busy === 'reenable' }
					>
						{ __( 'Re-enable webhooks', 'wc-klaviyo-sync' ) }
					</BusyButton>
				</Notice>
			) }
			{ missing > 0 && (
				<Notice status="warning" isDismissible={ false }>
					{ __(
						'Some webhooks are missing (deleted in WooCommerce → Settings → Advanced → Webhooks). Save the settings again to recreate them.',
						'wc-klaviyo-sync'
					) }
				</Notice>
			) }
			<OutcomeNotice
				notice={ action.notice }
				onRemove={ action.clearNotice }
			/>
			<WebhookTable webhooks={ webhooks } />
		</div>
	);
}
