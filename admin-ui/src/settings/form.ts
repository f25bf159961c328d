/** The settings form's values, client-side validation and the request body built from them. */
import { __ } from '@wordpress/i18n';
import type { Settings, SettingsInput } from '../types';

export interface FormValues {
	connectionCode: string;
	sidecarUrl: string;
	adminToken: string;
	klaviyoPrivateKey: string;
	listId: string;
}

export type FieldName = keyof FormValues;
export type FieldErrors = Partial< Record< FieldName, string > >;

export function initialValues( settings: Settings | null ): FormValues {
	return {
		connectionCode: '',
		sidecarUrl: settings?.sidecarUrl ?? '',
		adminToken: '',
		klaviyoPrivateKey: '',
		listId: settings?.listId ?? '',
	};
}

export function validateKey( key: string ): string | null {
	const k = key.trim();
	if ( k === '' ) {
		return null;
	}
	if ( ! k.startsWith( 'pk_' ) ) {
		return __(
			'A Klaviyo private API key starts with "pk_". The six-character public key (site ID) does not work here.',
			'wc-klaviyo-sync'
		);
	}
	if ( /\s/.test( k ) || k.length < 10 ) {
		return __(
			'This does not look like a whole private API key. Copy it again from Klaviyo → Settings → API keys.',
			'wc-klaviyo-sync'
		);
	}
	return null;
}

export function validateUrl( url: string ): string | null {
	const u = url.trim();
	if ( u === '' ) {
		return __(
			'Enter the address of the sync service (sidecar).',
			'wc-klaviyo-sync'
		);
	}
	let parsed: URL;
	try {
		parsed = new URL( u );
	} catch {
		return __(
			'Enter a full address starting with http:// or https://, for example https://sync.example.com.',
			'wc-klaviyo-sync'
		);
	}
	if ( parsed.protocol !== 'http:' && parsed.protocol !== 'https:' ) {
		return __(
			'The address must start with http:// or https://.',
			'wc-klaviyo-sync'
		);
	}
	return null;
}

export function validateCode( code: string ): string | null {
	const c = code.trim();
	if ( c === '' ) {
		return null;
	}
	if ( ! /^wckc_[A-Za-z0-9_-]+$/.test( c ) ) {
		return __(
			'This is not a connection code. Copy the whole code from the sync service (it starts with wckc_) and paste it again.',
			'wc-klaviyo-sync'
		);
	}
	return null;
}

/**
 * Errors that block saving. The code and the key may stay empty when the site is connected / a key is saved.
 * @param values    Form values.
 * @param saved     Saved settings.
 * @param adminMode Whether the admin token is pasted instead of a code.
 */
export function validateForm(
	values: FormValues,
	saved: Settings | null,
	adminMode = false
): FieldErrors {
	const errors: FieldErrors = {};
	if ( adminMode ) {
		const url = validateUrl( values.sidecarUrl );
		if ( url ) {
			errors.sidecarUrl = url;
		}
		if ( values.adminToken.trim() === '' ) {
			errors.adminToken = __(
				'Enter the sidecar admin token (printed by the sidecar on its first start). It is used once and not stored.',
				'wc-klaviyo-sync'
			);
		}
	} else {
		const code = validateCode( values.connectionCode );
		if ( code ) {
			errors.connectionCode = code;
		} else if (
			values.connectionCode.trim() === '' &&
			! saved?.connected &&
			! saved?.migration
		) {
			errors.connectionCode = __(
				'Paste the connection code you got from the sync service (it starts with wckc_).',
				'wc-klaviyo-sync'
			);
		}
	}
	const key = validateKey( values.klaviyoPrivateKey );
	if ( key ) {
		errors.klaviyoPrivateKey = key;
	} else if (
		values.klaviyoPrivateKey.trim() === '' &&
		! saved?.klaviyoKeyLast4
	) {
		errors.klaviyoPrivateKey = __(
			'Enter your Klaviyo private API key.',
			'wc-klaviyo-sync'
		);
	}
	return errors;
}

/**
 * The request body: empty secrets are left out so the saved ones are kept.
 * @param values    Form values.
 * @param adminMode Whether the admin token (with the sidecar URL) is pasted instead of a code.
 */
export function toInput(
	values: FormValues,
	adminMode = false
): SettingsInput {
	const input: SettingsInput = {};
	if ( adminMode ) {
		input.sidecarUrl = values.sidecarUrl.trim();
		const token = values.adminToken.trim();
		if ( token ) {
			input.adminToken = token;
		}
	} else {
		const code = values.connectionCode.trim();
		if ( code ) {
			input.connectionCode = code;
		}
	}
	const key = values.klaviyoPrivateKey.trim();
	if ( key ) {
		input.klaviyoPrivateKey = key;
	}
	input.listId = values.listId;
	return input;
}

const FIELD_ALIASES: Record< string, FieldName > = {
	connectionCode: 'connectionCode',
	code: 'connectionCode',
	sidecarUrl: 'sidecarUrl',
	sidecar_url: 'sidecarUrl',
	adminToken: 'adminToken',
	admin_token: 'adminToken',
	klaviyoPrivateKey: 'klaviyoPrivateKey',
	klaviyo_private_key: 'klaviyoPrivateKey',
	klaviyo_key: 'klaviyoPrivateKey',
	privateKey: 'klaviyoPrivateKey',
	listId: 'listId',
	list_id: 'listId',
};

/**
 * Maps the `data.field` of a 400 `wck_invalid_field` to a form field, or null.
 * @param field `data.field` of the WP_Error.
 */
export function fieldFromServer( field: string | null ): FieldName | null {
	if ( ! field ) {
		return null;
	}
	const direct = FIELD_ALIASES[ field ];
	if ( direct ) {
		return direct;
	}
	// The sidecar reports nested paths such as "klaviyo.privateKey".
	const last = field.split( /[.\/]/ ).pop() ?? '';
	return FIELD_ALIASES[ last ] ?? null;
}
