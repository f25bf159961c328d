/** Relative and absolute times for the sync log, in the merchant's words. */
import { __, _n, sprintf } from '@wordpress/i18n';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "12 seconds ago", "3 hours ago"; "just now" under 5 s; "never" for null; unparseable input is returned as is.
 * @param iso ISO 8601 time, or null.
 * @param now Current time in ms (for tests).
 */
export function relativeTime(
	iso: string | null | undefined,
	now: number = Date.now()
): string {
	if ( ! iso ) {
		return __( 'never', 'wc-klaviyo-sync' );
	}
	const at = Date.parse( iso );
	if ( Number.isNaN( at ) ) {
		return iso;
	}
	const seconds = Math.round( ( now - at ) / 1000 );
	if ( seconds < 0 ) {
		return __(
			'in the future (check the server clocks)',
			'wc-klaviyo-sync'
		);
	}
	if ( seconds < 5 ) {
		return __( 'just now', 'wc-klaviyo-sync' );
	}
	if ( seconds < MINUTE ) {
		return sprintf(
			/* translators: %d: number of seconds */
			_n( '%d second ago', '%d seconds ago', seconds, 'wc-klaviyo-sync' ),
			seconds
		);
	}
	if ( seconds < HOUR ) {
		const n = Math.floor( seconds / MINUTE );
		return sprintf(
			/* translators: %d: number of minutes */
			_n( '%d minute ago', '%d minutes ago', n, 'wc-klaviyo-sync' ),
			n
		);
	}
	if ( seconds < DAY ) {
		const n = Math.floor( seconds / HOUR );
		return sprintf(
			/* translators: %d: number of hours */
			_n( '%d hour ago', '%d hours ago', n, 'wc-klaviyo-sync' ),
			n
		);
	}
	const n = Math.floor( seconds / DAY );
	return sprintf(
		/* translators: %d: number of days */
		_n( '%d day ago', '%d days ago', n, 'wc-klaviyo-sync' ),
		n
	);
}

/**
 * Absolute date and time in the browser's locale (and time zone unless one is given).
 * @param iso      ISO 8601 time, or null.
 * @param timeZone IANA zone; the browser's when omitted.
 */
export function absoluteTime(
	iso: string | null | undefined,
	timeZone?: string
): string {
	if ( ! iso ) {
		return '';
	}
	const at = new Date( iso );
	if ( Number.isNaN( at.getTime() ) ) {
		return iso;
	}
	return new Intl.DateTimeFormat( undefined, {
		dateStyle: 'medium',
		timeStyle: 'medium',
		timeZone,
	} ).format( at );
}
