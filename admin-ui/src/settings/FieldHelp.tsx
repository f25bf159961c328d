/**
 * A field's help text, or its error in its place (read by screen readers through the field's description).
 *
 * @param root0       Props.
 * @param root0.error The field's error, if any.
 * @param root0.help  The field's help otherwise.
 */
export function FieldHelp( {
	error,
	help,
}: {
	error?: string | null;
	help?: string;
} ) {
	if ( error ) {
		return (
			<span
				className="wck-field-error"
				role="alert"
				style={ { color: '#cc1818' } }
			>
				{ error }
			</span>
		);
	}
	return <>{ help }</>;
}
