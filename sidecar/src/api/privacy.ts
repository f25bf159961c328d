/**
 * Privacy requests (the store's credential or the admin token), as WordPress's personal-data eraser and exporter
 * make them: an erasure purges what the sidecar keeps about the person and queues Klaviyo's deletion; an export
 * lists what it keeps.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ErasureRequest } from '../mapping/privacy.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import { EXPORT_LIMIT, privacySubject } from '../sync/index.js';
import { ERASURE_TOPIC } from '../woo/topics.js';
import { answer, invalidEmail, storeErrors, unknownStore, ConsentQuery, ErasureAccepted, ErasureBody, PrivacyExport, StoreIdParams } from './schemas.js';
import { requireStore, storeOf } from './stores.js';

export async function privacyRoutes(app: FastifyInstance, deps: { storage: Storage; stores: StoreCache; kick: () => void }): Promise<void> {
  const { storage, stores } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/v1/stores/:storeId/privacy/erasure', {
    config: { auth: 'store' },
    schema: {
      operationId: 'requestErasure', summary: 'Erase a person: purge the sidecar\'s data and request Klaviyo\'s deletion', tags: ['privacy'],
      description: 'Records the request durably (a sync-log entry of topic `privacy.erasure`, which names no email and, once mapped, keeps a '
        + 'SHA-256 of it instead), then clears the payload, headers and email of every sync-log entry naming the person and the bodies of '
        + 'their requests, cancels their requests not sent yet (`cancelled`; one in flight is never retried), marks entries still waiting to '
        + 'be mapped whose body names them as erased without mapping them, and deletes their consent records. The worker sends '
        + '`POST /api/data-privacy-deletion-jobs` (one identifier, the email, cleared once accepted; Klaviyo\'s S tier, 3/s and 60/m) with '
        + 'the retries of any request; a key without the `data-privacy:write` scope makes that request `dead` with a message naming the '
        + 'scope, and the store is not paused.',
      params: StoreIdParams,
      body: ErasureBody,
      response: {
        200: answer('Recorded; the sidecar\'s data is purged and Klaviyo\'s deletion queued.', ErasureAccepted),
        400: invalidEmail,
        404: unknownStore,
        ...storeErrors,
      },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    const request: ErasureRequest = { requestId: randomUUID(), email: privacySubject(req.body.email), requestedAt: new Date().toISOString() };
    const body = JSON.stringify(request);
    const { id } = await storage.recordDelivery({
      storeId: store.id, topic: ERASURE_TOPIC, headers: {}, body,
      contentHash: createHash('sha256').update(ERASURE_TOPIC).update('\n').update(body).digest('hex'),
    });
    const erased = await storage.eraseSubject(store.id, request.email, id);
    deps.kick();
    return { requestId: id, status: 'accepted' as const, erased };
  });

  api.get('/v1/stores/:storeId/privacy/export', {
    config: { auth: 'store' },
    schema: {
      operationId: 'exportPersonalData', summary: 'What the sidecar holds about a person', tags: ['privacy'],
      description: 'The sync-log entries naming the person (newest first, at most 500) with what was sent for each, the consent records '
        + 'kept, and when the consent sync saw them unsubscribed in Klaviyo. Klaviyo itself is not asked.',
      params: StoreIdParams,
      querystring: ConsentQuery,
      response: {
        200: answer('What the sidecar holds.', PrivacyExport),
        400: invalidEmail,
        404: unknownStore,
        ...storeErrors,
      },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    const email = privacySubject(req.query.email);
    const [deliveries, consent, unsubscribedInKlaviyo] = await Promise.all([
      storage.subjectDeliveries(store.id, email, EXPORT_LIMIT),
      storage.consentRecords(store.id, email),
      storage.klaviyoUnsubscribes(store.id, email),
    ]);
    // Klaviyo's error items (in a delivery's error) are typed by the generated Klaviyo types, the answer by its schema.
    return { email, deliveries, consent, unsubscribedInKlaviyo } as z.output<typeof PrivacyExport>;
  });
}
