/** Applying a send's outcome: the retry policy's decision becomes the SendOutcome storage settles the job with. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KlaviyoAuthError, KlaviyoConflictError, KlaviyoServerError } from '../../src/klaviyo/errors.js';
import type { KlaviyoRequest } from '../../src/klaviyo/types.js';
import type { StoreCache } from '../../src/storage/store-cache.js';
import type { Storage } from '../../src/storage/types.js';
import type { Job } from '../../src/sync/index.js';
import { applyFailure, PAUSE_REASON, sendOutcome, type OutcomeDeps } from '../../src/worker/outcome.js';

const profile: Extract<KlaviyoRequest, { kind: 'profile' }> = {
  kind: 'profile', key: 'p1',
  body: { data: { type: 'profile', attributes: { email: 'a@example.com', phone_number: '+15555550100' } } },
};
const job = (over: Partial<Job> = {}): Job => ({ id: '1', deliveryId: 'd', storeId: 's', request: profile, attempts: 0, phoneDropped: false, priority: 'live', bulk: false, ...over });

/** A storage that records the calls applyFailure makes: the method's name and its arguments after the first. */
function recorder(): { deps: OutcomeDeps; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const rec = (name: string) => async (...args: unknown[]) => { calls.push([name, ...args.slice(1)]); };
  const storage = {
    settleJob: rec('settleJob'), replaceJobRequest: rec('replaceJobRequest'), setKeyStatus: rec('setKeyStatus'), setPaused: rec('setPaused'),
  } as unknown as Storage;
  const stores = { invalidate: (id: string) => calls.push(['invalidate', id]) } as unknown as StoreCache;
  const log = { warn: () => {} } as unknown as OutcomeDeps['log'];
  return { deps: { storage, stores, log, retry: { maxAttempts: 3, baseMs: 100, maxMs: 1000, random: () => 0.5 } }, calls };
}

describe('worker: applying a send outcome', () => {
  const failure = { errorClass: 'server', message: 'down', responseStatus: 503 };

  it('turns each decision into the outcome settled', () => {
    assert.deepEqual(sendOutcome({ action: 'retry', delayMs: 5, consumesAttempt: true }, failure), { kind: 'retry', failure, delayMs: 5, consumesAttempt: true });
    assert.deepEqual(sendOutcome({ action: 'dead', reason: 'gave up' }, failure), { kind: 'dead', failure: { ...failure, message: 'gave up' } });
    assert.deepEqual(sendOutcome({ action: 'pause', reason: 'x' }, failure), { kind: 'held', failure });
    assert.deepEqual(sendOutcome({ action: 'retry_without_phone' }, failure), { kind: 'retry', failure, delayMs: 0, consumesAttempt: false });
  });

  it('retries a server error with backoff, and dead-letters it after the last attempt', async () => {
    const a = recorder();
    await applyFailure(a.deps, job(), new KlaviyoServerError('Klaviyo answered 503', 503));
    assert.equal(a.calls.length, 1);
    const [name, outcome] = a.calls[0] as [string, { kind: string; delayMs: number; consumesAttempt: boolean }];
    assert.equal(name, 'settleJob');
    assert.equal(outcome.kind, 'retry');
    assert.equal(outcome.consumesAttempt, true);
    const b = recorder();
    await applyFailure(b.deps, job({ attempts: 2 }), new KlaviyoServerError('Klaviyo answered 503', 503));
    assert.match((b.calls[0]![1] as { kind: string; failure: { message: string } }).failure.message, /gave up after 3 attempts/);
  });

  it('pauses the store when the key is refused, and holds the job', async () => {
    const a = recorder();
    await applyFailure(a.deps, job(), new KlaviyoAuthError('Klaviyo answered 401', 401));
    assert.deepEqual(a.calls.map((c) => c[0]), ['setKeyStatus', 'setPaused', 'invalidate', 'settleJob']);
    assert.deepEqual(a.calls[1], ['setPaused', true, PAUSE_REASON]);
    assert.equal((a.calls[3]![1] as { kind: string }).kind, 'held');
  });

  it('sends a refused profile again without its phone, once', async () => {
    const a = recorder();
    await applyFailure(a.deps, job(), new KlaviyoConflictError('Klaviyo answered 409', 409));
    assert.equal(a.calls[0]![0], 'replaceJobRequest');
    const sent = a.calls[0]![1] as Extract<KlaviyoRequest, { kind: 'profile' }>;
    assert.equal(sent.body.data.attributes.phone_number, undefined);
    assert.equal(sent.body.data.attributes.email, 'a@example.com');
    assert.equal((profile.body.data.attributes as { phone_number?: string }).phone_number, '+15555550100', 'the claimed job is left as it was');
    const b = recorder();
    await applyFailure(b.deps, job({ phoneDropped: true }), new KlaviyoConflictError('Klaviyo answered 409', 409));
    assert.equal((b.calls[0]![1] as { kind: string }).kind, 'dead');
  });
});
