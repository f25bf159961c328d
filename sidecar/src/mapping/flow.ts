/**
 * Klaviyo flow webhooks (stored deliveries with a `klaviyo.flow.<action>` topic) -> the requests they imply, each
 * with a deterministic key. Pure, like the WooCommerce mappings. See docs/how-it-works.md, "Klaviyo flow webhooks".
 */
import { createHash } from 'node:crypto';
import {
  CouponBody, DEFAULT_COUPON_CODE_PROPERTY, DEFAULT_COUPON_EXPIRES_PROPERTY, ProfilePropertiesBody, TagBody, valueAt,
  type FlowAction, type FlowSettings,
} from '../flows/actions.js';
import type { ProfileImportBody } from '../klaviyo/types.js';
import { MappingError } from './errors.js';
import { normaliseEmail } from './profile.js';
import type { MappingResult } from './types.js';

function digest(v: unknown): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);
}

/** `profile-properties`: the configured paths of the body become top-level profile properties; a missing path is skipped and noted. */
export function mapProfileProperties(storeId: string, payload: unknown, settings: FlowSettings | null): MappingResult {
  const r = ProfilePropertiesBody.safeParse(payload);
  if (!r.success) throw new MappingError(`The flow webhook body is not usable: ${r.error.issues[0]?.message ?? 'invalid'}`);
  const email = normaliseEmail(r.data.email)!;
  const summary = { resource: 'profile' as const, email };
  const paths = settings?.profilePaths ?? [];
  if (paths.length === 0) {
    return { summary, requests: [], note: 'No body paths are configured for profile-properties, so nothing is copied (settings page → Klaviyo flow webhooks).' };
  }
  const properties: Record<string, unknown> = {};
  const missing: string[] = [];
  for (const { path, property } of paths) {
    const v = valueAt(payload, path);
    if (v === undefined || v === null || v === '') missing.push(path);
    else properties[property] = v;
  }
  const missingNote = missing.length ? `Not in the body, skipped: ${missing.join(', ')}.` : undefined;
  if (Object.keys(properties).length === 0) return { summary, requests: [], note: `Nothing to copy. ${missingNote}` };
  const body: ProfileImportBody = { data: { type: 'profile', attributes: { email, properties } } };
  return {
    summary,
    requests: [{ kind: 'profile', key: `flow:${storeId}:profile-properties:${email}:${digest(body)}`, body }],
    ...(missingNote ? { note: missingNote } : {}),
  };
}

function parseBody<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { message: string }[] } } }, payload: unknown): T {
  const r = schema.safeParse(payload);
  if (!r.success) throw new MappingError(`The flow webhook body is not usable: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

/**
 * The flow message's key: the body's `key` when the flow sends one, else a digest of the whole body (so a retry, the
 * same body again, has the same key).
 */
function messageKey(storeId: string, action: FlowAction, email: string, own: string | undefined, payload: unknown): string {
  return `flow:${storeId}:${action}:${own ? `key:${own}` : `${email}:${digest(payload)}`}`;
}

/** `coupon`: a single-use coupon for the email in WooCommerce (the plugin), then its code and expiry on the profile. */
export function mapCoupon(storeId: string, payload: unknown, settings: FlowSettings | null): MappingResult {
  const b = parseBody(CouponBody, payload);
  const email = normaliseEmail(b.email)!;
  const key = messageKey(storeId, 'coupon', email, b.key, payload);
  const codeProperty = settings?.couponCodeProperty ?? DEFAULT_COUPON_CODE_PROPERTY;
  const expiresProperty = settings?.couponExpiresProperty ?? DEFAULT_COUPON_EXPIRES_PROPERTY;
  const what = b.discount_type === 'percent' ? `${b.amount}%` : `${b.amount} off`;
  return {
    summary: { resource: 'profile', email },
    requests: [{
      kind: 'store', key, action: 'coupon',
      body: {
        action: 'coupon', key, email, discountType: b.discount_type, amount: b.amount, expiryDays: b.expiry_days,
        ...(b.minimum_amount ? { minimumAmount: b.minimum_amount } : {}), codeProperty, expiresProperty,
      },
    }],
    note: `A single-use ${what} coupon for ${email} (expires in ${b.expiry_days} days${b.minimum_amount ? `, minimum spend ${b.minimum_amount}` : ''}), `
      + `then ${codeProperty} and ${expiresProperty} on the Klaviyo profile.`,
  };
}

/** `tag`: a customer tag added or removed in WordPress, or a note on the customer's latest order. */
export function mapTag(storeId: string, payload: unknown): MappingResult {
  const b = parseBody(TagBody, payload);
  const email = normaliseEmail(b.email)!;
  const key = messageKey(storeId, 'tag', email, b.key, payload);
  return {
    summary: { resource: 'profile', email },
    requests: [{
      kind: 'store', key, action: 'tag',
      body: { action: 'tag', key, email, tag: b.tag, op: b.op, target: b.target, ...(b.note ? { note: b.note } : {}) },
    }],
    note: b.target === 'order_note'
      ? `A note "${b.note ?? `Klaviyo flow: ${b.tag}`}" on the latest order of ${email}.`
      : `${b.op === 'add' ? 'Add' : 'Remove'} the customer tag "${b.tag}" ${b.op === 'add' ? 'to' : 'from'} ${email}.`,
  };
}

export function mapFlowWebhook(storeId: string, action: FlowAction, payload: unknown, settings: FlowSettings | null): MappingResult {
  switch (action) {
    case 'profile-properties':
      return mapProfileProperties(storeId, payload, settings);
    case 'coupon':
      return mapCoupon(storeId, payload, settings);
    case 'tag':
      return mapTag(storeId, payload);
  }
}
