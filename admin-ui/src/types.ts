/**
 * Shapes of the plugin's WP REST responses (docs/plugin.md).
 *
 * The sync-log, status, lists and replay bodies are the sidecar's JSON, proxied unchanged by the plugin: their types
 * are aliases of `generated/sidecar-api.ts`, generated from the sidecar's OpenAPI document (`npm run contract -w
 * sidecar`; CI fails when it drifts). The plugin's own answers (settings, webhooks, test-connection, its status
 * envelope) are written by hand below: the plugin is PHP and publishes no schema to generate them from.
 */
import type { components } from './generated/sidecar-api';

type SidecarSchemas = components[ 'schemas' ];

export type WebhookStatus =
	'active' | 'paused' | 'disabled' | 'missing' | 'not_set_up';

export interface Webhook {
	topic: string;
	id: number | null;
	status: WebhookStatus;
	failureCount: number;
	deliveryUrl: string | null;
	/** When WooCommerce disabled it, if known. */
	disabledAt?: string | null;
}

export type KeyStatus = SidecarSchemas[ 'KeyStatus' ];

export interface Settings {
	sidecarUrl: string;
	/** Whether the site holds its store credential (never the credential itself). */
	connected: boolean;
	/** An admin token saved by an older version still waits to be exchanged (null: none). */
	migration: { pending: boolean; error: string | null } | null;
	klaviyoKeyLast4: string | null;
	listId: string | null;
	storeId: string;
	configured: boolean;
	webhooks: Webhook[];
}

export interface SaveSettingsResponse extends Settings {
	key: { status: KeyStatus; last4: string; detail: string | null };
	/** WooCommerce's ping of each webhook after saving. */
	pings?: Array< { topic: string; ok: boolean; message: string | null } >;
}

/** Body of POST /settings and POST /test-connection; omitted secrets keep the saved ones. */
export interface SettingsInput {
	/** A connection code (`wckc_…`): redeemed once for the store credential. */
	connectionCode?: string;
	/** With adminToken: the sidecar's address (a single-store self-hoster's one-time exchange). */
	sidecarUrl?: string;
	adminToken?: string;
	klaviyoPrivateKey?: string;
	listId?: string;
}

/** POST /credential/rotate: the settings view, after a new credential was sealed and saved. */
export interface RotateCredentialResponse extends Settings {
	rotated: true;
}

export interface TestConnectionResponse {
	sidecar: { ok: boolean; message: string };
	klaviyo: {
		ok: boolean;
		/** `unchecked` when the sidecar could not be asked. */
		status: KeyStatus | 'unchecked' | null;
		message: string;
		/** The Klaviyo account's name, when the key works. */
		account?: string;
	};
}

export type OptInProcess = NonNullable< KlaviyoList[ 'optInProcess' ] >;

export type KlaviyoList = SidecarSchemas[ 'KlaviyoList' ];

export type ListsResponse = SidecarSchemas[ 'ListsPage' ];

export type JobStatus = SidecarSchemas[ 'JobStatus' ];
export type CircuitState = SidecarSchemas[ 'CircuitState' ];

export type QueueStats = SidecarSchemas[ 'QueueStats' ];

export type SidecarStatus = SidecarSchemas[ 'SidecarStatus' ];

export interface StatusResponse {
	sidecar: SidecarStatus | null;
	sidecarError: string | null;
	webhooks: Webhook[];
}

export { DELIVERY_STATUSES } from './generated/sidecar-api';
export type DeliveryStatus = SidecarSchemas[ 'DeliveryStatus' ];

export type KlaviyoErrorItem = SidecarSchemas[ 'KlaviyoErrorItem' ];

/** One Klaviyo request of a delivery (`body` only in GET /deliveries/{id}). */
export type DeliveryRequest = SidecarSchemas[ 'JobView' ];

/** One entry of the sync log. */
export type Delivery = SidecarSchemas[ 'DeliveryView' ];

/** One entry with `payload` (or `rawBody`), `headers` and each request's `body`. */
export type DeliveryDetail = SidecarSchemas[ 'DeliveryDetail' ];

export type DeliveriesResponse = SidecarSchemas[ 'DeliveryPage' ];

export interface DeliveriesQuery {
	status?: DeliveryStatus | '';
	q?: string;
	cursor?: string;
	limit?: number;
}

export type ReplayResponse = SidecarSchemas[ 'ReplayResult' ];

/** The sidecar's error body (the plugin turns it into a WP_Error). */
export type SidecarError = SidecarSchemas[ 'Error' ];

/** GET /flow-webhooks: the sidecar's flow webhook settings, proxied unchanged. */
export type FlowWebhookSettings = SidecarSchemas[ 'FlowWebhookSettings' ];
export type FlowPropertyPath = SidecarSchemas[ 'FlowPropertyPath' ];
export interface FlowWebhookSettingsInput {
	couponCodeProperty?: string;
	couponExpiresProperty?: string;
	profilePaths?: FlowPropertyPath[];
	/** Klaviyo's signing secret of signed webhooks; null removes it. Never read back (only `signingSecretSet`). */
	signingSecret?: string | null;
}

/** GET /history (and every POST /history…): the sidecar's history sync status, proxied unchanged. */
export type HistoryStatus = SidecarSchemas[ 'HistoryStatus' ];

/** Staging copies: the pinned site, whether this site is it, and the other sites whose deliveries are held. */
export type SourcesResponse = SidecarSchemas[ 'Sources' ];
export type HeldSource = SidecarSchemas[ 'HeldSource' ];
export interface SourceReleased {
	source: string;
	released: number;
	pinned: string;
}
export interface SourceDiscarded {
	source: string;
	discarded: number;
}
export interface SourceSeparated {
	storeId: string;
	discarded: number;
}
export type HistoryRun = NonNullable< HistoryStatus[ 'run' ] >;
export type HistoryInput =
	{ scope: 'all' } | { scope: 'months'; months: number };

export interface ReenableResponse {
	webhooks: Webhook[];
}

/** One alert as the plugin's GET /alerts gives it (texts already translated). */
export interface Alert {
	id:
		| 'sidecar_unreachable'
		| 'key_refused'
		| 'webhook_disabled'
		| 'dead_letters'
		| 'stalled';
	since: string;
	what: string;
	means: string;
	action: string;
	url: string;
}

export interface AlertsResponse {
	alerts: Alert[];
	checkedAt: string | null;
	emailAlerts: boolean;
}

/** A WP_Error as api-fetch rejects with it. */
export interface WpRestError {
	code: string;
	message: string;
	data?: { status?: number; field?: string } | null;
}

export type ConsentChannel = 'email' | 'sms';

/** One checkbox's settings (GET/POST /consent-settings). */
export interface ConsentCheckbox {
	enabled: boolean;
	/** The saved label; '' = the default. */
	label: string;
	defaultLabel: string;
	/** What shoppers see. */
	shownLabel: string;
}

export interface ConsentSettings {
	email: ConsentCheckbox;
	sms: ConsentCheckbox;
	/** The SMS box is shown only when the checkout asks for a phone. */
	checkoutAsksForPhone: boolean;
}

export type ConsentSettingsInput = Partial<
	Record< ConsentChannel, { enabled?: boolean; label?: string } >
>;

/**
 * GET /consent?email=… — the sidecar's GET /v1/stores/{storeId}/consent, proxied unchanged by the plugin: types
 * from the generated contract.
 */
export type KlaviyoChannelStatus = SidecarSchemas[ 'KlaviyoChannelStatus' ];
export type ConsentRecordOutcome = SidecarSchemas[ 'ConsentRecord' ];
export type ConsentOutcome = SidecarSchemas[ 'ConsentOutcome' ];
export type ConsentStatus = SidecarSchemas[ 'ConsentStatus' ];
