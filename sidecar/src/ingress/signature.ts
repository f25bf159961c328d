import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** WooCommerce signs base64(HMAC-SHA256(raw body, secret)). Compared in constant time. */
export function verifySignature(raw: Buffer, secret: string, header: string): boolean {
  const expected = createHmac('sha256', secret).update(raw).digest();
  let given: Buffer;
  try {
    given = Buffer.from(header.trim(), 'base64');
  } catch {
    return false;
  }
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function sign(raw: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(raw).digest('base64');
}

export function contentHash(topic: string, raw: Buffer): string {
  return createHash('sha256').update(topic).update('\n').update(raw).digest('hex');
}

/**
 * Klaviyo's signature of a signed (system) webhook: `Klaviyo-Signature` is the hex HMAC-SHA256, keyed with the
 * webhook's secret, of the raw body followed by the `Klaviyo-Timestamp` header's value (docs/how-it-works.md cites
 * the source). Constant time; anything but 64 hex digits is refused.
 */
export function verifyKlaviyoSignature(raw: Buffer, timestamp: string, secret: string, header: string): boolean {
  const h = header.trim();
  if (!/^[0-9a-f]{64}$/i.test(h)) return false;
  const expected = klaviyoSignature(raw, timestamp, secret);
  return timingSafeEqual(Buffer.from(h.toLowerCase(), 'hex'), Buffer.from(expected, 'hex'));
}

/** What Klaviyo sends as `Klaviyo-Signature` for this body and `Klaviyo-Timestamp` (hex). */
export function klaviyoSignature(raw: Buffer | string, timestamp: string, secret: string): string {
  return createHmac('sha256', secret).update(raw).update(timestamp).digest('hex');
}
