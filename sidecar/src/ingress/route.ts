/**
 * POST /v1/stores/{storeId}/webhooks/woocommerce: verifies WooCommerce's signature over the raw bytes,
 * stores the delivery durably, then answers and hands it on (`onAccepted`). Every rejection is recorded before its
 * 4xx. A repeat of earlier content is recognised when it is planned, so the answer is always `accepted`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeOnly } from '../api/errors.js';
import { answer, ErrorBody, IngressAccepted, IngressPing, IngressRejected } from '../api/schemas.js';
import { IngressRejection } from '../errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { deliverySource, heldNote } from '../sync/sources.js';
import { isRestErrorPayload, parseTopic } from '../woo/topics.js';
import type { Storage } from '../storage/types.js';
import type { StoreCache } from '../storage/store-cache.js';
import { keptHeaders } from './headers.js';
import { tooComplex } from './shape.js';
import { contentHash, verifySignature } from './signature.js';

const PING = /^webhook_id=\d+$/;

const rejected = (codes: string) => answer(`${codes}; recorded in the sync log as \`rejected\`.`, IngressRejected);

/**
 * The route's description in the OpenAPI document. It only describes: the route compiles no validator and no
 * serializer from it (`describeOnly`), so the hot path is the same as with no schema. The handler reads the raw bytes.
 */
const INGRESS_SCHEMA = {
  operationId: 'receiveWooCommerceDelivery',
  summary: 'A WooCommerce webhook delivery (signed, no Bearer)',
  description: 'The signature is checked over the raw bytes: X-WC-Webhook-Signature = base64(HMAC-SHA256(raw body, '
    + 'the store\'s webhook secret)). The delivery is stored durably before the answer. WooCommerce\'s creation ping '
    + '(`application/x-www-form-urlencoded`, `webhook_id=N`, unsigned) is answered `200 {"ok":true}` for any store id. Never redirects.',
  tags: ['ingress'],
  consumes: ['application/json', 'application/x-www-form-urlencoded'],
  params: z.object({ storeId: z.string().describe('The store id the webhook was created for.') }),
  headers: z.object({
    'X-WC-Webhook-Signature': z.string().optional().describe('base64(HMAC-SHA256(raw body, webhook secret)); required for deliveries.'),
    'X-WC-Webhook-Topic': z.string().optional().describe('`order.created`, `order.updated`, `order.deleted`, `order.restored`, `customer.created`, `customer.updated`, `customer.deleted`, `product.created`, `product.updated`, `product.deleted` or `product.restored` (a variation arrives under its product\'s topic); from the plugin itself, `cart.checkout_started` or `cart.item_added` (a cart it captured, sent from its queue, signed the same way).'),
    'X-WC-Webhook-Resource': z.string().optional(),
    'X-WC-Webhook-Event': z.string().optional(),
    'X-WC-Webhook-ID': z.string().optional(),
    'X-WC-Webhook-Delivery-ID': z.string().optional(),
    'X-WC-Webhook-Source': z.string().optional().describe('The sending site (`home_url(\'/\')`). When it is not the site the store is pinned to (its `siteUrl`; see docs/how-it-works.md, Staging copies), the delivery is stored and held: answered `200 {"status":"held"}` and sent nowhere until released.'),
  }),
  body: z.looseObject({}).describe('The WooCommerce resource (wp_api_v3 order or customer) exactly as signed, or the form `webhook_id=N` of the ping.'),
  response: {
    200: answer('Stored durably (`id`, `accepted`), or the ping answered (`ok`).', z.union([IngressAccepted, IngressPing])),
    400: rejected('`malformed_json`: not JSON, or not a JSON object'),
    401: rejected('`missing_signature` or `invalid_signature`'),
    404: rejected('`unknown_store`'),
    413: rejected('`body_too_large`: over MAX_BODY_BYTES'),
    415: rejected('`unsupported_content_type`: not application/json'),
    422: rejected('`unknown_topic`, `rest_error_payload` (a WP REST error instead of a resource) or `payload_too_complex` (nesting over 32 levels, or an array over 2,000 items)'),
    500: answer('`internal_error`.', ErrorBody),
    503: answer('`storage_unavailable`: not stored; WooCommerce retries.', ErrorBody),
  },
};

const wcHeaders = (req: FastifyRequest) => keptHeaders(req, { prefix: 'x-wc-webhook-', drop: 'x-wc-webhook-signature' });

export interface IngressDeps {
  storage: Storage;
  stores: StoreCache;
  /** A delivery was stored: there is work to plan. */
  onAccepted: () => void;
  /** Counts every answer by topic and outcome. */
  metrics?: Metrics;
  maxBodyBytes: number;
}

export async function ingressRoutes(app: FastifyInstance, deps: IngressDeps): Promise<void> {
  const { storage, stores, onAccepted } = deps;
  // Raw bytes for every content type: the signature is over the exact body, never a re-serialisation.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes }, (_req, body, done) => done(null, body));

  const reject = async (req: FastifyRequest<{ Params: { storeId: string } }>, reply: FastifyReply, e: IngressRejection, raw?: Buffer) => {
    const topic = req.headers['x-wc-webhook-topic'];
    const id = await storage.recordRejection({
      storeId: req.params.storeId,
      topic: typeof topic === 'string' ? topic.slice(0, 100) : null,
      code: e.code,
      message: e.message,
      headers: wcHeaders(req),
      body: raw ? raw.subarray(0, 65536).toString('utf8') : '',
    });
    req.log.info({ storeId: req.params.storeId, code: e.code, deliveryId: id }, 'delivery rejected');
    deps.metrics?.delivery(req.params.storeId, e.code !== 'unknown_store', parseTopic(typeof topic === 'string' ? topic : null), e.code);
    return reply.code(e.httpStatus).send({ error: { code: e.code, message: e.message }, id });
  };

  app.setErrorHandler(async (err: Error & { code?: string; statusCode?: number }, req, reply) => {
    const r = req as FastifyRequest<{ Params: { storeId: string } }>;
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reject(r, reply, new IngressRejection('body_too_large', `The body is larger than ${deps.maxBodyBytes} bytes.`, 413));
    }
    throw err;
  });

  app.post<{ Params: { storeId: string } }>('/v1/stores/:storeId/webhooks/woocommerce', { schema: INGRESS_SCHEMA, validatorCompiler: describeOnly, config: { auth: 'none' } }, async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const store = await stores.get(req.params.storeId);
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

    if (type === 'application/x-www-form-urlencoded' && PING.test(raw.toString('latin1').trim())) {
      // WooCommerce's creation ping: exactly 200, or it counts a failure.
      return reply.code(200).send({ ok: true });
    }
    if (!store) return reject(req, reply, new IngressRejection('unknown_store', `No store "${req.params.storeId}" is configured on this sidecar.`, 404), raw);
    if (type !== 'application/json') {
      return reject(req, reply, new IngressRejection('unsupported_content_type', `Expected application/json, got ${type || 'no content type'}.`, 415), raw);
    }
    const signature = req.headers['x-wc-webhook-signature'];
    if (typeof signature !== 'string' || signature === '') {
      return reject(req, reply, new IngressRejection('missing_signature', 'The X-WC-Webhook-Signature header is missing.', 401), raw);
    }
    if (!verifySignature(raw, store.webhookSecret, signature)) {
      return reject(req, reply, new IngressRejection('invalid_signature', 'The signature does not match the body and the store\'s webhook secret.', 401), raw);
    }
    const topicHeader = req.headers['x-wc-webhook-topic'];
    const topic = parseTopic(typeof topicHeader === 'string' ? topicHeader : null);
    if (!topic) {
      return reject(req, reply, new IngressRejection('unknown_topic', `The topic "${String(topicHeader ?? '')}" is not one this sidecar handles.`, 422), raw);
    }
    const problem = checkPayload(raw, topic);
    if (problem) return reject(req, reply, problem, raw);
    // A signed delivery from another site than the store's (a staging copy with the same secret) is stored, held.
    const sourceHeader = req.headers['x-wc-webhook-source'];
    const source = deliverySource(store.siteUrl, typeof sourceHeader === 'string' ? sourceHeader : undefined);
    const { id } = await storage.recordDelivery({
      storeId: store.id,
      topic,
      contentHash: contentHash(topic, raw),
      headers: wcHeaders(req),
      body: raw.toString('utf8'),
      ...(source.held ? { held: { source: source.source, note: heldNote(source.source, store.siteUrl) } } : {}),
    });
    const status = source.held ? 'held' : 'accepted';
    if (!source.held) onAccepted();
    else req.log.warn({ storeId: store.id, deliveryId: id, source: source.source }, 'delivery held: another site sent it');
    deps.metrics?.delivery(store.id, true, topic, status);
    return reply.code(200).send({ id, status });
  });
}

/**
 * Parses the body only to refuse what is not a WooCommerce resource; the parsed object is dropped here. Kept out of
 * the async handler so it never lives across the storage write: at 500 deliveries/s, payloads held over that await
 * survived young-generation collections and grew the old space by megabytes a second.
 */
function checkPayload(raw: Buffer, topic: string): IngressRejection | null {
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    // also RangeError from absurdly deep nesting
    return new IngressRejection('malformed_json', 'The body is not valid JSON.', 400);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return new IngressRejection('malformed_json', 'The body is not a JSON object.', 400);
  }
  const complex = tooComplex(payload);
  if (complex) return new IngressRejection('payload_too_complex', `The payload is not a WooCommerce resource: ${complex}.`, 422);
  if (isRestErrorPayload(payload)) {
    const p = payload as { code: string };
    return new IngressRejection('rest_error_payload',
      `WooCommerce delivered a REST error ("${p.code}") instead of the ${topic.split('.')[0]}: check the webhook's user can read it.`, 422);
  }
  return null;
}
