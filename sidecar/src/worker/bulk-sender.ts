/**
 * Backlog events and profiles (a history sync's records) sent through Klaviyo's bulk endpoints: the claimed jobs of
 * one store are merged (mapping/bulk.ts) into event-bulk-create-jobs (1,000 events, 5 MB) and profile-bulk-import-jobs
 * (10,000 profiles, 5 MB), each job's own request unchanged inside (same unique_id, time, backfill), so what the
 * sync log shows per job is what Klaviyo got. A bulk body Klaviyo refuses as a whole (400) is sent again one job at a
 * time, which gives each record its own answer; a failure that is not the body's (429, 5xx, no answer, a refused key)
 * is each job's failure under the retry policy. A profile import job is polled until Klaviyo has processed it; each
 * per-record import error makes the jobs of that profile dead with Klaviyo's detail, in the sync log like any error
 * (a `duplicate_profile` is sent again alone, where the retry policy drops the conflicting phone as for live).
 * One profile import at a time per store, in claim order, so an older totals state never lands after a newer one.
 */
import type { KlaviyoClient } from '../klaviyo/client.js';
import { KlaviyoBadRequestError } from '../klaviyo/errors.js';
import type { ImportErrorItem, KlaviyoRequest } from '../klaviyo/types.js';
import { bulkEventJobs, bulkProfileJobs } from '../mapping/bulk.js';
import type { StoreRecord } from '../storage/types.js';
import type { Job } from '../sync/index.js';
import { applyFailure, applySent, type OutcomeDeps } from './outcome.js';

/** Backlog jobs the pipeline gathers for one round of bulk sends. */
export const BULK_GATHER = 1000;

type EventRequest = Extract<KlaviyoRequest, { kind: 'event' }>;
type ProfileRequest = Extract<KlaviyoRequest, { kind: 'profile' }>;

export const isBulkable = (j: Job): boolean => j.bulk && (j.request.kind === 'event' || j.request.kind === 'profile');

export interface BulkGroup {
  storeId: string;
  kind: 'event' | 'profile';
  jobs: Job[];
}

/** The bulkable jobs by store and kind, each group in claim order. */
export function bulkGroups(jobs: readonly Job[]): BulkGroup[] {
  const groups = new Map<string, BulkGroup>();
  for (const j of jobs) {
    const kind = j.request.kind as 'event' | 'profile';
    const k = `${j.storeId}|${kind}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { storeId: j.storeId, kind, jobs: [] }));
    g.jobs.push(j);
  }
  return [...groups.values()];
}

const emailOf = (r: ProfileRequest) => (r.body.data.attributes.email ?? '').toLowerCase();

export interface BulkSenderOptions {
  /** How often a profile import job is polled. */
  pollMs?: number;
  /** How long to wait for a profile import job before its jobs are settled as sent (errors then go unseen). */
  maxPollMs?: number;
}

export class BulkSender {
  private readonly profileChains = new Map<string, Promise<void>>();

  constructor(
    private readonly client: KlaviyoClient,
    private readonly outcomes: OutcomeDeps,
    /** Sends one job the usual way (POST /api/events or /api/profile-import) and records its outcome. */
    private readonly sendOne: (job: Job) => Promise<void>,
    private readonly opts: BulkSenderOptions = {},
  ) {}

  send(store: StoreRecord, group: BulkGroup): Promise<void> {
    if (group.kind === 'event') return this.sendEvents(store, group.jobs);
    const before = this.profileChains.get(store.id) ?? Promise.resolve();
    const next = before.then(() => this.sendProfiles(store, group.jobs));
    const settled = next.catch(() => undefined);
    this.profileChains.set(store.id, settled);
    void settled.then(() => { if (this.profileChains.get(store.id) === settled) this.profileChains.delete(store.id); });
    return next;
  }

  private async sendEvents(store: StoreRecord, jobs: Job[]): Promise<void> {
    const byKey = new Map(jobs.map((j) => [j.request.key, j]));
    const { jobs: bodies, tooBig } = bulkEventJobs(jobs.map((j) => j.request as EventRequest));
    for (const key of tooBig) await this.sendOne(byKey.get(key)!);
    for (const b of bodies) {
      const members = b.keys.map((k) => byKey.get(k)!);
      try {
        await this.client.bulkCreateEvents(store.privateKey, b.body, 'backlog');
      } catch (err) {
        await this.failed(members, err);
        continue;
      }
      for (const j of members) await applySent(this.outcomes, j, 202);
    }
  }

  private async sendProfiles(store: StoreRecord, jobs: Job[]): Promise<void> {
    const byKey = new Map(jobs.map((j) => [j.request.key, j]));
    for (const b of bulkProfileJobs(jobs.map((j) => j.request as ProfileRequest))) {
      const members = b.keys.map((k) => byKey.get(k)!);
      let refused = new Map<string, ImportErrorItem>();
      try {
        const job = await this.client.bulkImportProfiles(store.privateKey, b.body, 'backlog');
        refused = await this.importErrors(store, job.id, b.body.data.attributes.profiles.data.map((p) => (p.attributes.email ?? '').toLowerCase()));
      } catch (err) {
        await this.failed(members, err);
        continue;
      }
      for (const j of members) {
        const error = refused.get(emailOf(j.request as ProfileRequest));
        if (!error) {
          await applySent(this.outcomes, j, 202);
          continue;
        }
        // A phone another profile holds: the single path drops the phone and sends the profile again, as live does.
        if (error.code === 'duplicate_profile') {
          await this.sendOne(j);
          continue;
        }
        await this.outcomes.storage.settleJob(j, {
          kind: 'dead',
          failure: {
            errorClass: 'bad_request', responseStatus: 400,
            message: `Klaviyo's profile import refused this profile: ${error.detail}${error.pointer ? ` (${error.pointer})` : ''}`,
            klaviyoErrors: [{ code: error.code, title: 'Invalid input.', detail: error.detail, source: { pointer: error.pointer ?? '' } }],
          },
        }, Date.now());
      }
    }
  }

  /** Polls the import job until Klaviyo processed it; its per-record errors by the email of the profile they name. */
  private async importErrors(store: StoreRecord, jobId: string, emails: string[]): Promise<Map<string, ImportErrorItem>> {
    const until = Date.now() + (this.opts.maxPollMs ?? 120_000);
    let job = await this.client.getProfileImportJob(store.privateKey, jobId, 'backlog');
    while (job.status !== 'complete' && job.status !== 'cancelled' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, this.opts.pollMs ?? 500));
      job = await this.client.getProfileImportJob(store.privateKey, jobId, 'backlog');
    }
    const out = new Map<string, ImportErrorItem>();
    if (job.failed === 0) return out;
    for (const e of await this.client.getProfileImportErrors(store.privateKey, jobId, 'backlog')) {
      const index = /\/profiles\/data\/(\d+)/.exec(e.pointer ?? '')?.[1];
      const email = index !== undefined ? emails[Number(index)] : String((e.payload as { email?: unknown } | null)?.email ?? '').toLowerCase();
      if (email) out.set(email, e);
    }
    return out;
  }

  /** A refused body is sent again job by job (each gets its own answer); any other failure is each job's. */
  private async failed(members: Job[], err: unknown): Promise<void> {
    if (err instanceof KlaviyoBadRequestError) {
      for (const j of members) await this.sendOne(j);
      return;
    }
    for (const j of members) await applyFailure(this.outcomes, j, err);
  }
}
