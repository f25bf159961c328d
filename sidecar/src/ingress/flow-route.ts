/**
 * POST /v1/stores/{storeId}/klaviyo/flow-webhooks/{action}: a Klaviyo flow's webhook action. Authenticated by the
 * store's flow secret in a header (compared in constant time) and, when the store has Klaviyo's signing secret, by
 * Klaviyo's signature over the raw bytes. Stored durably before the answer as a delivery with the topic
 * `klaviyo.flow.<action>` (so the sync log shows it, with replay); a retry with the same body is a `duplicate` when it
 * is planned. Every refusal is recorded before its 4xx.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { describeOnly } from '../api/errors.js';
import { answer, ErrorBody, IngressAccepted, IngressRejected } from '../api/schemas.js';
import { IngressRejection } from '../errors.js';
import { FLOW_ACTIONS, FLOW_SECRET_HEADER, flowBodyProblem, flowTopic, KLAVIYO_SIGNATURE_HEADER, KLAVIYO_TIMESTAMP_HEADER, parseFlowAction } from '../flows/actions.js';
import type { Metrics } from '../metrics/metrics.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import { keptHeaders } from './headers.js';
import { tooComplex } from './shape.js';
import { contentHash, verifyKlaviyoSignature } from './signature.js';

const rejected = (codes: string) => answer(`${codes}; recorded in the sync log as \`rejected\`.`, IngressRejected);

const FLOW_SCHEMA = {
  operationId: 'receiveKlaviyoFlowWebhook',
  summary: 'A Klaviyo flow webhook action (the store\'s flow secret in a header, no Bearer)',
  description: 'Paste the URL and the header (`X-WCK-Flow-Secret: <the store\'s flow secret>`, shown by '
    + '`GET /v1/stores/{storeId}/klaviyo/flow-webhooks`) into the flow\'s webhook action. The secret is compared in constant time; '
    + 'with a signing secret saved, Klaviyo\'s signed-webhook headers are required too: `Klaviyo-Signature` = hex HMAC-SHA256, '
    + 'keyed with that secret, of the raw body followed by the `Klaviyo-Timestamp` header\'s value. '
    + 'Stored durably before the answer, as a delivery with the topic `klaviyo.flow.<action>`; the same body again (Klaviyo retries) '
    + 'shows as `duplicate` and does nothing again.',
  tags: ['ingress'],
  consumes: ['application/json'],
  params: z.object({
    storeId: z.string().describe('The store id.'),
    action: z.enum(FLOW_ACTIONS).describe('What the flow asks of the store; another value is `404 unknown_action`.'),
  }),
  headers: z.object({
    'X-WCK-Flow-Secret': z.string().describe('The store\'s flow secret.'),
    'Klaviyo-Signature': z.string().optional().describe('Required when the store saved a signing secret: hex HMAC-SHA256 of the raw body + `Klaviyo-Timestamp`.'),
    'Klaviyo-Timestamp': z.string().optional().describe('Required with `Klaviyo-Signature`; part of what is signed.'),
  }),
  body: z.looseObject({ email: z.string() }).describe('The JSON body the flow builds; `email` is required, the rest depends on the action (docs/how-it-works.md).'),
  response: {
    200: answer('Stored durably.', IngressAccepted),
    400: rejected('`malformed_json`: not JSON, or not a JSON object'),
    401: rejected('`missing_flow_secret`, `invalid_flow_secret`, `missing_signature` or `invalid_signature`'),
    404: rejected('`unknown_store` or `unknown_action`'),
    413: rejected('`body_too_large`: over MAX_BODY_BYTES'),
    415: rejected('`unsupported_content_type`: not application/json'),
    422: rejected('`missing_email` (the profile has no email), `invalid_body` (the action\'s fields are missing or wrong; the message says which) or `payload_too_complex`'),
    500: answer('`internal_error`.', ErrorBody),
    503: answer('`storage_unavailable`: not stored; Klaviyo retries.', ErrorBody),
  },
};

/** What is kept of the request's headers: Klaviyo's own but the signature (never the flow secret). */
const flowHeaders = (req: FastifyRequest) => keptHeaders(req, { prefix: 'klaviyo-', drop: KLAVIYO_SIGNATURE_HEADER });

/** Constant time whatever the lengths: both sides are hashed first. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export interface FlowIngressDeps {
  storage: Storage;
  stores: StoreCache;
  onAccepted: () => void;
  metrics?: Metrics;
  maxBodyBytes: number;
}

type Req = FastifyRequest<{ Params: { storeId: string; action: string } }>;

export async function flowIngressRoutes(app: FastifyInstance, deps: FlowIngressDeps): Promise<void> {
  const { storage, stores, onAccepted } = deps;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes }, (_req, body, done) => done(null, body));

  const reject = async (req: Req, reply: FastifyReply, e: IngressRejection, raw?: Buffer) => {
    const topic = `klaviyo.flow.${req.params.action.slice(0, 40)}`;
    const id = await storage.recordRejection({
      storeId: req.params.storeId, topic, code: e.code, message: e.message, headers: flowHeaders(req),
      body: raw ? raw.subarray(0, 65536).toString('utf8') : '',
    });
    req.log.info({ storeId: req.params.storeId, code: e.code, deliveryId: id }, 'flow webhook rejected');
    deps.metrics?.delivery(req.params.storeId, e.code !== 'unknown_store', topic, e.code);
    return reply.code(e.httpStatus).send({ error: { code: e.code, message: e.message }, id });
  };

  app.setErrorHandler(async (err: Error & { code?: string }, req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reject(req as Req, reply, new IngressRejection('body_too_large', `The body is larger than ${deps.maxBodyBytes} bytes.`, 413));
    }
    throw err;
  });

  app.post<{ Params: { storeId: string; action: string } }>('/v1/stores/:storeId/klaviyo/flow-webhooks/:action', {
    schema: FLOW_SCHEMA, validatorCompiler: describeOnly, config: { auth: 'none' },
  }, async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const store = await stores.get(req.params.storeId);
    if (!store) return reject(req, reply, new IngressRejection('unknown_store', `No store "${req.params.storeId.slice(0, 64)}" is configured on this sidecar.`, 404), raw);
    const action = parseFlowAction(req.params.action);
    if (!action) {
      return reject(req, reply, new IngressRejection('unknown_action', `"${req.params.action.slice(0, 40)}" is not a flow webhook action; use one of ${FLOW_ACTIONS.join(', ')}.`, 404), raw);
    }
    const settings = await storage.flowSettings(store.id);
    const secret = req.headers[FLOW_SECRET_HEADER];
    if (typeof secret !== 'string' || secret === '') {
      return reject(req, reply, new IngressRejection('missing_flow_secret', 'The X-WCK-Flow-Secret header is missing: add it to the flow\'s webhook action.', 401), raw);
    }
    if (!settings || !sameSecret(secret.trim(), settings.secret)) {
      return reject(req, reply, new IngressRejection('invalid_flow_secret', 'The X-WCK-Flow-Secret header is not the store\'s flow secret (it may have been rotated).', 401), raw);
    }
    if (settings.signingSecret) {
      const signature = req.headers[KLAVIYO_SIGNATURE_HEADER];
      const timestamp = req.headers[KLAVIYO_TIMESTAMP_HEADER];
      if (typeof signature !== 'string' || signature === '' || typeof timestamp !== 'string' || timestamp === '') {
        return reject(req, reply, new IngressRejection('missing_signature', 'The Klaviyo-Signature or Klaviyo-Timestamp header is missing, and the store expects signed webhooks.', 401), raw);
      }
      if (!verifyKlaviyoSignature(raw, timestamp, settings.signingSecret, signature)) {
        return reject(req, reply, new IngressRejection('invalid_signature', 'The Klaviyo-Signature does not match the body, the Klaviyo-Timestamp and the store\'s signing secret.', 401), raw);
      }
    }
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') {
      return reject(req, reply, new IngressRejection('unsupported_content_type', `Expected application/json, got ${type || 'no content type'}.`, 415), raw);
    }
    const problem = checkFlowBody(raw, action);
    if (problem) return reject(req, reply, problem, raw);
    const topic = flowTopic(action);
    const { id } = await storage.recordDelivery({ storeId: store.id, topic, contentHash: contentHash(topic, raw), headers: flowHeaders(req), body: raw.toString('utf8') });
    onAccepted();
    deps.metrics?.delivery(store.id, true, topic, 'accepted');
    return reply.code(200).send({ id, status: 'accepted' });
  });
}

function checkFlowBody(raw: Buffer, action: Parameters<typeof flowBodyProblem>[0]): IngressRejection | null {
  let payload: unknown;
  try {
    payload = JSON.parse(raw.toString('utf8'));
  } catch {
    return new IngressRejection('malformed_json', 'The body is not valid JSON.', 400);
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return new IngressRejection('malformed_json', 'The body is not a JSON object.', 400);
  }
  const complex = tooComplex(payload);
  if (complex) return new IngressRejection('payload_too_complex', `The body is too complex: ${complex}.`, 422);
  const email = (payload as Record<string, unknown>).email;
  if (typeof email !== 'string' || email.trim() === '') {
    return new IngressRejection('missing_email', 'The body has no "email": the profile has no email address (or the flow\'s body lacks "email": "{{ person.email }}").', 422);
  }
  const wrong = flowBodyProblem(action, payload);
  if (wrong) return new IngressRejection('invalid_body', `The ${action} body is not usable: ${wrong}.`, 422);
  return null;
}
