/** A profile's consent (the store's credential or the admin token): the records kept with their outcomes, and Klaviyo's live status. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { KlaviyoClient } from '../klaviyo/client.js';
import { KlaviyoError } from '../klaviyo/errors.js';
import type { StoreCache } from '../storage/store-cache.js';
import type { Storage } from '../storage/types.js';
import { klaviyoStatus } from '../sync/index.js';
import { answer, invalidEmail, storeErrors, unknownStore, ConsentQuery, ConsentStatus, StoreIdParams } from './schemas.js';
import { requireStore, storeOf } from './stores.js';

/** The live read of Klaviyo waits at most this long: the page showing it must not hang on Klaviyo. */
export const CONSENT_READ_TIMEOUT_MS = 3000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error('timeout')), ms); }),
  ]);
}

function plainWords(err: unknown): string {
  if (err instanceof Error && err.message === 'timeout') return `Klaviyo did not answer within ${CONSENT_READ_TIMEOUT_MS / 1000} seconds.`;
  if (err instanceof KlaviyoError) {
    switch (err.errorClass) {
      case 'auth': return 'Klaviyo refused the store\'s private key (it needs the profiles:read scope).';
      case 'rate_limited': return 'Klaviyo asked us to slow down; try again in a moment.';
      case 'circuit_open': return 'Klaviyo has been failing; the sidecar waits before asking again.';
      default: return `Klaviyo could not be asked: ${err.message}`;
    }
  }
  return 'Klaviyo could not be asked.';
}

export async function consentRoutes(app: FastifyInstance, deps: { storage: Storage; stores: StoreCache; client: KlaviyoClient }): Promise<void> {
  const { storage, stores, client } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get('/v1/stores/:storeId/consent', {
    config: { auth: 'store' },
    schema: {
      operationId: 'getConsent', summary: 'A profile\'s consent records and Klaviyo status', tags: ['consent'],
      description: 'Reads Klaviyo live (GET /api/profiles filtered by email, with `subscriptions`), waiting at most 3 seconds; '
        + 'when Klaviyo cannot be asked, `klaviyo` is null and `klaviyoError` says why. The records are the ones the sidecar keeps.',
      params: StoreIdParams,
      querystring: ConsentQuery,
      response: {
        200: answer('The profile\'s consent.', ConsentStatus),
        400: invalidEmail,
        404: unknownStore,
        ...storeErrors,
      },
    },
    preValidation: requireStore(stores),
  }, async (req) => {
    const store = storeOf(req);
    const email = req.query.email.trim().toLowerCase();
    const live = (async () => {
      const escaped = email.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
      const { doc } = await client.getProfiles(store.privateKey, `equals(email,"${escaped}")`, { pageSize: 1 });
      return klaviyoStatus(doc.data[0]);
    })();
    const [records, unsubscribed, klaviyo] = await Promise.all([
      storage.consentRecords(store.id, email),
      storage.klaviyoUnsubscribes(store.id, email),
      withTimeout(live, CONSENT_READ_TIMEOUT_MS).then((k) => ({ ok: true as const, k }), (err: unknown) => ({ ok: false as const, err })),
    ]);
    const times = Object.values(unsubscribed).filter((t): t is string => !!t).sort();
    return {
      email,
      klaviyo: klaviyo.ok ? klaviyo.k : null,
      klaviyoError: klaviyo.ok ? null : plainWords(klaviyo.err),
      unsubscribedInKlaviyoAt: times.at(-1) ?? null,
      records,
    };
  });
}
