/** WooCommerce → Klaviyo: connect the sidecar and Klaviyo, pick the list, see the webhooks. */
import { Button, Notice, Spinner } from '@wordpress/components';
import { __ } from '@wordpress/i18n';
import { WebhookPanel } from '../shared/WebhookPanel';
import { ConnectionResult } from './ConnectionResult';
import { ListField } from './ListField';
import { SettingsFields } from './SettingsFields';
import { canLoadLists, useSettingsForm } from './useSettingsForm';

export { savedNotice } from './useSettingsForm';

export function SettingsPage() {
	const {
		saved,
		loadError,
		values,
		errors,
		notice,
		setNotice,
		saving,
		testing,
		testResult,
		testError,
		setTestError,
		listsToken,
		load,
		onChange,
		onTest,
		onSave,
		setWebhooks,
	} = useSettingsForm();

	if ( loadError ) {
		return (
			<Notice status="error" isDismissible={ false }>
				<p>{ loadError }</p>
				<Button variant="secondary" onClick={ load }>
					{ __( 'Try again', 'wc-klaviyo-sync' ) }
				</Button>
			</Notice>
		);
	}
	if ( ! saved ) {
		return (
			<p>
				<Spinner /> { __( 'Loading settings…', 'wc-klaviyo-sync' ) }
			</p>
		);
	}

	return (
		<div className="wck-settings" style={ { maxWidth: '720px' } }>
			{ notice && (
				<Notice
					status={ notice.status }
					onRemove={ () => setNotice( null ) }
				>
					{ notice.message }
				</Notice>
			) }
			<form
				onSubmit={ ( event ) => {
					event.preventDefault();
					onSave();
				} }
				noValidate
			>
				<SettingsFields
					values={ values }
					saved={ saved }
					errors={ errors }
					onChange={ onChange }
				/>
				<ListField
					value={ values.listId }
					onChange={ ( v ) => onChange( 'listId', v ) }
					canLoad={ canLoadLists( saved ) }
					reloadToken={ listsToken }
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
					<Button
						variant="primary"
						type="submit"
						isBusy={ saving }
						disabled={ saving }
						__next40pxDefaultSize
					>
						{ saving
							? __( 'Saving…', 'wc-klaviyo-sync' )
							: __( 'Save settings', 'wc-klaviyo-sync' ) }
					</Button>
					<Button
						variant="secondary"
						onClick={ onTest }
						isBusy={ testing }
						disabled={ testing }
						__next40pxDefaultSize
					>
						{ __( 'Test connection', 'wc-klaviyo-sync' ) }
					</Button>
					{ testing && (
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
			{ testError && (
				<Notice status="error" onRemove={ () => setTestError( null ) }>
					{ testError }
				</Notice>
			) }
			{ testResult && <ConnectionResult result={ testResult } /> }
			<WebhookPanel
				webhooks={ saved.webhooks }
				onChange={ setWebhooks }
			/>
		</div>
	);
}
