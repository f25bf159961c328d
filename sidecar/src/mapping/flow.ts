/**
 * Klaviyo flow webhooks (stored deliveries with a `klaviyo.flow.<action>` topic) -> the requests they imply, each
 * with a deterministic key. Pure, like the WooCommerce mappings. See docs/how-it-works.md, "Klaviyo flow webhooks".
 */
import { createHash } from 'node:crypto';
import { ProfilePropertiesBody, valueAt, type FlowAction, type FlowSettings } from '../flows/actions.js';
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

export function mapFlowWebhook(storeId: string, action: FlowAction, payload: unknown, settings: FlowSettings | null): MappingResult {
  switch (action) {
    case 'profile-properties':
      return mapProfileProperties(storeId, payload, settings);
    case 'coupon':
    case 'tag':
      throw new MappingError(`The flow webhook action "${action}" is not handled by this sidecar yet.`);
  }
}
