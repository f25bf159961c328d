/** WooCommerce → Klaviyo: connect the sidecar and Klaviyo, pick the list, see the webhooks. */
import { Button, Notice, Spinner } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { BusyButton } from '../shared/BusyButton';
import { Loading, OutcomeNotice } from '../shared/notices';
import { WebhookPanel } from '../shared/WebhookPanel';
import { AlertEmails } from './AlertEmails';
import { ConnectionPanel } from './ConnectionPanel';
import { ConnectionResult } from './ConnectionResult';
import { ConsentPanel } from './ConsentPanel';
import { FlowWebhooksPanel } from './FlowWebhooksPanel';
import { HistorySyncPanel } from './HistorySyncPanel';
import { ListField } from './ListField';
import { SettingsFields } from './SettingsFields';
import { SourcesPanel } from './SourcesPanel';
import { canLoadLists, useSettingsForm } from './useSettingsForm';

export { savedNotice } from './useSettingsForm';

export function SettingsPage() {
	const form = useSettingsForm();
	const { saved, values, errors } = form;

	if ( form.loadError ) {
		return (
			<Notice status="error" isDismissible={ false }>
				<p>{ form.loadError }</p>
				<Button variant="secondary" onClick={ form.load }>
					{ __( 'Try again', 'wc-klaviyo-sync' ) }
				</Button>
			</Notice>
		);
	}
	if ( ! saved ) {
		return (
			<Loading>{ __( 'Loading settings…', 'wc-klaviyo-sync' ) }</Loading>
		);
	}

	return (
		<div className="wck-settings" style={ { maxWidth: '720px' } }>
			<OutcomeNotice
				notice={ form.notice }
				onRemove={ () => form.setNotice( null ) }
			/>
			{ saved.configured && <SourcesPanel /> }
			<form
				onSubmit={ ( event ) => {
					event.preventDefault();
					form.onSave();
				} }
				noValidate
			>
				<ConnectionPanel
					saved={ saved }
					rotating={ form.rotating }
					onRotate={ form.onRotate }
				/>
				<SettingsFields
					values={ values }
					saved={ saved }
					errors={ errors }
					onChange={ form.onChange }
					adminMode={ form.adminMode }
					onAdminMode={ form.setAdminMode }
				/>
				<ListField
					value={ values.listId }
					onChange={ ( v ) => form.onChange( 'listId', v ) }
					canLoad={ canLoadLists( saved ) }
					reloadToken={ form.listsToken }
					error={ errors.listId }
				/>
				<div
					className="wck-actions"
					style={ {
						display: 'flex',
						gap: '8px',
						alignItems: 'center',
						margin: '16px 0',
					} }
				>
					<BusyButton
						variant="primary"
						type="submit"
						busy={ form.saving }
					>
						{ form.saving
							? __( 'Saving…', 'wc-klaviyo-sync' )
							: __( 'Save settings', 'wc-klaviyo-sync' ) }
					</BusyButton>
					<BusyButton
						variant="secondary"
						onClick={ form.onTest }
						busy={ form.testing }
					>
						{ __( 'Test connection', 'wc-klaviyo-sync' ) }
					</BusyButton>
					{ form.testing && (
						<span>
							<Spinner />{ ' ' }
							{ __(
								'Testing the sidecar and Klaviyo…',
								'wc-klaviyo-sync'
							) }
						</span>
					) }
				</div>
			</form>
			<OutcomeNotice
				notice={ form.testError }
				onRemove={ () => form.setTestError( null ) }
			/>
			{ form.testResult && (
				<ConnectionResult result={ form.testResult } />
			) }
			<ConsentPanel />
			<WebhookPanel
				webhooks={ saved.webhooks }
				onChange={ form.setWebhooks }
			/>
			{ saved.configured && <HistorySyncPanel /> }
			{ saved.configured && <FlowWebhooksPanel /> }
			<AlertEmails />
		</div>
	);
}
