/**
 * The HTTP API's shapes, once: zod schemas that validate requests, type the handlers (fastify-type-provider-zod)
 * and become the OpenAPI document (`GET /openapi.json`). A schema with a `meta({ id })` is a named component of the
 * document; the admin UI's types and the plugin's status list are generated from those (`npm run contract`).
 */
import { z } from 'zod';
import { DELIVERY_STATUSES, JOB_STATUSES } from '../storage/types.js';
import { CONSENT_OUTCOMES, GAP_REASONS, HISTORY_RESOURCES, HISTORY_STATES } from '../sync/index.js';

const count = z.int().min(0);
const isoTime = z.string().describe('ISO 8601 UTC');

// Request parts.

export const STORE_ID = /^[a-z0-9][a-z0-9_-]{2,63}$/;
export const DELIVERY_ID = /^\d{1,18}$/;

export const StoreIdParams = z.object({
  storeId: z.string().regex(STORE_ID).describe('The store id; one that does not match, or an unknown one, is `404 unknown_store`.'),
});
export const DeliveryParams = StoreIdParams.extend({
  id: z.string().regex(DELIVERY_ID).describe('A delivery id (digits); any other, or one of another store, is `404 unknown_delivery`.'),
});

const PrivateKey = z.string().regex(/^pk_[A-Za-z0-9_]+$/, 'privateKey must be a Klaviyo private key (pk_…)').max(200);

export const StoreBody = z.object({
  siteUrl: z.url({ protocol: /^https?$/ }),
  webhookSecret: z.string().min(16, 'webhookSecret must be at least 16 characters').max(1024),
  klaviyo: z.object({
    privateKey: PrivateKey,
    listId: z.string().regex(/^[A-Za-z0-9]+$/).max(64).nullish(),
  }),
}).describe('The store\'s configuration. The key and secret are encrypted at rest and never returned or logged.');

export const VerifyKeyBody = z.object({ privateKey: PrivateKey });

export const DeliveryStatus = z.enum(DELIVERY_STATUSES).meta({
  id: 'DeliveryStatus',
  description: 'The state of a delivery in the sync log, in the order the sidecar lists them.',
});

export const DeliveriesQuery = z.object({
  status: DeliveryStatus.optional(),
  q: z.string().max(200).optional().describe('An email (substring, case-insensitive) or an order number (exact, `#` optional).'),
  cursor: z.string().max(100).optional().describe('`nextCursor` of the page before.'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const ReplayDeliveryQuery = z.object({
  all: z.string().optional().describe('`1` replays every job of the delivery, not only the dead ones (except those whose request body retention or an erasure removed: they would send an empty request).'),
});

export const ReplayStoreQuery = z.object({
  status: z.literal('dead').optional().describe('Only `dead` (the default).'),
});

// Answers.

export const FieldProblem = z.object({ field: z.string(), message: z.string() }).meta({ id: 'FieldProblem' });

export const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe('A stable snake_case code.'),
    message: z.string(),
    details: z.array(FieldProblem).optional().describe('With `invalid_request`: one entry per field that did not validate.'),
  }),
}).meta({ id: 'Error', description: 'An error.' });

export const KeyStatus = z.enum(['valid', 'invalid', 'unverified']).meta({
  id: 'KeyStatus',
  description: '`invalid`: Klaviyo answered 401/403. `unverified`: Klaviyo could not be asked.',
});

export const KeyState = z.object({
  status: KeyStatus,
  last4: z.string(),
  checkedAt: isoTime.nullable(),
  detail: z.string().nullable(),
}).meta({ id: 'KeyState' });

export const StoreSaved = z.object({
  storeId: z.string(),
  webhookUrl: z.string().describe('Where WooCommerce delivers this store\'s webhooks.'),
  key: KeyState,
  listId: z.string().nullable(),
  paused: z.boolean(),
}).meta({ id: 'StoreSaved', description: 'The store was saved.' });

export const KeyCheck = z.object({
  status: KeyStatus,
  last4: z.string(),
  detail: z.string().nullable(),
  account: z.object({ name: z.string().nullable() }).optional(),
}).meta({ id: 'KeyCheck', description: 'What Klaviyo said about the key; nothing was saved.' });

export const KlaviyoList = z.object({
  id: z.string(),
  name: z.string(),
  optInProcess: z.string().nullable().describe('`single_opt_in` or `double_opt_in` (as Klaviyo says).'),
}).meta({ id: 'KlaviyoList' });

export const ListsPage = z.object({ lists: z.array(KlaviyoList) }).meta({ id: 'ListsPage', description: 'Every list of the account.' });

export const JobStatus = z.enum(JOB_STATUSES).meta({ id: 'JobStatus' });
export const CircuitState = z.enum(['closed', 'open', 'half_open']).meta({ id: 'CircuitState' });

export const QueueStats = z.object({
  pending: count, in_flight: count, retrying: count, paused: count, done: count, dead: count,
  cancelled: count.describe('Never sent: cancelled by an erasure of the person they were for.'),
}).meta({ id: 'QueueStats', description: 'Jobs (Klaviyo requests) by state.' });

const ERROR_CLASSES = ['rate_limited', 'server', 'network', 'bad_request', 'auth', 'conflict', 'circuit_open', 'mapping', 'ingress'] as const;

const GapReason = z.enum(GAP_REASONS).meta({
  id: 'GapReason',
  description: 'Why a gap check ran: `daily`, `webhook_reenabled` (the plugin reported it), `klaviyo_back` (after an outage), `sidecar_started`, `requested`.',
});

export const GapCheckView = z.object({
  lastCheckAt: isoTime.nullable().describe('When the last check finished (null: none yet).'),
  lastReason: GapReason.nullable(),
  checkedUntil: isoTime.nullable().describe('Orders changed before this were compared; the next check starts there (less a 10-minute overlap).'),
  lastCompared: count.nullable().describe('Orders WooCommerce changed in the last check\'s window.'),
  lastRecovered: count.nullable().describe('Of those, the ones the sidecar did not hold, stored and sent.'),
  summary: z.string().nullable().describe('The sync log\'s line for the last check, e.g. "Recovered 3 orders that WooCommerce did not deliver."'),
  running: z.object({
    reason: GapReason, startedAt: isoTime, from: isoTime, until: isoTime, compared: count, recovered: count,
  }).nullable().describe('The check being run, if any.'),
  requestedAt: isoTime.nullable().describe('When a trigger last asked for a check.'),
  lastError: z.string().nullable().describe('Why the last check could not finish (it is tried again at `retryAt`).'),
  retryAt: isoTime.nullable(),
}).meta({ id: 'GapCheck', description: 'Gap repair: when the store\'s orders were last compared with what the sidecar holds, and what was recovered.' });

export const GapCheckRequestBody = z.object({
  reason: z.enum(['webhook_reenabled', 'requested']).default('requested')
    .describe('`webhook_reenabled`: the plugin saw one of its webhooks active again (the check then runs up to now); `requested`: someone asked.'),
}).meta({ id: 'GapCheckRequestBody' });

export const SidecarStatus = z.object({
  storeId: z.string(),
  paused: z.boolean(),
  pauseReason: z.string().nullable(),
  key: KeyState,
  listId: z.string().nullable(),
  queue: QueueStats,
  deliveries: z.object({
    total: count,
    byStatus: z.object(Object.fromEntries(DELIVERY_STATUSES.map((s) => [s, count.optional()])) as Record<(typeof DELIVERY_STATUSES)[number], z.ZodOptional<typeof count>>),
  }),
  eventsPerMinute: z.number().min(0),
  lastSuccessAt: isoTime.nullable(),
  lastError: z.object({ at: isoTime, class: z.string(), message: z.string(), deliveryId: z.string().nullable() }).nullable(),
  errorCounts: z.object(Object.fromEntries(ERROR_CLASSES.map((c) => [c, count])) as Record<(typeof ERROR_CLASSES)[number], typeof count>)
    .catchall(count).describe('Failures by class since the store was created.'),
  circuit: z.object({ state: CircuitState, since: isoTime, consecutiveFailures: count.optional() }),
  stalledSince: isoTime.nullable().describe('Since when work has waited with nothing sent: the later of the oldest waiting delivery\'s arrival and the last success; null when nothing waits.'),
  stalled: z.boolean().describe('Nothing could be sent for 15 minutes while work waits (false while the store is paused: `paused` says why).'),
  gapCheck: GapCheckView,
}).meta({ id: 'SidecarStatus', description: 'The store\'s health: key, queue, deliveries, errors, circuit.' });

export const KlaviyoErrorItem = z.looseObject({
  id: z.string().optional(),
  code: z.string().optional(),
  title: z.string().optional(),
  detail: z.string().optional(),
  source: z.looseObject({ pointer: z.string().optional(), parameter: z.string().optional() }).optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
}).meta({ id: 'KlaviyoErrorItem', description: 'One entry of a Klaviyo JSON:API `errors` array.' });

export const JobView = z.object({
  id: z.string(),
  kind: z.enum(['event', 'profile', 'subscribe', 'unsubscribe', 'catalog', 'store', 'privacy_deletion', 'back_in_stock']).describe('`subscribe`, `unsubscribe`: one profile of a subscription job (`metric` is its channel); `catalog`: one product\'s catalog jobs (`metric`: `product`, `variation` or `removal`); `store`: a Klaviyo flow webhook\'s action run on the store\'s WordPress (`metric` is the action: `coupon`, `tag`); `back_in_stock`: a shopper\'s back-in-stock subscription to one catalog variant.'),
  metric: z.string().nullable(),
  key: z.string().describe('Deterministic request key (an event\'s `unique_id`).'),
  status: JobStatus,
  attempts: count,
  responseStatus: z.int().nullable(),
  error: z.string().nullable(),
  body: z.unknown().optional().describe('What was sent to Klaviyo; only in `GET …/deliveries/{id}`.'),
}).meta({ id: 'JobView', description: 'One Klaviyo request a delivery implies.' });

const deliveryFields = {
  id: z.string(),
  receivedAt: isoTime,
  topic: z.string().nullable(),
  resource: z.string().nullable(),
  resourceId: z.int().nullable(),
  orderNumber: z.string().nullable(),
  email: z.string().nullable(),
  status: DeliveryStatus,
  note: z.string().nullable().describe('Why nothing was sent (`skipped`, `duplicate`).'),
  error: z.object({ class: z.string(), message: z.string(), klaviyo: z.array(KlaviyoErrorItem).optional() }).nullable(),
  requests: z.array(JobView),
};

export const DeliveryView = z.object(deliveryFields).meta({ id: 'DeliveryView', description: 'One entry of the sync log.' });

export const DeliveryDetail = z.object({
  ...deliveryFields,
  payload: z.unknown().optional().describe('What arrived, parsed.'),
  rawBody: z.string().optional().describe('What arrived, when it did not parse (first 64 KiB).'),
  headers: z.record(z.string(), z.string()).optional().describe('The X-WC-* headers (Klaviyo-* for a flow webhook) but the signature, content type and user agent.'),
}).meta({ id: 'DeliveryDetail', description: 'A sync-log entry with what arrived and what was sent.' });

export const DeliveryPage = z.object({
  items: z.array(DeliveryView),
  nextCursor: z.string().nullable().describe('Pass back as `cursor` for the next, older page; null at the end of the log.'),
}).meta({ id: 'DeliveryPage', description: 'A page of the sync log, newest first.' });

export const ReplayResult = z.object({ replayed: count.describe('Jobs reset to pending.') }).meta({ id: 'ReplayResult' });

export const StoreCredential = z.object({
  storeId: z.string(),
  credential: z.string().describe('The store\'s credential (`wcks_…`). Shown this once: the sidecar keeps only its SHA-256 hash. Send it as `Authorization: Bearer …` on the store\'s routes.'),
}).meta({ id: 'StoreCredential', description: 'A new credential of the store; the one before it no longer opens anything.' });

export const ConnectBody = z.object({
  code: z.string().max(4096).describe('The connection code (`wckc_…`), as pasted.'),
});

export const Connected = StoreCredential.extend({
  sidecarUrl: z.string().describe('The sidecar\'s public address the code carried.'),
}).meta({ id: 'Connected', description: 'The code was redeemed: the store\'s credential, shown this once.' });

export const ConnectCode = z.object({
  storeId: z.string(),
  code: z.string().describe('The connection code (`wckc_…`): single use, short-lived. Paste it into the store\'s settings page.'),
  sidecarUrl: z.string().describe('The public address the code carries (PUBLIC_URL, or this request\'s host).'),
  expiresAt: isoTime,
}).meta({ id: 'ConnectCode', description: 'A connection code for one store.' });

export const StoreSummary = z.object({
  storeId: z.string(),
  configured: z.boolean().describe('The store saved its configuration (site, key, webhook secret).'),
  hasCredential: z.boolean().describe('The store holds a credential (it connected, or one was issued).'),
  siteUrl: z.string().nullable(),
  paused: z.boolean(),
  keyStatus: KeyStatus.nullable(),
}).meta({ id: 'StoreSummary' });

export const StoreList = z.object({ stores: z.array(StoreSummary) }).meta({ id: 'StoreList', description: 'Every store of the sidecar, by id.' });

export const StoreRemoved = z.object({ storeId: z.string(), removed: z.literal(true) })
  .meta({ id: 'StoreRemoved', description: 'The store\'s configuration and credential were deleted and its connection codes revoked.' });
export const ConsentQuery = z.object({
  email: z.email().max(254).describe('The profile\'s email (any case).'),
});

export const KlaviyoChannelStatus = z.object({
  status: z.string().describe('As Klaviyo\'s `subscriptions` field says: `SUBSCRIBED`, `UNSUBSCRIBED`, `NEVER_SUBSCRIBED`, … '
    + '(`SUPPRESSED`: email marketing suppressed, e.g. a hard bounce or a spam complaint).'),
  at: isoTime.nullable().describe('When Klaviyo recorded it, if it says.'),
}).meta({ id: 'KlaviyoChannelStatus' });

export const ConsentOutcome = z.enum(CONSENT_OUTCOMES).meta({
  id: 'ConsentOutcome',
  description: '`queued`: the subscription job waits to be sent; `subscribed`/`unsubscribed`: Klaviyo accepted it; `failed`: '
    + 'Klaviyo refused it (`detail` says why; replay it from the sync log); `not_sent`: no list is configured; `refused`: an '
    + 'SMS consent without a phone that can be made E.164; `superseded`: a newer record of the same channel decides.',
});

export const ConsentRecordView = z.object({
  channel: z.enum(['email', 'sms']),
  status: z.enum(['granted', 'withdrawn']),
  label: z.string().describe('The exact text the shopper saw next to the checkbox.'),
  at: isoTime.describe('When the shopper gave or withdrew it (UTC, as the plugin recorded it).'),
  source: z.enum(['block_checkout', 'classic_checkout', 'registration', 'account_page']),
  orderId: z.int().nullable(),
  userId: z.int().nullable(),
  outcome: ConsentOutcome,
  detail: z.string().nullable(),
}).meta({ id: 'ConsentRecord', description: 'One consent record the sidecar keeps, and what became of it.' });

export const ConsentStatus = z.object({
  email: z.string(),
  klaviyo: z.object({ email: KlaviyoChannelStatus, sms: KlaviyoChannelStatus }).nullable()
    .describe('Klaviyo\'s current marketing status of the profile, read live; null when Klaviyo could not be asked (see `klaviyoError`).'),
  klaviyoError: z.string().nullable().describe('Why Klaviyo could not be asked, in plain words.'),
  unsubscribedInKlaviyoAt: isoTime.nullable()
    .describe('When the periodic sync last saw the profile unsubscribed or suppressed in Klaviyo (either channel), if it did.'),
  records: z.array(ConsentRecordView).describe('Newest first.'),
}).meta({ id: 'ConsentStatus', description: 'A profile\'s consent: what Klaviyo says now, and every record kept with its outcome.' });

export const ErasureBody = z.object({
  email: z.email().max(254).describe('The person\'s email (any case).'),
});

export const ErasureAccepted = z.object({
  requestId: z.string().describe('The erasure request\'s entry in the sync log (topic `privacy.erasure`): its `privacy_deletion` request is Klaviyo\'s deletion, sent and retried like any request.'),
  status: z.literal('accepted'),
  erased: z.object({
    deliveries: count.describe('Sync-log entries naming the person that lost their payload, headers and email.'),
    consentRecords: count.describe('Consent records of the person deleted.'),
  }),
}).meta({ id: 'ErasureAccepted', description: 'The erasure is recorded durably and the sidecar\'s data about the person is purged; Klaviyo\'s deletion is queued.' });

export const BackInStockBody = z.object({
  email: z.string({ error: 'An email address is required.' }).trim().max(254, 'The email address is too long.')
    .refine((v) => z.email().safeParse(v).success, 'This is not a valid email address.')
    .describe('The shopper\'s email (any case).'),
  phone: z.string().trim().max(40).nullish()
    .describe('A phone for SMS, only when the store offers SMS: E.164, or national for `country`. An empty string is no phone.'),
  country: z.string().regex(/^[A-Z]{2}$/, 'country must be a two-letter country code').optional()
    .describe('The country a national phone number belongs to (the store\'s base country).'),
  productId: z.int({ error: 'A product or variation id is required.' }).min(1, 'A product or variation id is required.')
    .describe('The WooCommerce product (simple) or variation the shopper waits for.'),
}).describe('A shopper\'s back-in-stock signup, as the plugin hands it on.');

export const BackInStockAccepted = z.object({
  id: z.string().describe('The signup\'s entry in the sync log (topic `back_in_stock.signup`): its `back_in_stock` request is Klaviyo\'s subscription, sent and retried like any request.'),
  status: z.literal('accepted'),
  variantId: z.string().describe('The Klaviyo catalog variant the subscription names (`$custom:::$default:::<WooCommerce id>`).'),
}).meta({ id: 'BackInStockAccepted', description: 'The signup is recorded durably; Klaviyo\'s back-in-stock subscription is queued. It is not a marketing subscription.' });

export const PrivacyExport = z.object({
  email: z.string(),
  deliveries: z.array(DeliveryView).describe('Sync-log entries naming the person, newest first (at most 500), each with what was sent to Klaviyo.'),
  consent: z.array(ConsentRecordView).describe('The consent records kept, newest first.'),
  unsubscribedInKlaviyo: z.object({ email: isoTime.optional(), sms: isoTime.optional() })
    .describe('When the periodic consent sync last saw the profile unsubscribed or suppressed in Klaviyo, per channel.'),
}).meta({ id: 'PrivacyExport', description: 'What the sidecar holds about a person.' });

export const Health = z.object({ ok: z.literal(true) }).meta({ id: 'Health' });
export const Ready = z.object({ ready: z.literal(true), backend: z.enum(['sqlite', 'redis']) }).meta({ id: 'Ready' });
export const NotReady = z.object({ ready: z.literal(false), reason: z.string() }).meta({ id: 'NotReady' });

export const IngressAccepted = z.object({
  id: z.string().describe('The delivery\'s id in the sync log.'),
  status: z.enum(['accepted', 'held']).describe('`held`: stored, but sent by another site than the store\'s pinned one (`X-WC-Webhook-Source`, e.g. a staging copy): nothing is sent until the merchant releases it (`/sources`).'),
}).meta({ id: 'IngressAccepted', description: 'The delivery is stored durably. A repeat of earlier content is answered the same way; the sync log shows it as `duplicate` once it is planned.' });
export const IngressPing = z.object({ ok: z.literal(true) }).meta({ id: 'IngressPing', description: 'WooCommerce\'s creation ping, answered.' });
export const IngressRejected = ErrorBody.extend({ id: z.string().describe('The rejection\'s id in the sync log.') })
  .meta({ id: 'IngressRejected', description: 'Refused, and recorded in the sync log as `rejected`.' });

export const OpenApiDocument = z.record(z.string(), z.unknown()).meta({ id: 'OpenApiDocument', description: 'This document.' });

/**
 * A response with its own description (OpenAPI's response object), its body a component by reference. Every route
 * declares its answers this way, so the document says why each status is given.
 */
const SiteUrlText = z.string().min(1).max(2000);
export const SourcesQuery = z.object({
  site: SiteUrlText.optional().describe('The site asking (the plugin sends its `home_url()`): the answer says whether it is the pinned site.'),
});
export const HeldSourceView = z.object({
  source: z.string().describe('The sending site, canonical (lower-case host, no default port, no trailing slash), as `X-WC-Webhook-Source` named it.'),
  count: z.number().int().describe('Deliveries held from it.'),
  firstAt: isoTime,
  lastAt: isoTime,
}).meta({ id: 'HeldSource' });
export const SourcesView = z.object({
  pinned: z.string().describe('The site the store is pinned to (its `siteUrl`, canonical).'),
  site: z.object({
    url: z.string().describe('The `site` asked about, canonical (as given when it is not a URL).'),
    relation: z.enum(['pinned', 'other']).describe('`pinned`: the store\'s own site; `other`: another site (a copy: its deliveries are held).'),
  }).nullable().describe('Null without `site`.'),
  held: z.array(HeldSourceView).describe('Every other site with held deliveries, by source.'),
  heldTotal: z.number().int(),
}).meta({ id: 'Sources' });
export const SourceBody = z.object({ source: z.string().min(1).max(2000).describe('A source as listed (or any URL of that site).') });
export const ReleaseSourceBody = SourceBody.extend({
  repin: z.boolean().default(false).describe('Also pin the store to this source (a legitimate move of the store to another domain): '
    + 'its deliveries pass from then on, and the old site\'s are held.'),
});
export const SourceReleased = z.object({ source: z.string(), released: z.number().int().describe('Deliveries released (now mapped and sent).'), pinned: z.string() });
export const SourceDiscarded = z.object({ source: z.string(), discarded: z.number().int().describe('Deliveries marked `discarded` (kept in the sync log).') });
export const SourceSeparated = SourceDiscarded.extend({
  storeId: z.string().describe('The new store the copy connects as.'),
  code: z.string().describe('A connection code for it, shown this once (single-use, short-lived).'),
  sidecarUrl: z.string(),
  expiresAt: isoTime,
});

export function answer<T extends z.ZodType>(description: string, schema: T) {
  return { description, content: { 'application/json': { schema } } };
}

/** `404 unknown_store`, for a route whose store must exist. */
export const unknownStore = answer('`unknown_store`: no such store.', ErrorBody);
/** A request naming a person by email (consent status, privacy requests) without a valid one. */
export const invalidEmail = answer('`invalid_request`: `email` is missing or not an email address.', ErrorBody);
/** `404 unknown_store`, for a route that takes any well-formed store id (the store need not exist yet). */
export const malformedStoreId = answer(`\`unknown_store\`: the store id does not match \`${STORE_ID.source}\`.`, ErrorBody);

/** The error answers every admin route can give; routes add their own. */
export const adminErrors = {
  401: answer('`unauthorized`: no valid Bearer admin token.', ErrorBody),
  500: answer('`internal_error`: an unexpected failure (details are logged, not returned).', ErrorBody),
  503: answer('`storage_unavailable`: storage could not be reached or refused the write; try again.', ErrorBody),
} as const;

/** The error answers every store route (the store's credential or the admin token) can give; routes add their own. */
export const storeErrors = {
  401: answer('`unauthorized`: no Bearer token.', ErrorBody),
  403: answer('`forbidden`: the token is neither this store\'s credential nor the admin token (another store\'s, a rotated one, or a wrong one).', ErrorBody),
  500: answer('`internal_error`: an unexpected failure (details are logged, not returned).', ErrorBody),
  503: answer('`storage_unavailable`: storage could not be reached or refused the write; try again.', ErrorBody),
} as const;

// Klaviyo flow webhooks.

export const FlowPropertyPathSchema = z.object({
  path: z.string().min(1).max(200).regex(/^[^.\s]+(\.[^.\s]+)*$/, 'path must be a dotted path like event.extra.value').describe('A dotted path into the webhook body (array items by index: `items.0.name`).'),
  property: z.string().min(1).max(100).describe('The top-level profile property it becomes.'),
}).meta({ id: 'FlowPropertyPath' });

export const FlowWebhookSettings = z.object({
  header: z.string().describe('The header to add to the flow\'s webhook action.'),
  secret: z.string().describe('The store\'s flow secret: the header\'s value.'),
  signingSecretSet: z.boolean().describe('A Klaviyo signing secret is saved, so `Klaviyo-Signature` is required too.'),
  couponCodeProperty: z.string(),
  couponExpiresProperty: z.string(),
  profilePaths: z.array(FlowPropertyPathSchema),
  actions: z.array(z.object({
    action: z.string(),
    url: z.string().describe('Paste as the webhook action\'s URL.'),
    exampleBody: z.record(z.string(), z.unknown()).describe('A body to start from (Klaviyo template tags).'),
  })),
}).meta({ id: 'FlowWebhookSettings', description: 'How to call the store\'s flow webhooks from Klaviyo, and their settings.' });

export const FlowSettingsBody = z.object({
  couponCodeProperty: z.string().trim().min(1).max(100).optional(),
  couponExpiresProperty: z.string().trim().min(1).max(100).optional(),
  profilePaths: z.array(FlowPropertyPathSchema).max(50).optional(),
  signingSecret: z.string().min(8).max(256).nullable().optional().describe('Klaviyo\'s signing secret of signed webhooks; null removes it.'),
}).describe('Omitted fields keep their value.');

// History sync.

export const HistoryStartBody = z.object({
  scope: z.enum(['all', 'months']).describe('`all`: every order and customer; `months`: those WooCommerce changed in the last `months` months.'),
  months: z.int().min(1).max(240).optional().describe('Required with `scope: months`.'),
}).meta({ id: 'HistoryStartBody' });

const ResourceProgressView = z.object({
  done: count.describe('Records read from the store and stored as deliveries.'),
  total: count.nullable().describe('Records in the scope, as the plugin counted them (null before it answered).'),
  finished: z.boolean(),
});

export const HistoryStatus = z.object({
  run: z.object({
    runId: z.string(),
    state: z.enum(HISTORY_STATES).meta({ id: 'HistoryState', description: '`running`, `paused`, `cancelled`, `done`, or `failed` (a page failed too often; resume tries again).' }),
    scope: z.object({ kind: z.enum(['all', 'months']), months: z.int().optional() }),
    since: isoTime.nullable().describe('Records modified at or after this are read (null: everything).'),
    startedAt: isoTime,
    updatedAt: isoTime,
    finishedAt: isoTime.nullable(),
    products: ResourceProgressView.describe('The catalog: every product and variation, whatever the scope (a run started before products were read shows 0, finished).'),
    customers: ResourceProgressView,
    orders: ResourceProgressView,
    done: count.describe('Products, customers and orders done.'),
    total: count.nullable().describe('Products, customers and orders in the scope (null until all are counted).'),
    percent: z.int().min(0).max(100).nullable(),
    eventsQueued: count.describe('Klaviyo events the records stored imply (Placed Order, Ordered Product, …); those Klaviyo already has are not sent again.'),
    ratePerMinute: count.nullable().describe('Records per minute over the time spent running.'),
    secondsLeft: count.nullable().describe('At that rate.'),
    lastError: z.string().nullable(),
    errors: z.array(z.object({
      at: isoTime,
      resource: z.enum(HISTORY_RESOURCES),
      recordId: z.int().nullable().describe('The WooCommerce id of the record the problem belongs to (null: the page).'),
      message: z.string(),
    })).describe('The newest problems (at most 50), oldest first.'),
  }).nullable().describe('The store\'s latest run, or null when none was started.'),
}).meta({ id: 'HistoryStatus', description: 'The store\'s history sync: state, progress, rate, time left and errors.' });
