/**
 * Runs `fn` once the document has been parsed.
 * @param fn Callback.
 */
export default function domReady( fn: () => void ): void {
	if ( document.readyState === 'loading' ) {
		document.addEventListener( 'DOMContentLoaded', fn, { once: true } );
	} else {
		fn();
	}
}
