/**
 * "Klaviyo list": filled from GET /lists once a sidecar and key are saved, with a refresh button. The list is
 * only stored: consent-based subscriptions are not sent yet (docs/how-it-works.md, "Consent").
 */
import { Button, SelectControl, Spinner } from '@wordpress/components';
import { useCallback, useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { getLists } from '../shared/api';
import { describeError } from '../shared/errors';
import type { KlaviyoList } from '../types';
import { FieldHelp } from './FieldHelp';

interface Props {
	value: string;
	onChange: ( value: string ) => void;
	/** A sidecar URL, admin token and Klaviyo key are saved. */
	canLoad: boolean;
	/** Changes when the saved settings change, to load the lists again. */
	reloadToken: number;
	error?: string;
}

export function listOptions( lists: KlaviyoList[], value: string ) {
	const options = [
		{
			label: __( '— No list —', 'wc-klaviyo-sync' ),
			value: '',
		},
		...lists.map( ( l ) => ( { label: l.name, value: l.id } ) ),
	];
	if ( value && ! lists.some( ( l ) => l.id === value ) ) {
		options.push( {
			label: sprintf(
				/* translators: %s: Klaviyo list ID */
				__( 'Saved list %s (not found in Klaviyo)', 'wc-klaviyo-sync' ),
				value
			),
			value,
		} );
	}
	return options;
}

export function ListField( {
	value,
	onChange,
	canLoad,
	reloadToken,
	error,
}: Props ) {
	const [ lists, setLists ] = useState< KlaviyoList[] >( [] );
	const [ loading, setLoading ] = useState( false );
	const [ loadError, setLoadError ] = useState< string | null >( null );

	const load = useCallback( async () => {
		if ( ! canLoad ) {
			return;
		}
		setLoading( true );
		setLoadError( null );
		try {
			const res = await getLists();
			setLists( res.lists );
		} catch ( e ) {
			setLoadError( describeError( e ).message );
		} finally {
			setLoading( false );
		}
	}, [ canLoad ] );

	useEffect( () => {
		load();
	}, [ load, reloadToken ] );

	const selected = lists.find( ( l ) => l.id === value );
	let help: string;
	if ( ! canLoad ) {
		help = __(
			'Connect this site (paste a connection code) and save the Klaviyo key first; the lists of your Klaviyo account then load here.',
			'wc-klaviyo-sync'
		);
	} else if ( loadError ) {
		help = sprintf(
			/* translators: %s: why the lists could not be loaded */
			__( 'The lists could not be loaded: %s', 'wc-klaviyo-sync' ),
			loadError
		);
	} else if ( selected?.optInProcess === 'double_opt_in' ) {
		help = __(
			'This list uses double opt-in: once subscriptions are sent, Klaviyo will email each new subscriber a confirmation link first.',
			'wc-klaviyo-sync'
		);
	} else {
		help = '';
	}

	return (
		<div className="wck-list-field" style={ { marginTop: '16px' } }>
			<SelectControl
				label={ __( 'Klaviyo list', 'wc-klaviyo-sync' ) }
				value={ value }
				options={ listOptions( lists, value ) }
				onChange={ ( v: string ) => onChange( v ) }
				disabled={ ! canLoad || loading }
				help={ <FieldHelp error={ error } help={ help } /> }
				__next40pxDefaultSize
				__nextHasNoMarginBottom
			/>
			<p>
				<Button
					variant="secondary"
					onClick={ load }
					disabled={ ! canLoad || loading }
					__next40pxDefaultSize
				>
					{ __( 'Refresh lists', 'wc-klaviyo-sync' ) }
				</Button>
				{ loading && <Spinner /> }
			</p>
			<p className="description">
				{ __(
					'The list is stored for subscribing the customers who gave marketing consent, which this version does not do yet: nobody is added to the list or subscribed. Orders and customers reach Klaviyo as profiles and events only.',
					'wc-klaviyo-sync'
				) }
			</p>
		</div>
	);
}
