/**
 * A field's help text, or its error in its place (read by screen readers through the field's description).
 * @param root0
 * @param root0.error
 * @param root0.help
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
