/** The alert email setting: email the store's admin address when something is wrong (at most once a day each). */
import { Notice, ToggleControl } from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { getAlerts, saveAlertEmails } from '../shared/api';
import { errorNotice } from '../shared/notices';

export function AlertEmails() {
	const [ enabled, setEnabled ] = useState< boolean | null >( null );
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState< string | null >( null );

	useEffect( () => {
		getAlerts()
			.then( ( r ) => setEnabled( r.emailAlerts ) )
			.catch( ( e ) => setError( errorNotice( e ).message ) );
	}, [] );

	const onChange = async ( next: boolean ) => {
		setBusy( true );
		setError( null );
		try {
			setEnabled( ( await saveAlertEmails( next ) ).emailAlerts );
		} catch ( e ) {
			setError( errorNotice( e ).message );
		} finally {
			setBusy( false );
		}
	};

	return (
		<div className="wck-alert-emails">
			<h2>{ __( 'Alerts', 'wc-klaviyo-sync' ) }</h2>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ enabled !== null && (
				<ToggleControl
					__nextHasNoMarginBottom
					label={ __(
						'Email the store’s admin address when something is wrong',
						'wc-klaviyo-sync'
					) }
					help={ __(
						'At most once a day per problem. The notice in wp-admin is shown either way.',
						'wc-klaviyo-sync'
					) }
					checked={ enabled }
					disabled={ busy }
					onChange={ onChange }
				/>
			) }
		</div>
	);
}
