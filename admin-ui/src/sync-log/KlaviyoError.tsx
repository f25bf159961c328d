/** Why a delivery failed: the sidecar's message and each of Klaviyo's error details, as text. */
import type { Delivery } from '../types';

export function KlaviyoError( { delivery }: { delivery: Delivery } ) {
	const { error, note } = delivery;
	if ( ! error ) {
		return note ? (
			<span className="wck-note" style={ { color: '#646970' } }>
				{ note }
			</span>
		) : null;
	}
	const details = ( error.klaviyo ?? [] ).filter(
		( k ) => k.detail || k.title
	);
	return (
		<div className="wck-error">
			<span>{ error.message }</span>
			{ details.length > 0 && (
				<ul style={ { margin: '4px 0 0 16px', listStyle: 'disc' } }>
					{ details.map( ( k, i ) => (
						<li key={ i }>
							{ k.detail ?? k.title }
							{ k.source?.pointer && (
								<>
									{ ' ' }
									<code>{ k.source.pointer }</code>
								</>
							) }
						</li>
					) ) }
				</ul>
			) }
		</div>
	);
}
