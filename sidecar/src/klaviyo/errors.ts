/** Klaviyo failures, classified. `errorClass` is what status counts and the retry policy use. */
import { SidecarError } from '../errors.js';

export interface KlaviyoErrorItem {
  id?: string;
  code?: string;
  title?: string;
  detail?: string;
  source?: { pointer?: string; parameter?: string };
  meta?: Record<string, unknown>;
}

export type KlaviyoErrorClass = 'rate_limited' | 'server' | 'network' | 'bad_request' | 'auth' | 'conflict' | 'circuit_open';

export abstract class KlaviyoError extends SidecarError {
  abstract readonly errorClass: KlaviyoErrorClass;
  constructor(
    message: string,
    readonly status: number | null,
    readonly errors: KlaviyoErrorItem[] = [],
    cause?: unknown,
  ) {
    super(`klaviyo_${status ?? 'network'}`, message, { httpStatus: 502, cause });
  }
}

export class KlaviyoRateLimitedError extends KlaviyoError {
  readonly errorClass = 'rate_limited' as const;
  constructor(message: string, readonly retryAfterMs: number | null, errors: KlaviyoErrorItem[] = []) {
    super(message, 429, errors);
  }
}
export class KlaviyoServerError extends KlaviyoError {
  readonly errorClass = 'server' as const;
}
export class KlaviyoNetworkError extends KlaviyoError {
  readonly errorClass = 'network' as const;
  constructor(message: string, cause?: unknown) {
    super(message, null, [], cause);
  }
}
export class KlaviyoBadRequestError extends KlaviyoError {
  readonly errorClass = 'bad_request' as const;
}
/**
 * An asynchronous job Klaviyo accepted (202) failed some of what it carried, as the finished job lists in its
 * `errors` (a catalog job's resource): as final as a 400, kept with Klaviyo's errors.
 */
export class KlaviyoJobFailedError extends KlaviyoBadRequestError {}
/** An asynchronous job Klaviyo accepted had not finished when the client stopped waiting: sent again later. */
export class KlaviyoJobTimeoutError extends KlaviyoServerError {}
export class KlaviyoAuthError extends KlaviyoError {
  readonly errorClass = 'auth' as const;
}
export class KlaviyoConflictError extends KlaviyoError {
  readonly errorClass = 'conflict' as const;
}
export class KlaviyoCircuitOpenError extends KlaviyoError {
  readonly errorClass = 'circuit_open' as const;
  constructor(readonly retryInMs: number) {
    super(`Klaviyo looks unavailable; not calling it for ${Math.ceil(retryInMs / 1000)} s (circuit open).`, null);
  }
}

/** "Request was throttled. Expected available in 7 seconds." -> 7000 */
export function retryAfterFromDetail(detail: string | undefined): number | null {
  const m = detail ? /available in (\d+(?:\.\d+)?) second/i.exec(detail) : null;
  return m ? Math.round(Number(m[1]) * 1000) : null;
}

export function retryAfterFromHeader(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function summary(errors: KlaviyoErrorItem[], fallback: string): string {
  const e = errors[0];
  if (!e) return fallback;
  const where = e.source?.pointer ? ` (${e.source.pointer})` : '';
  return `${e.detail ?? e.title ?? e.code ?? fallback}${where}`;
}

/** Builds the typed error for a non-2xx answer. The body may be JSON:API errors, HTML or empty. */
export function errorFromResponse(status: number, bodyText: string, headers: Record<string, string | string[] | undefined>): KlaviyoError {
  let errors: KlaviyoErrorItem[] = [];
  try {
    const parsed = JSON.parse(bodyText) as { errors?: KlaviyoErrorItem[] };
    if (Array.isArray(parsed.errors)) errors = parsed.errors;
  } catch {
    // not JSON (Cloudflare HTML, empty body): keep a short text excerpt
  }
  const excerpt = bodyText.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  const message = `Klaviyo answered ${status}: ${summary(errors, excerpt || 'no detail')}`;
  if (status === 429) {
    const retryAfter = retryAfterFromHeader(headers['retry-after']) ?? retryAfterFromDetail(errors[0]?.detail);
    return new KlaviyoRateLimitedError(message, retryAfter, errors);
  }
  if (status === 401 || status === 403) return new KlaviyoAuthError(message, status, errors);
  if (status === 409) return new KlaviyoConflictError(message, status, errors);
  if (status >= 500 || status === 408) return new KlaviyoServerError(message, status, errors);
  return new KlaviyoBadRequestError(message, status, errors);
}
