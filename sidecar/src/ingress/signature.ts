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

/** Klaviyo's signature of a signed webhook: HMAC-SHA256 of the raw body with the signing secret, base64 or hex. Constant time. */
export function verifyKlaviyoSignature(raw: Buffer, secret: string, header: string): boolean {
  const expected = createHmac('sha256', secret).update(raw).digest();
  const h = header.trim();
  const given = /^[0-9a-f]{64}$/i.test(h) ? Buffer.from(h, 'hex') : Buffer.from(h, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
