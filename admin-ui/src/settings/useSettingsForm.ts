/** The settings page's state: loading, the form, validation, saving and the connection test. */
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import {
	getSettings,
	rotateCredential,
	saveSettings,
	testConnection,
} from '../shared/api';
import { describeError } from '../shared/errors';
import { errorNotice, type PageNotice } from '../shared/notices';
import type {
	SaveSettingsResponse,
	Settings,
	TestConnectionResponse,
	Webhook,
} from '../types';
import {
	fieldFromServer,
	initialValues,
	toInput,
	validateForm,
	validateKey,
	type FieldErrors,
	type FieldName,
	type FormValues,
} from './form';

/**
 * What to tell the merchant after a successful save.
 * @param res POST /settings answer.
 */
export function savedNotice( res: SaveSettingsResponse ): PageNotice {
	if ( res.key?.status === 'unverified' ) {
		return {
			status: 'warning',
			message: __(
				'Settings saved, but Klaviyo could not be reached to check the key. Syncing starts as soon as Klaviyo answers.',
				'wc-klaviyo-sync'
			),
		};
	}
	const failedPings = ( res.pings ?? [] ).filter( ( p ) => ! p.ok );
	if ( failedPings.length > 0 ) {
		return {
			status: 'warning',
			message: sprintf(
				/* translators: 1: webhook topics, 2: what went wrong */
				__(
					'Settings saved, but WooCommerce could not deliver a test ping for %1$s: %2$s Check that this WordPress server can reach the sidecar URL.',
					'wc-klaviyo-sync'
				),
				failedPings.map( ( p ) => p.topic ).join( ', ' ),
				failedPings[ 0 ]?.message ?? ''
			),
		};
	}
	if ( res.webhooks.some( ( w ) => w.status !== 'active' ) ) {
		return {
			status: 'warning',
			message: __(
				'Settings saved, but not every webhook is active. See the webhooks below.',
				'wc-klaviyo-sync'
			),
		};
	}
	return {
		status: 'success',
		message: __(
			'Settings saved. Webhooks are registered and delivering.',
			'wc-klaviyo-sync'
		),
	};
}

export function canLoadLists( s: Settings | null ): boolean {
	return Boolean( s && s.configured && s.klaviyoKeyLast4 );
}

export function useSettingsForm() {
	const [ saved, setSaved ] = useState< Settings | null >( null );
	const [ loadError, setLoadError ] = useState< string | null >( null );
	const [ values, setValues ] = useState< FormValues >(
		initialValues( null )
	);
	const [ errors, setErrors ] = useState< FieldErrors >( {} );
	const [ notice, setNotice ] = useState< PageNotice | null >( null );
	const [ saving, setSaving ] = useState( false );
	const [ testing, setTesting ] = useState( false );
	const [ testResult, setTestResult ] =
		useState< TestConnectionResponse | null >( null );
	const [ testError, setTestError ] = useState< PageNotice | null >( null );
	const [ listsToken, setListsToken ] = useState( 0 );
	const [ adminMode, setAdminMode ] = useState( false );
	const [ rotating, setRotating ] = useState( false );

	const load = useCallback( async () => {
		setLoadError( null );
		try {
			const s = await getSettings();
			setSaved( s );
			setValues( initialValues( s ) );
		} catch ( e ) {
			setLoadError( describeError( e ).message );
		}
	}, [] );

	useEffect( () => {
		load();
	}, [ load ] );

	const onChange = ( field: FieldName, value: string ) => {
		setValues( ( v ) => ( { ...v, [ field ]: value } ) );
		setErrors( ( errs ) => {
			const next = { ...errs };
			delete next[ field ];
			if ( field === 'klaviyoPrivateKey' ) {
				const keyError = validateKey( value );
				if ( keyError ) {
					next.klaviyoPrivateKey = keyError;
				}
			}
			return next;
		} );
	};

	const onTest = async () => {
		const keyError = validateKey( values.klaviyoPrivateKey );
		if ( keyError ) {
			setErrors( ( errs ) => ( {
				...errs,
				klaviyoPrivateKey: keyError,
			} ) );
			return;
		}
		setTesting( true );
		setTestResult( null );
		setTestError( null );
		try {
			setTestResult(
				await testConnection( toInput( values, adminMode ) )
			);
		} catch ( e ) {
			setTestError( errorNotice( e ) );
		} finally {
			setTesting( false );
		}
	};

	const onSave = async () => {
		const clientErrors = validateForm( values, saved, adminMode );
		setErrors( clientErrors );
		if ( Object.keys( clientErrors ).length > 0 ) {
			setNotice( {
				status: 'error',
				message: __(
					'Please correct the fields marked below.',
					'wc-klaviyo-sync'
				),
			} );
			return;
		}
		setSaving( true );
		setNotice( null );
		try {
			const res = await saveSettings( toInput( values, adminMode ) );
			setSaved( res );
			setValues( initialValues( res ) );
			setAdminMode( false );
			setNotice( savedNotice( res ) );
			setListsToken( ( n ) => n + 1 );
		} catch ( e ) {
			const info = describeError( e );
			const field = fieldFromServer( info.field );
			if ( field ) {
				setErrors( ( errs ) => ( {
					...errs,
					[ field ]: info.message,
				} ) );
			}
			if ( info.code === 'wck_klaviyo_key_invalid' ) {
				setErrors( ( errs ) => ( {
					...errs,
					klaviyoPrivateKey: info.message,
				} ) );
				// The code (or admin token) connected the site before Klaviyo refused the key: it is spent,
				// so the form forgets it and shows the connection as it now is.
				try {
					const now = await getSettings();
					setSaved( now );
					setValues( ( v ) => ( {
						...v,
						connectionCode: '',
						adminToken: '',
					} ) );
					setAdminMode( false );
				} catch {
					// The page keeps what it showed; the next load shows the connection.
				}
			}
			setNotice( {
				status: 'error',
				message:
					info.code === 'wck_klaviyo_key_invalid'
						? sprintf(
								/* translators: %s: why Klaviyo refused the key */
								__(
									'%s Nothing was saved.',
									'wc-klaviyo-sync'
								),
								info.message
							)
						: info.message,
			} );
		} finally {
			setSaving( false );
		}
	};

	const onRotate = async () => {
		setRotating( true );
		setNotice( null );
		try {
			const res = await rotateCredential();
			setSaved( res );
			setNotice( {
				status: 'success',
				message: __(
					'A new store credential is saved; the old one no longer works.',
					'wc-klaviyo-sync'
				),
			} );
		} catch ( e ) {
			setNotice( errorNotice( e ) );
		} finally {
			setRotating( false );
		}
	};

	return {
		saved,
		loadError,
		adminMode,
		setAdminMode,
		rotating,
		onRotate,
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
		setWebhooks: ( webhooks: Webhook[] ) =>
			setSaved( ( s ) => ( s ? { ...s, webhooks } : s ) ),
	};
}
