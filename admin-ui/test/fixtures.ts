/**
 * What the plugin's REST routes answer with, for the unit, page and browser tests: a configured store, its
 * webhooks, the sidecar's status and deliveries, the consent and flow webhook settings. Each test overrides only what
 * it is about.
 */
import type {
	ConsentSettings,
	Delivery,
	DeliveryRequest,
	FlowWebhookSettings,
	Settings,
	SidecarStatus,
	Webhook,
} from '../src/types';

export function webhook( over: Partial< Webhook > = {} ): Webhook {
	return {
		topic: 'order.created',
		id: 11,
		status: 'active',
		failureCount: 0,
		deliveryUrl: 'http://sidecar/x',
		...over,
	};
}

/**
 * A store connected to its sidecar (store credential saved) whose Klaviyo key (ending in c0de) is saved.
 * @param over Fields to change.
 */
export function savedSettings( over: Partial< Settings > = {} ): Settings {
	return {
		sidecarUrl: 'http://127.0.0.1:8787',
		connected: true,
		migration: null,
		klaviyoKeyLast4: 'c0de',
		listId: 'AbC123',
		storeId: 'wp-abcdefabcdef',
		configured: true,
		webhooks: [],
		...over,
	};
}

/**
 * A healthy store's sidecar status: key valid, circuit closed, nothing paused.
 * @param over Fields to change.
 */
export function sidecarStatus(
	over: Partial< SidecarStatus > = {}
): SidecarStatus {
	return {
		storeId: 'wp-abcdefabcdef',
		paused: false,
		pauseReason: null,
		key: {
			status: 'valid',
			last4: 'c0de',
			checkedAt: '2026-01-10T11:00:00Z',
			detail: null,
		},
		listId: 'AbC123',
		queue: {
			pending: 0,
			in_flight: 0,
			retrying: 0,
			paused: 0,
			done: 0,
			dead: 0,
			cancelled: 0,
		},
		deliveries: { total: 0, byStatus: {} },
		eventsPerMinute: 0,
		lastSuccessAt: null,
		lastError: null,
		errorCounts: {
			rate_limited: 0,
			server: 0,
			network: 0,
			bad_request: 0,
			auth: 0,
			conflict: 0,
			circuit_open: 0,
			mapping: 0,
			ingress: 0,
		},
		circuit: { state: 'closed', since: '2026-01-10T10:00:00Z' },
		stalledSince: null,
		stalled: false,
		gapCheck: {
			lastCheckAt: null,
			lastReason: null,
			checkedUntil: null,
			lastCompared: null,
			lastRecovered: null,
			summary: null,
			running: null,
			requestedAt: null,
			lastError: null,
			retryAt: null,
		},
		...over,
	};
}

/**
 * Order #1042 for ann@example.com, sent to Klaviyo.
 * @param over Fields to change.
 */
export function delivery( over: Partial< Delivery > = {} ): Delivery {
	return {
		id: '1',
		receivedAt: '2026-01-10T11:59:00Z',
		topic: 'order.created',
		resource: 'order',
		resourceId: 42,
		orderNumber: '1042',
		email: 'ann@example.com',
		status: 'succeeded',
		note: null,
		error: null,
		requests: [],
		...over,
	};
}

/**
 * Order 7's Placed Order event, refused by Klaviyo with a 400.
 * @param over Fields to change.
 */
export function deadRequest(
	over: Partial< DeliveryRequest > = {}
): DeliveryRequest {
	return {
		id: '1',
		kind: 'event',
		metric: 'Placed Order',
		key: 'woo:wp-x:order:7:placed',
		status: 'dead',
		attempts: 1,
		responseStatus: 400,
		error: 'Bad phone',
		...over,
	};
}

/**
 * A time `ms` before now, as the sidecar writes it.
 * @param ms Milliseconds ago.
 */
export function ago( ms: number ): string {
	return new Date( Date.now() - ms ).toISOString();
}

/**
 * The consent settings of a store that kept the default labels, both boxes on.
 * @param over Fields to change.
 */
export function consentSettings(
	over: Partial< ConsentSettings > = {}
): ConsentSettings {
	return {
		email: {
			enabled: true,
			label: '',
			defaultLabel: 'Send me news and offers by email.',
			shownLabel: 'Send me news and offers by email.',
		},
		sms: {
			enabled: true,
			label: '',
			defaultLabel: 'Send me texts.',
			shownLabel: 'Send me texts.',
		},
		checkoutAsksForPhone: false,
		...over,
	};
}

/**
 * The store's flow webhook settings: its secret, no signing secret, default coupon properties, each action's URL.
 * @param over Fields to change.
 * @param base The flow webhook URL without the action.
 */
export function flowWebhookSettings(
	over: Partial< FlowWebhookSettings > = {},
	base = 'http://127.0.0.1:8787/v1/stores/wp-abcdefabcdef/klaviyo/flow-webhooks'
): FlowWebhookSettings {
	return {
		header: 'X-WCK-Flow-Secret',
		secret: 'wckf_first',
		signingSecretSet: false,
		couponCodeProperty: 'WooCouponCode',
		couponExpiresProperty: 'WooCouponExpires',
		profilePaths: [],
		actions: [ 'coupon', 'tag', 'profile-properties' ].map(
			( action ) => ( {
				action,
				url: `${ base }/${ action }`,
				exampleBody: { email: '{{ person.email }}' },
			} )
		),
		...over,
	};
}
