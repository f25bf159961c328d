/**
 * Shapes of the plugin's WP REST responses (docs/plugin.md). Sync-log and status bodies are the sidecar's JSON
 * proxied unchanged (docs/api.md).
 */

export type WebhookStatus = 'active' | 'paused' | 'disabled' | 'missing';

export interface Webhook {
	topic: string;
	id: number | null;
	status: WebhookStatus;
	failureCount: number;
	deliveryUrl: string | null;
	/** When WooCommerce disabled it, if known. */
	disabledAt?: string | null;
}

export type KeyStatus = 'valid' | 'invalid' | 'unverified';

export interface Settings {
	sidecarUrl: string;
	hasAdminToken: boolean;
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
	sidecarUrl: string;
	adminToken?: string;
	klaviyoPrivateKey?: string;
	listId?: string;
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

export type OptInProcess = 'single_opt_in' | 'double_opt_in' | string;

export interface KlaviyoList {
	id: string;
	name: string;
	optInProcess: OptInProcess;
}

export interface ListsResponse {
	lists: KlaviyoList[];
}

export type JobStatus = 'pending' | 'in_flight' | 'retrying' | 'done' | 'dead';
export type CircuitState = 'closed' | 'open' | 'half_open';

export interface SidecarStatus {
	storeId: string;
	paused: boolean;
	pauseReason: string | null;
	key: {
		status: KeyStatus;
		last4: string;
		checkedAt: string | null;
		detail: string | null;
	};
	listId: string | null;
	queue: Record< JobStatus | 'paused', number >;
	deliveries: {
		total: number;
		byStatus: Partial< Record< DeliveryStatus, number > >;
	};
	eventsPerMinute: number;
	lastSuccessAt: string | null;
	lastError: {
		at: string;
		class: string;
		message: string;
		deliveryId: string | null;
	} | null;
	errorCounts: Record< string, number >;
	circuit: {
		state: CircuitState;
		since: string;
		consecutiveFailures?: number;
	};
}

export interface StatusResponse {
	sidecar: SidecarStatus | null;
	sidecarError: string | null;
	webhooks: Webhook[];
}

export const DELIVERY_STATUSES = [
	'rejected',
	'duplicate',
	'skipped',
	'pending',
	'retrying',
	'paused',
	'succeeded',
	'dead',
] as const;
export type DeliveryStatus = ( typeof DELIVERY_STATUSES )[ number ];

export interface KlaviyoErrorItem {
	id?: string;
	code?: string;
	title?: string;
	detail?: string;
	source?: { pointer?: string; parameter?: string };
}

export interface DeliveryRequest {
	id?: string;
	kind: 'event' | 'profile';
	metric: string | null;
	key: string;
	status: JobStatus;
	attempts: number;
	responseStatus: number | null;
	error: string | null;
	/** What was sent to Klaviyo; only in GET /deliveries/{id}. */
	body?: unknown;
}

export interface Delivery {
	id: string;
	receivedAt: string;
	topic: string | null;
	resource: string | null;
	resourceId: number | null;
	orderNumber: string | null;
	email: string | null;
	status: DeliveryStatus;
	note?: string | null;
	error: {
		class: string;
		message: string;
		klaviyo?: KlaviyoErrorItem[];
	} | null;
	requests: DeliveryRequest[];
}

export interface DeliveryDetail extends Delivery {
	payload?: unknown;
	rawBody?: string;
	headers?: Record< string, string >;
}

export interface DeliveriesResponse {
	items: Delivery[];
	nextCursor: string | null;
}

export interface DeliveriesQuery {
	status?: DeliveryStatus | '';
	q?: string;
	cursor?: string;
	limit?: number;
}

export interface ReplayResponse {
	replayed: number;
}

export interface ReenableResponse {
	webhooks: Webhook[];
}

/** A WP_Error as api-fetch rejects with it. */
export interface WpRestError {
	code: string;
	message: string;
	data?: { status?: number; field?: string } | null;
}
