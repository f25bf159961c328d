/**
 * Klaviyo flow webhooks: what a flow's webhook action may ask of the store, the body each action needs, and the
 * store's flow settings. Pure knowledge (zod only): the receiver (ingress/flow-route.ts) checks a body against it,
 * the mapping (mapping/flow.ts) turns a stored one into requests. See docs/how-it-works.md, "Klaviyo flow webhooks".
 */
import { z } from 'zod';

export const FLOW_ACTIONS = ['coupon', 'tag', 'profile-properties'] as const;
export type FlowAction = (typeof FLOW_ACTIONS)[number];

/** A flow webhook is stored as a delivery with this topic. */
export const FLOW_TOPICS = FLOW_ACTIONS.map((a) => `klaviyo.flow.${a}` as const);
export type FlowTopic = (typeof FLOW_TOPICS)[number];

export function flowTopic(action: FlowAction): FlowTopic {
  return `klaviyo.flow.${action}`;
}

export function flowActionOf(topic: string): FlowAction | null {
  const a = topic.startsWith('klaviyo.flow.') ? topic.slice('klaviyo.flow.'.length) : '';
  return (FLOW_ACTIONS as readonly string[]).includes(a) ? (a as FlowAction) : null;
}

export function parseFlowAction(s: string): FlowAction | null {
  return (FLOW_ACTIONS as readonly string[]).includes(s) ? (s as FlowAction) : null;
}

/** The header the merchant adds to the flow's webhook action, holding the store's flow secret. */
export const FLOW_SECRET_HEADER = 'x-wck-flow-secret';
/** Klaviyo's signature header of a signed (system) webhook; checked when the store has a signing secret. */
export const KLAVIYO_SIGNATURE_HEADER = 'klaviyo-signature';
/** Sent with it; the signature covers the raw body followed by this header's value. */
export const KLAVIYO_TIMESTAMP_HEADER = 'klaviyo-timestamp';

const Email = z.string().trim().max(254).refine((e) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e), 'email must be an email address');
/** Optional: anything unique per flow message. Without it the whole body is the message's identity. */
const Key = z.string().trim().min(1).max(200).optional();
const Money = z.union([z.string(), z.number()]).transform((v) => String(v).trim()).refine((v) => /^\d{1,9}(\.\d{1,4})?$/.test(v), 'must be a positive decimal amount');

export const CouponBody = z.looseObject({
  email: Email,
  key: Key,
  discount_type: z.enum(['percent', 'fixed_cart']).default('percent'),
  amount: Money,
  expiry_days: z.coerce.number().int().min(1).max(3650).default(30),
  minimum_amount: Money.optional(),
});
export type CouponBody = z.infer<typeof CouponBody>;

export const TagBody = z.looseObject({
  email: Email,
  key: Key,
  tag: z.string().trim().min(1).max(64).refine((t) => !/[<>,]/.test(t), 'tag must not contain < > or ,'),
  op: z.enum(['add', 'remove']).default('add'),
  /** `customer`: the user meta tag; `order_note`: a note on the customer's latest order. */
  target: z.enum(['customer', 'order_note']).default('customer'),
  note: z.string().trim().max(1000).optional(),
});
export type TagBody = z.infer<typeof TagBody>;

export const ProfilePropertiesBody = z.looseObject({ email: Email, key: Key });

export const FLOW_BODIES = {
  coupon: CouponBody,
  tag: TagBody,
  'profile-properties': ProfilePropertiesBody,
} as const;

/** What the action's body lacks, in plain words, or null when it is usable. */
export function flowBodyProblem(action: FlowAction, payload: unknown): string | null {
  const r = FLOW_BODIES[action].safeParse(payload);
  if (r.success) return null;
  return r.error.issues.slice(0, 3).map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; ');
}

/** What the sidecar asks the plugin to do (POST …/flow-actions), built by mapping/flow.ts. */
export type StoreActionBody =
  | {
      action: 'coupon'; key: string; email: string; discountType: 'percent' | 'fixed_cart'; amount: string; expiryDays: number;
      minimumAmount?: string;
      /** Not sent to the plugin: the profile properties the code and its expiry are written to. */
      codeProperty: string; expiresProperty: string;
    }
  | { action: 'tag'; key: string; email: string; tag: string; op: 'add' | 'remove'; target: 'customer' | 'order_note'; note?: string };

/** The plugin's answer to a coupon action. */
export interface CouponResult {
  couponId: number;
  code: string;
  /** ISO 8601 UTC, or null for a coupon without expiry. */
  expiresAt: string | null;
  usageCount: number;
  /** False when the coupon of this key existed already (a retry). */
  created: boolean;
}

/** One copied field: a dotted path into the body (`event.extra.items.0.name`) and the profile property it becomes. */
export const FlowPropertyPath = z.object({
  path: z.string().trim().min(1).max(200).regex(/^[^.\s]+(\.[^.\s]+)*$/, 'a dotted path like event.extra.value'),
  property: z.string().trim().min(1).max(100),
});
export type FlowPropertyPath = z.infer<typeof FlowPropertyPath>;

/** The store's flow webhook settings; `secret` is sealed at rest with the rest of the record. */
export interface FlowSettings {
  secret: string;
  /** Klaviyo's signing secret for signed webhooks; null: only the flow secret header is checked. */
  signingSecret: string | null;
  couponCodeProperty: string;
  couponExpiresProperty: string;
  profilePaths: FlowPropertyPath[];
}

export const DEFAULT_COUPON_CODE_PROPERTY = 'WooCouponCode';
export const DEFAULT_COUPON_EXPIRES_PROPERTY = 'WooCouponExpires';

/** The value at a dotted path (array indexes as numbers), or undefined when any step is missing. */
export function valueAt(payload: unknown, path: string): unknown {
  let cur: unknown = payload;
  for (const step of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(step)) return undefined;
      cur = cur[Number(step)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(cur, step)) return undefined;
      cur = (cur as Record<string, unknown>)[step];
    }
  }
  return cur;
}

/** Example bodies the settings page shows, as Klaviyo's flow webhook editor takes them (Django-style template tags). */
export const FLOW_EXAMPLE_BODIES: Record<FlowAction, Record<string, unknown>> = {
  coupon: { email: '{{ person.email }}', discount_type: 'percent', amount: '15', expiry_days: 14, minimum_amount: '50' },
  tag: { email: '{{ person.email }}', tag: 'VIP', op: 'add', target: 'customer' },
  'profile-properties': { email: '{{ person.email }}', event: { value: '{{ event.value }}', extra: { items: '{{ event.extra.line_items }}' } } },
};
