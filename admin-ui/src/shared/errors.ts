/**
 * Turns what api-fetch rejects with (a WP_Error body, or its own fetch/JSON errors) into plain words.
 */
import { __ } from '@wordpress/i18n';
import type { WpRestError } from '../types';

export interface ErrorInfo {
	code: string;
	status: number | null;
	message: string;
	/** The form field a 400 `wck_invalid_field` is about. */
	field: string | null;
}

export function isWpRestError( value: unknown ): value is WpRestError {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof ( value as { code?: unknown } ).code === 'string' &&
		typeof ( value as { message?: unknown } ).message === 'string'
	);
}

export function describeError( error: unknown ): ErrorInfo {
	if ( ! isWpRestError( error ) ) {
		return {
			code: 'unknown',
			status: null,
			message:
				error instanceof Error && error.message
					? error.message
					: __(
							'Something went wrong and no reason was given. Try again.',
							'wc-klaviyo-sync'
						),
			field: null,
		};
	}
	const status =
		typeof error.data?.status === 'number' ? error.data.status : null;
	const field =
		typeof error.data?.field === 'string' ? error.data.field : null;
	const serverMessage = error.message.trim();
	let message: string;
	switch ( error.code ) {
		case 'wck_klaviyo_key_invalid':
			message = __(
				'Klaviyo refused this private key. Check that it is a private API key (not the public site ID) from Klaviyo → Settings → API keys, copied in full, with read and write access to profiles, events, lists and accounts.',
				'wc-klaviyo-sync'
			);
			break;
		case 'wck_sidecar_unreachable':
			message =
				serverMessage ||
				__(
					'The sync service (sidecar) could not be reached. Check the sidecar URL and that the service is running.',
					'wc-klaviyo-sync'
				);
			break;
		case 'fetch_error':
			message = __(
				'Could not reach your WordPress site. Check your connection and try again.',
				'wc-klaviyo-sync'
			);
			break;
		case 'invalid_json':
			message = __(
				'WordPress answered with something that is not JSON (often a PHP error or a security plugin). Check the PHP error log.',
				'wc-klaviyo-sync'
			);
			break;
		case 'rest_forbidden':
		case 'rest_cookie_invalid_nonce':
			message = __(
				'You are not allowed to do this, or your session expired. Reload the page and log in again.',
				'wc-klaviyo-sync'
			);
			break;
		default:
			message =
				serverMessage ||
				__(
					'Something went wrong and no reason was given. Try again.',
					'wc-klaviyo-sync'
				);
	}
	return { code: error.code, status, message, field };
}
