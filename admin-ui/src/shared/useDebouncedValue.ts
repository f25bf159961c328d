import { useEffect, useState } from '@wordpress/element';

/**
 * `value`, updated only after it stopped changing for `delayMs`.
 * @param value   The changing value.
 * @param delayMs Quiet time before it is taken over.
 */
export function useDebouncedValue< T >( value: T, delayMs: number ): T {
	const [ debounced, setDebounced ] = useState( value );
	useEffect( () => {
		const handle = setTimeout( () => setDebounced( value ), delayMs );
		return () => clearTimeout( handle );
	}, [ value, delayMs ] );
	return debounced;
}
