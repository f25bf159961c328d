/**
 * The opt-in checkboxes shoppers see at checkout and in My Account: each can be switched off and its label
 * edited (empty = the translatable default). Saved on its own, through POST /consent-settings.
 */
import {
	Button,
	Notice,
	TextareaControl,
	ToggleControl,
} from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { getConsentSettings, saveConsentSettings } from '../shared/api';
import { BusyButton } from '../shared/BusyButton';
import { describeError } from '../shared/errors';
import {
	Loading,
	OutcomeNotice,
	errorNotice,
	type PageNotice,
} from '../shared/notices';
import type { ConsentChannel, ConsentSettings } from '../types';

interface Draft {
	enabled: boolean;
	label: string;
}

type Drafts = Record< ConsentChannel, Draft >;

export function draftsOf( saved: ConsentSettings ): Drafts {
	return {
		email: { enabled: saved.email.enabled, label: saved.email.label },
		sms: { enabled: saved.sms.enabled, label: saved.sms.label },
	};
}

const CHANNELS: ConsentChannel[] = [ 'email', 'sms' ];

function channelTitle( channel: ConsentChannel ): string {
	return channel === 'email'
		? __( 'Email marketing checkbox', 'wc-klaviyo-sync' )
		: __( 'SMS marketing checkbox', 'wc-klaviyo-sync' );
}

export function ConsentPanel() {
	const [ saved, setSaved ] = useState< ConsentSettings | null >( null );
	const [ drafts, setDrafts ] = useState< Drafts | null >( null );
	const [ loadError, setLoadError ] = useState< string | null >( null );
	const [ saving, setSaving ] = useState( false );
	const [ notice, setNotice ] = useState< PageNotice | null >( null );
	const [ field, setField ] = useState< string | null >( null );

	const load = () => {
		setLoadError( null );
		getConsentSettings()
			.then( ( s ) => {
				setSaved( s );
				setDrafts( draftsOf( s ) );
			} )
			.catch( ( e: unknown ) =>
				setLoadError( describeError( e ).message )
			);
	};
	useEffect( load, [] );

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
	if ( ! saved || ! drafts ) {
		return (
			<Loading>
				{ __( 'Loading the consent settings…', 'wc-klaviyo-sync' ) }
			</Loading>
		);
	}

	const change = ( channel: ConsentChannel, patch: Partial< Draft > ) =>
		setDrafts( {
			...drafts,
			[ channel ]: { ...drafts[ channel ], ...patch },
		} );

	const onSave = () => {
		setSaving( true );
		setNotice( null );
		setField( null );
		saveConsentSettings( drafts )
			.then( ( s ) => {
				setSaved( s );
				setDrafts( draftsOf( s ) );
				setNotice( {
					status: 'success',
					message: __(
						'Consent settings saved. Shoppers see the new checkboxes from their next page load.',
						'wc-klaviyo-sync'
					),
				} );
			} )
			.catch( ( e: unknown ) => {
				setField( describeError( e ).field );
				setNotice( errorNotice( e ) );
			} )
			.finally( () => setSaving( false ) );
	};

	return (
		<section
			className="wck-consent-settings"
			style={ { margin: '24px 0' } }
		>
			<h2>{ __( 'Marketing consent', 'wc-klaviyo-sync' ) }</h2>
			<p>
				{ __(
					'Shoppers can opt in at checkout (block and classic), on the My Account registration form and in My Account → Account details. The boxes are never ticked in advance; each consent is recorded with the exact text shown, the time and where it was given.',
					'wc-klaviyo-sync'
				) }
			</p>
			<OutcomeNotice
				notice={ notice }
				onRemove={ () => setNotice( null ) }
			/>
			<form
				onSubmit={ ( event ) => {
					event.preventDefault();
					onSave();
				} }
				noValidate
			>
				{ CHANNELS.map( ( channel ) => (
					<fieldset
						key={ channel }
						className={ `wck-consent-${ channel }` }
						style={ { margin: '16px 0' } }
					>
						<legend>
							<strong>{ channelTitle( channel ) }</strong>
						</legend>
						<ToggleControl
							label={ __(
								'Show this checkbox',
								'wc-klaviyo-sync'
							) }
							checked={ drafts[ channel ].enabled }
							onChange={ ( v: boolean ) =>
								change( channel, { enabled: v } )
							}
							__nextHasNoMarginBottom
						/>
						{ channel === 'sms' && ! saved.checkoutAsksForPhone && (
							<Notice status="warning" isDismissible={ false }>
								{ __(
									'Your checkout does not ask for a phone number, so the SMS checkbox is not shown. Make the phone field optional or required in WooCommerce to offer it.',
									'wc-klaviyo-sync'
								) }
							</Notice>
						) }
						<TextareaControl
							label={ __(
								'Label shoppers see',
								'wc-klaviyo-sync'
							) }
							value={ drafts[ channel ].label }
							placeholder={ saved[ channel ].defaultLabel }
							onChange={ ( v: string ) =>
								change( channel, { label: v } )
							}
							help={
								field === `${ channel }.label` && notice
									? notice.message
									: __(
											'Leave empty to use the default text shown as placeholder (translated into the shop’s language).',
											'wc-klaviyo-sync'
										)
							}
							rows={ 2 }
							__nextHasNoMarginBottom
						/>
					</fieldset>
				) ) }
				<BusyButton variant="primary" type="submit" busy={ saving }>
					{ saving
						? __( 'Saving…', 'wc-klaviyo-sync' )
						: __( 'Save consent settings', 'wc-klaviyo-sync' ) }
				</BusyButton>
			</form>
		</section>
	);
}
