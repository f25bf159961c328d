/** Any value as pretty JSON, rendered as text (React escapes it; never as HTML). */
import { __ } from '@wordpress/i18n';

export function toPrettyJson( value: unknown ): string {
	if ( value === undefined ) {
		return '';
	}
	if ( typeof value === 'string' ) {
		return value;
	}
	try {
		return JSON.stringify( value, null, 2 ) ?? String( value );
	} catch {
		return String( value );
	}
}

export function JsonBlock( {
	value,
	label,
}: {
	value: unknown;
	label: string;
} ) {
	const text = toPrettyJson( value );
	return (
		<pre
			className="wck-json"
			aria-label={ label }
			tabIndex={ 0 }
			style={ {
				maxHeight: '24em',
				overflow: 'auto',
				background: '#f6f7f7',
				border: '1px solid #dcdcde',
				padding: '8px',
				whiteSpace: 'pre-wrap',
				wordBreak: 'break-word',
			} }
		>
			{ text === '' ? __( '(nothing)', 'wc-klaviyo-sync' ) : text }
		</pre>
	);
}
