/**
 * The connection fields (one pasted connection code; or, for a single-store self-hoster, the sidecar URL and its
 * admin token, used once) and the Klaviyo key. Secrets are never shown; a saved one is only hinted at.
 */
import { CheckboxControl, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import type { Settings } from '../types';
import { FieldHelp } from './FieldHelp';
import type { FieldErrors, FieldName, FormValues } from './form';

interface Props {
	values: FormValues;
	saved: Settings | null;
	errors: FieldErrors;
	onChange: ( field: FieldName, value: string ) => void;
	/** Whether the admin token is pasted instead of a connection code. */
	adminMode?: boolean;
	onAdminMode?: ( on: boolean ) => void;
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

export function codeHelp( saved: Settings | null ): string {
	return saved?.connected
		? __(
				'This site is connected. Paste a new code only to connect it again (for example to another store or sync service); leave empty to keep the connection.',
				'wc-klaviyo-sync'
			)
		: __(
				'Ask the operator of the sync service for a connection code (it starts with wckc_). It works once, for a short time; this site keeps only the store credential it gets.',
				'wc-klaviyo-sync'
			);
}

export function SettingsFields( {
	values,
	saved,
	errors,
	onChange,
	adminMode = false,
	onAdminMode = () => {},
}: Props ) {
	return (
		<div
			className="wck-fields"
			style={ { display: 'flex', flexDirection: 'column', gap: '16px' } }
		>
			{ ! adminMode && (
				<TextControl
					label={ __( 'Connection code', 'wc-klaviyo-sync' ) }
					type="password"
					autoComplete="off"
					spellCheck={ false }
					value={ values.connectionCode }
					onChange={ ( v: string ) =>
						onChange( 'connectionCode', v )
					}
					placeholder={
						saved?.connected
							? __(
									'Connected — leave empty to keep',
									'wc-klaviyo-sync'
								)
							: 'wckc_…'
					}
					aria-invalid={ errors.connectionCode ? true : undefined }
					help={
						<FieldHelp
							error={ errors.connectionCode }
							help={ codeHelp( saved ) }
						/>
					}
					__next40pxDefaultSize
					__nextHasNoMarginBottom
				/>
			) }
			<CheckboxControl
				label={ __(
					'Connect with the sidecar admin token instead (one store on your own sidecar)',
					'wc-klaviyo-sync'
				) }
				checked={ adminMode }
				onChange={ ( on: boolean ) => onAdminMode( on ) }
				__nextHasNoMarginBottom
			/>
			{ adminMode && (
				<AdminTokenFields
					values={ values }
					errors={ errors }
					onChange={ onChange }
				/>
			) }
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

function AdminTokenFields( {
	values,
	errors,
	onChange,
}: Pick< Props, 'values' | 'errors' | 'onChange' > ) {
	return (
		<>
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
				aria-invalid={ errors.adminToken ? true : undefined }
				help={
					<FieldHelp
						error={ errors.adminToken }
						help={ __(
							"Printed by the sidecar on its first start (or its ADMIN_TOKEN setting). It is used once, to get this store's own credential, and is not stored.",
							'wc-klaviyo-sync'
						) }
					/>
				}
				__next40pxDefaultSize
				__nextHasNoMarginBottom
			/>
		</>
	);
}
