/** The sidecar and Klaviyo key fields. Secrets are never shown; a saved one is only hinted at. */
import { TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import type { Settings } from '../types';
import { FieldHelp } from './FieldHelp';
import type { FieldErrors, FieldName, FormValues } from './form';

interface Props {
	values: FormValues;
	saved: Settings | null;
	errors: FieldErrors;
	onChange: ( field: FieldName, value: string ) => void;
}

export function keyPlaceholder( saved: Settings | null ): string {
	return saved?.klaviyoKeyLast4
		? sprintf(
				/* translators: %s: last four characters of the saved key */
				__( 'Saved key ending in %s', 'wc-klaviyo-sync' ),
				saved.klaviyoKeyLast4
			)
		: 'pk_…';
}

export function SettingsFields( { values, saved, errors, onChange }: Props ) {
	return (
		<div
			className="wck-fields"
			style={ { display: 'flex', flexDirection: 'column', gap: '16px' } }
		>
			<TextControl
				label={ __( 'Sidecar URL', 'wc-klaviyo-sync' ) }
				type="url"
				value={ values.sidecarUrl }
				onChange={ ( v: string ) => onChange( 'sidecarUrl', v ) }
				placeholder="https://sync.example.com"
				aria-invalid={ errors.sidecarUrl ? true : undefined }
				help={
					<FieldHelp
						error={ errors.sidecarUrl }
						help={ __(
							'Where the sync service runs, as reachable from this WordPress server.',
							'wc-klaviyo-sync'
						) }
					/>
				}
				__next40pxDefaultSize
				__nextHasNoMarginBottom
			/>
			<TextControl
				label={ __( 'Sidecar admin token', 'wc-klaviyo-sync' ) }
				type="password"
				autoComplete="new-password"
				value={ values.adminToken }
				onChange={ ( v: string ) => onChange( 'adminToken', v ) }
				placeholder={
					saved?.hasAdminToken
						? __( 'Saved — leave empty to keep', 'wc-klaviyo-sync' )
						: ''
				}
				aria-invalid={ errors.adminToken ? true : undefined }
				help={
					<FieldHelp
						error={ errors.adminToken }
						help={ __(
							'Printed by the sidecar on its first start (or its ADMIN_TOKEN setting).',
							'wc-klaviyo-sync'
						) }
					/>
				}
				__next40pxDefaultSize
				__nextHasNoMarginBottom
			/>
			<TextControl
				label={ __( 'Klaviyo private API key', 'wc-klaviyo-sync' ) }
				type="password"
				autoComplete="new-password"
				spellCheck={ false }
				value={ values.klaviyoPrivateKey }
				onChange={ ( v: string ) => onChange( 'klaviyoPrivateKey', v ) }
				placeholder={ keyPlaceholder( saved ) }
				aria-invalid={ errors.klaviyoPrivateKey ? true : undefined }
				help={
					<FieldHelp
						error={ errors.klaviyoPrivateKey }
						help={
							saved?.klaviyoKeyLast4
								? sprintf(
										/* translators: %s: last four characters of the saved key */
										__(
											'Saved key ending in %s. Leave empty to keep it. It is stored encrypted and never shown again.',
											'wc-klaviyo-sync'
										),
										saved.klaviyoKeyLast4
									)
								: __(
										'Klaviyo → Settings → API keys → Create private API key. It starts with "pk_".',
										'wc-klaviyo-sync'
									)
						}
					/>
				}
				__next40pxDefaultSize
				__nextHasNoMarginBottom
			/>
		</div>
	);
}
