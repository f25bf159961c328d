/**
 * When a store's save may skip asking Klaviyo about its key again. `GET /api/accounts` is Klaviyo's XS tier (1 a
 * second, 15 a minute per account, shared with the account's other integrations): a merchant saving the settings
 * a few times in a row, or a plugin pushing the store again after an upgrade, would otherwise wait four seconds a
 * save and spend the account's allowance. A save with the very key that Klaviyo accepted less than a minute ago
 * reuses that answer; any other key, an older answer, or a key last found invalid or unverified is asked again.
 * "Test connection" (`/klaviyo/verify-key`, `/stores/{id}/klaviyo/verify`) always asks.
 */
export const KEY_RECHECK_AFTER_MS = 60_000;

export interface KnownKey {
  privateKey: string;
  keyStatus: string;
  keyDetail: string | null;
  keyCheckedAt: string | null;
}

/** The earlier answer a save may reuse, or null when Klaviyo must be asked. */
export function reusableKeyCheck(existing: KnownKey | null, key: string, now: Date): { status: 'valid'; detail: string | null; checkedAt: string } | null {
  if (!existing || existing.privateKey !== key || existing.keyStatus !== 'valid' || !existing.keyCheckedAt) return null;
  const age = now.getTime() - Date.parse(existing.keyCheckedAt);
  if (!Number.isFinite(age) || age < 0 || age >= KEY_RECHECK_AFTER_MS) return null;
  return { status: 'valid', detail: existing.keyDetail, checkedAt: existing.keyCheckedAt };
}
