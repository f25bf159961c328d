/**
 * Klaviyo flow webhooks: for each action the URL, the header to paste into the flow's webhook action (with copy and
 * rotate) and an example body; Klaviyo's signing secret (saved or cleared, never shown back: only whether one is
 * set); the coupon's profile property names and the paths profile-properties copies.
 */
import {
	Button,
	Notice,
	TextareaControl,
	TextControl,
} from '@wordpress/components';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import {
	getFlowWebhooks,
	rotateFlowSecret,
	saveFlowWebhooks,
} from '../shared/api';
import { JsonBlock } from '../shared/JsonBlock';
import { errorNotice } from '../shared/notices';
import type { FlowPropertyPath, FlowWebhookSettings } from '../types';

const WHAT: Record< string, string > = {
	coupon: __(
		'Creates a single-use WooCommerce coupon restricted to the profile’s email and writes its code and expiry to the profile.',
		'wc-klaviyo-sync'
	),
	tag: __(
		'Adds or removes a customer tag (a column and filter on WooCommerce → Customers and on Users), or adds a note to the customer’s latest order.',
		'wc-klaviyo-sync'
	),
	'profile-properties': __(
		'Copies the body paths below to top-level profile properties.',
		'wc-klaviyo-sync'
	),
};

/**
 * "event.extra.tier = LoyaltyTier" lines, one path per line.
 * @param text The textarea's value.
 */
export function parsePaths( text: string ): FlowPropertyPath[] {
	return text
		.split( '\n' )
		.map( ( line ) => line.split( '=' ).map( ( p ) => p.trim() ) )
		.filter( ( parts ) => parts.length === 2 && parts[ 0 ] && parts[ 1 ] )
		.map( ( [ path, property ] ) => ( {
			path: path!,
			property: property!,
		} ) );
}

export function formatPaths( paths: FlowPropertyPath[] ): string {
	return paths.map( ( p ) => `${ p.path } = ${ p.property }` ).join( '\n' );
}

function copy( text: string ): void {
	void window.navigator.clipboard?.writeText( text );
}

export function FlowWebhooksPanel() {
	const [ settings, setSettings ] = useState< FlowWebhookSettings | null >(
		null
	);
	const [ paths, setPaths ] = useState( '' );
	const [ codeProperty, setCodeProperty ] = useState( '' );
	const [ expiresProperty, setExpiresProperty ] = useState( '' );
	const [ signingSecret, setSigningSecret ] = useState( '' );
	const [ busy, setBusy ] = useState( false );
	const [ error, setError ] = useState< string | null >( null );
	const [ saved, setSaved ] = useState< string | null >( null );

	const show = ( s: FlowWebhookSettings ) => {
		setSettings( s );
		setSigningSecret( '' );
		setPaths( formatPaths( s.profilePaths ) );
		setCodeProperty( s.couponCodeProperty );
		setExpiresProperty( s.couponExpiresProperty );
	};

	useEffect( () => {
		getFlowWebhooks()
			.then( show )
			.catch( ( e ) => setError( errorNotice( e ).message ) );
	}, [] );

	const run = async (
		call: () => Promise< FlowWebhookSettings >,
		done: string
	) => {
		setBusy( true );
		setError( null );
		setSaved( null );
		try {
			show( await call() );
			setSaved( done );
		} catch ( e ) {
			setError( errorNotice( e ).message );
		} finally {
			setBusy( false );
		}
	};

	const rotate = () => {
		// eslint-disable-next-line no-alert
		const sure = window.confirm(
			__(
				'Flows that send the old secret will be refused until you paste the new one. Rotate?',
				'wc-klaviyo-sync'
			)
		);
		if ( sure ) {
			void run(
				rotateFlowSecret,
				__(
					'A new secret: paste the header into your flows again.',
					'wc-klaviyo-sync'
				)
			);
		}
	};

	const header = settings ? `${ settings.header }: ${ settings.secret }` : '';
	return (
		<div className="wck-flow-webhooks">
			<h2>{ __( 'Klaviyo flow webhooks', 'wc-klaviyo-sync' ) }</h2>
			<p>
				{ __(
					'In a Klaviyo flow, add a Webhook action with one of these URLs, the header below and a JSON body like the example. The sync log shows every call.',
					'wc-klaviyo-sync'
				) }
			</p>
			{ error && (
				<Notice status="error" isDismissible={ false }>
					{ error }
				</Notice>
			) }
			{ saved && (
				<Notice status="success" onRemove={ () => setSaved( null ) }>
					{ saved }
				</Notice>
			) }
			{ settings && (
				<>
					<h3>{ __( 'Header to paste', 'wc-klaviyo-sync' ) }</h3>
					<code className="wck-flow-header">{ header }</code>{ ' ' }
					<Button
						variant="secondary"
						onClick={ () => copy( header ) }
					>
						{ __( 'Copy header', 'wc-klaviyo-sync' ) }
					</Button>{ ' ' }
					<Button
						variant="tertiary"
						isDestructive
						disabled={ busy }
						onClick={ rotate }
					>
						{ __( 'Rotate secret', 'wc-klaviyo-sync' ) }
					</Button>
					<table className="widefat wck-flow-actions">
						<thead>
							<tr>
								<th>{ __( 'Action', 'wc-klaviyo-sync' ) }</th>
								<th>{ __( 'URL', 'wc-klaviyo-sync' ) }</th>
								<th>
									{ __( 'Example body', 'wc-klaviyo-sync' ) }
								</th>
							</tr>
						</thead>
						<tbody>
							{ settings.actions.map( ( a ) => (
								<tr key={ a.action } data-action={ a.action }>
									<td>
										<strong>{ a.action }</strong>
										<p>{ WHAT[ a.action ] ?? '' }</p>
									</td>
									<td>
										<code>{ a.url }</code>{ ' ' }
										<Button
											variant="link"
											onClick={ () => copy( a.url ) }
										>
											{ __(
												'Copy URL',
												'wc-klaviyo-sync'
											) }
										</Button>
									</td>
									<td>
										<JsonBlock
											value={ a.exampleBody }
											label={ sprintf(
												/* translators: %s: a flow webhook action */
												__(
													'Example body of %s',
													'wc-klaviyo-sync'
												),
												a.action
											) }
										/>
									</td>
								</tr>
							) ) }
						</tbody>
					</table>
					<h3>
						{ __( 'Klaviyo signing secret', 'wc-klaviyo-sync' ) }
					</h3>
					<p className="wck-signing-status">
						{ settings.signingSecretSet
							? __(
									'Set: every flow webhook must also carry a valid Klaviyo-Signature.',
									'wc-klaviyo-sync'
								)
							: __(
									'Not set: only the header above is checked.',
									'wc-klaviyo-sync'
								) }
					</p>
					<TextControl
						__nextHasNoMarginBottom
						type="password"
						autoComplete="off"
						label={ __( 'New signing secret', 'wc-klaviyo-sync' ) }
						help={ __(
							'Only if your Klaviyo account signs its webhooks: paste the signing secret Klaviyo shows. It is never shown again.',
							'wc-klaviyo-sync'
						) }
						value={ signingSecret }
						onChange={ setSigningSecret }
					/>
					<Button
						variant="secondary"
						disabled={ busy || signingSecret.trim().length < 8 }
						onClick={ () =>
							void run(
								() =>
									saveFlowWebhooks( {
										signingSecret: signingSecret.trim(),
									} ),
								__( 'Signing secret saved.', 'wc-klaviyo-sync' )
							)
						}
					>
						{ __( 'Save signing secret', 'wc-klaviyo-sync' ) }
					</Button>{ ' ' }
					{ settings.signingSecretSet && (
						<Button
							variant="tertiary"
							isDestructive
							disabled={ busy }
							onClick={ () =>
								void run(
									() =>
										saveFlowWebhooks( {
											signingSecret: null,
										} ),
									__(
										'Signing secret removed: only the header is checked.',
										'wc-klaviyo-sync'
									)
								)
							}
						>
							{ __( 'Clear signing secret', 'wc-klaviyo-sync' ) }
						</Button>
					) }
					<TextControl
						__nextHasNoMarginBottom
						label={ __(
							'Coupon code profile property',
							'wc-klaviyo-sync'
						) }
						value={ codeProperty }
						onChange={ setCodeProperty }
					/>
					<TextControl
						__nextHasNoMarginBottom
						label={ __(
							'Coupon expiry profile property',
							'wc-klaviyo-sync'
						) }
						value={ expiresProperty }
						onChange={ setExpiresProperty }
					/>
					<TextareaControl
						__nextHasNoMarginBottom
						label={ __(
							'Body paths to copy (profile-properties)',
							'wc-klaviyo-sync'
						) }
						help={ __(
							'One per line: path = Property, e.g. event.extra.tier = LoyaltyTier. Array items by index: event.items.0.name.',
							'wc-klaviyo-sync'
						) }
						value={ paths }
						onChange={ setPaths }
					/>
					<Button
						variant="primary"
						disabled={ busy }
						onClick={ () =>
							void run(
								() =>
									saveFlowWebhooks( {
										couponCodeProperty: codeProperty.trim(),
										couponExpiresProperty:
											expiresProperty.trim(),
										profilePaths: parsePaths( paths ),
									} ),
								__(
									'Flow webhook settings saved.',
									'wc-klaviyo-sync'
								)
							)
						}
					>
						{ __(
							'Save flow webhook settings',
							'wc-klaviyo-sync'
						) }
					</Button>
				</>
			) }
		</div>
	);
}
