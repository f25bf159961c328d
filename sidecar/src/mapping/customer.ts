import { createHash } from 'node:crypto';
import type { ProfileImportBody } from '../klaviyo/types.js';
import { ANONYMISED_NOTE, isAnonymised } from './privacy.js';
import { profileAttributes } from './profile.js';
import type { MappingResult } from './types.js';
import { withConsent } from './with-consent.js';
import type { ListInfo } from './consent.js';
import type { WooCustomer } from '../woo/schemas.js';

/** customer.created / customer.updated -> one profile upsert (POST /api/profile-import). */
export function mapCustomer(storeId: string, customer: WooCustomer, list: ListInfo | null = null, now?: number): MappingResult {
  if (isAnonymised(customer)) return { summary: { resource: 'customer', resourceId: customer.id }, requests: [], note: ANONYMISED_NOTE };
  const attributes = profileAttributes({
    email: customer.email,
    firstName: customer.first_name,
    lastName: customer.last_name,
    billing: customer.billing,
    properties: { WooCommerceCustomerId: customer.id },
  });
  const summary = { resource: 'customer' as const, resourceId: customer.id, email: attributes.email ?? undefined };
  if (!attributes.email && !attributes.phone_number) {
    return withConsent({ summary, requests: [], note: 'The customer has no email and no valid phone: Klaviyo needs a profile identifier.' }, storeId, customer, list, now);
  }
  const body: ProfileImportBody = { data: { type: 'profile', attributes } };
  const digest = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return withConsent({ summary, requests: [{ kind: 'profile', key: `woo:${storeId}:customer:${customer.id}:profile:${digest}`, body }] }, storeId, customer, list, now);
}
