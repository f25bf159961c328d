/**
 * Relative and absolute times for the sync log, in WordPress's words: @wordpress/date formats them with the
 * site's locale, date format and time zone, which WordPress passes to the wp-date script.
 */
import { dateI18n, getSettings, humanTimeDiff } from '@wordpress/date';
import { __ } from '@wordpress/i18n';

/**
 * "a few seconds ago", "3 hours ago" (WordPress's humanTimeDiff); "never" for null; a time ahead of `now`
 * says the clocks disagree; unparseable input is returned as is.
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
	if ( Math.round( ( now - at ) / 1000 ) < 0 ) {
		return __(
			'in the future (check the server clocks)',
			'wc-klaviyo-sync'
		);
	}
	return humanTimeDiff( at, now );
}

/**
 * Absolute date and time in the site's date and time format, in the site's time zone unless one is given.
 * @param iso      ISO 8601 time, or null.
 * @param timeZone IANA zone; the site's when omitted.
 */
export function absoluteTime(
	iso: string | null | undefined,
	timeZone?: string
): string {
	if ( ! iso ) {
		return '';
	}
	const at = Date.parse( iso );
	if ( Number.isNaN( at ) ) {
		return iso;
	}
	return dateI18n( getSettings().formats.datetime, at, timeZone );
}
