/**
 * Consent records (from the order meta `_wck_consent` the plugin writes at checkout) -> Klaviyo subscription
 * requests. Pure: the newest record per channel wins by its own time (`at`), never by arrival, so an older
 * grant replayed after a withdrawal stays withdrawn; SMS needs an E.164 phone and is refused with a reason
 * otherwise; no list means nothing is sent and the reason is said.
 */
import { z } from 'zod';
import type { components } from '../klaviyo/generated/openapi.js';
import { toE164 } from './phone.js';

export const CONSENT_META_KEY = '_wck_consent';
/** Klaviyo's per-job limits: profile-subscription-bulk-create-jobs 1000 profiles, -delete-jobs 100. */
export const SUBSCRIBE_BATCH_LIMIT = 1000;
export const UNSUBSCRIBE_BATCH_LIMIT = 100;

export type SubscribeBody = components['schemas']['SubscriptionCreateJobCreateQuery'];
export type UnsubscribeBody = components['schemas']['SubscriptionDeleteJobCreateQuery'];

const ConsentRecordSchema = z.object({
  channel: z.enum(['email', 'sms']),
  status: z.enum(['granted', 'withdrawn']),
  label: z.string(),
  at: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/),
  source: z.enum(['block_checkout', 'classic_checkout', 'registration', 'account_page']),
  order_id: z.number().int().positive().optional(),
  user_id: z.number().int().positive().optional(),
});
export type ConsentRecord = z.infer<typeof ConsentRecordSchema>;

export interface ParsedConsent {
  records: ConsentRecord[];
  /** Entries that are not consent records, with why (they are never acted on). */
  refused: string[];
}

/** The consent records in a WooCommerce payload's meta_data (order or customer). */
export function consentRecordsFrom(metaData: unknown): ParsedConsent {
  const out: ParsedConsent = { records: [], refused: [] };
  if (!Array.isArray(metaData)) return out;
  for (const meta of metaData) {
    if (!meta || typeof meta !== 'object' || (meta as { key?: unknown }).key !== CONSENT_META_KEY) continue;
    const value = (meta as { value?: unknown }).value;
    let list: unknown;
    try {
      list = typeof value === 'string' ? JSON.parse(value) : value;
    } catch {
      out.refused.push(`${CONSENT_META_KEY} is not JSON`);
      continue;
    }
    if (!Array.isArray(list)) {
      out.refused.push(`${CONSENT_META_KEY} is not a list`);
      continue;
    }
    list.forEach((entry, i) => {
      const parsed = ConsentRecordSchema.safeParse(entry);
      if (parsed.success) out.records.push(parsed.data);
      else out.refused.push(`record ${i}: ${parsed.error.issues.map((x) => `${x.path.join('.')} ${x.message}`).join('; ')}`);
    });
  }
  return out;
}

/** The newest record per channel, by its time; on a tie a withdrawal wins. `known` is what was already decided. */
export function newestPerChannel(records: ConsentRecord[], known: Partial<Record<'email' | 'sms', ConsentRecord>> = {}) {
  const out: Partial<Record<'email' | 'sms', ConsentRecord>> = { ...known };
  for (const r of records) {
    const cur = out[r.channel];
    const t = Date.parse(r.at);
    const c = cur ? Date.parse(cur.at) : -Infinity;
    if (!cur || t > c || (t === c && r.status === 'withdrawn' && cur.status === 'granted')) out[r.channel] = r;
  }
  return out;
}

export interface SubscriptionIntent {
  channel: 'email' | 'sms';
  action: 'subscribe' | 'unsubscribe';
  email?: string;
  phone?: string;
  consentedAt: string;
  /** Deterministic: the same record gives the same key, so a replay is recognised. */
  key: string;
  record: ConsentRecord;
}

export interface SubscriptionPlan {
  intents: SubscriptionIntent[];
  /** What is recorded but not sent, and why (no list, SMS without an E.164 phone, no email). */
  notes: string[];
}

export interface SubscriptionInput {
  storeId: string;
  records: ConsentRecord[];
  email?: string;
  phone?: unknown;
  country?: unknown;
  listId?: string;
  /** The newest record per channel already applied for this profile (from storage). */
  applied?: Partial<Record<'email' | 'sms', ConsentRecord>>;
}

const keyOf = (storeId: string, subject: string, r: ConsentRecord) =>
  `consent:${storeId}:${r.channel}:${subject}:${r.status}:${r.at}`;

/** What Klaviyo must receive for these records: only a change of the newest record per channel is sent. */
export function planSubscriptions(input: SubscriptionInput): SubscriptionPlan {
  const plan: SubscriptionPlan = { intents: [], notes: [] };
  const applied = input.applied ?? {};
  const newest = newestPerChannel(input.records, applied);
  for (const channel of ['email', 'sms'] as const) {
    const r = newest[channel];
    if (!r || r === applied[channel]) continue;
    if (applied[channel] && applied[channel]!.at === r.at && applied[channel]!.status === r.status) continue;
    if (!input.listId) {
      plan.notes.push(`${channel} consent ${r.status} recorded; no list is configured, so nothing is sent to Klaviyo`);
      continue;
    }
    if (channel === 'email') {
      if (!input.email) {
        plan.notes.push('email consent recorded without an email address; nothing is sent');
        continue;
      }
      plan.intents.push({ channel, action: r.status === 'granted' ? 'subscribe' : 'unsubscribe', email: input.email, consentedAt: r.at, key: keyOf(input.storeId, input.email.toLowerCase(), r), record: r });
    } else {
      const phone = toE164(input.phone, input.country);
      if (!phone) {
        plan.notes.push(`SMS consent refused: the phone ${JSON.stringify(typeof input.phone === 'string' ? input.phone : '')} cannot be made an E.164 number`);
        continue;
      }
      plan.intents.push({ channel, action: r.status === 'granted' ? 'subscribe' : 'unsubscribe', phone, email: input.email, consentedAt: r.at, key: keyOf(input.storeId, phone, r), record: r });
    }
  }
  return plan;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * profile-subscription-bulk-create-jobs bodies, at most 1000 profiles each. `consented_at` is the record's time;
 * Klaviyo accepts it only with historical_import, which also skips the list's double opt-in confirmation.
 */
export function subscribeBodies(listId: string, intents: SubscriptionIntent[]): SubscribeBody[] {
  const subs = intents.filter((i) => i.action === 'subscribe');
  return chunks(subs, SUBSCRIBE_BATCH_LIMIT).map((batch) => ({
    data: {
      type: 'profile-subscription-bulk-create-job',
      attributes: {
        custom_source: 'WooCommerce checkout',
        historical_import: true,
        profiles: {
          data: batch.map((i) => ({
            type: 'profile' as const,
            attributes:
              i.channel === 'email'
                ? { email: i.email, subscriptions: { email: { marketing: { consent: 'SUBSCRIBED' as const, consented_at: i.consentedAt } } } }
                : { phone_number: i.phone, subscriptions: { sms: { marketing: { consent: 'SUBSCRIBED' as const, consented_at: i.consentedAt } } } },
          })),
        },
      },
      relationships: { list: { data: { type: 'list', id: listId } } },
    },
  }));
}

/** profile-subscription-bulk-delete-jobs bodies, at most 100 profiles each. */
export function unsubscribeBodies(listId: string, intents: SubscriptionIntent[]): UnsubscribeBody[] {
  const unsubs = intents.filter((i) => i.action === 'unsubscribe');
  return chunks(unsubs, UNSUBSCRIBE_BATCH_LIMIT).map((batch) => ({
    data: {
      type: 'profile-subscription-bulk-delete-job',
      attributes: {
        profiles: {
          data: batch.map((i) => ({
            type: 'profile' as const,
            attributes:
              i.channel === 'email'
                ? { email: i.email, subscriptions: { email: { marketing: { consent: 'UNSUBSCRIBED' as const } } } }
                : { phone_number: i.phone, subscriptions: { sms: { marketing: { consent: 'UNSUBSCRIBED' as const } } } },
          })),
        },
      },
      relationships: { list: { data: { type: 'list', id: listId } } },
    },
  }));
}
