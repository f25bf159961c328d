/** Keeps secrets (Klaviyo private keys, admin tokens, webhook secrets) out of logs, errors and responses. */
const KEY_PATTERN = /\bpk_[A-Za-z0-9_]{6,}\b/g;
/** Store credentials and connection codes. */
const CREDENTIAL_PATTERN = /\bwck[sc]_[A-Za-z0-9_-]{8,}/g;
const BEARER_PATTERN = /(Bearer|Klaviyo-API-Key)\s+[A-Za-z0-9._~+/=-]{12,}/gi;

/** pino `redact` paths: headers and body fields that may carry a secret. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-wc-webhook-signature"]',
  'headers.authorization',
  'authorization',
  'privateKey',
  'webhookSecret',
  'adminToken',
  '*.privateKey',
  '*.webhookSecret',
  '*.adminToken',
  'klaviyo.privateKey',
  'body.klaviyo.privateKey',
  'body.webhookSecret',
  'credential',
  '*.credential',
];

export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(KEY_PATTERN, 'pk_***').replace(CREDENTIAL_PATTERN, (m) => `${m.slice(0, 5)}***`).replace(BEARER_PATTERN, '$1 ***');
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

export function last4(secret: string): string {
  return secret.slice(-4);
}

/** "/path?status=dead&token=abc" -> "/path?status=***&token=***" */
export function redactQuery(url: string): string {
  const i = url.indexOf('?');
  if (i < 0) return url;
  const keys = url.slice(i + 1).split('&').map((kv) => `${kv.split('=')[0]}=***`);
  return `${url.slice(0, i)}?${keys.join('&')}`;
}
