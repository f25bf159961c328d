/**
 * Typed errors of the sidecar. Each carries a stable `code` and, where it wraps another failure, a `cause`.
 * They are mapped to HTTP only at the edge (api/errors.ts's error handler), through `httpStatus`.
 */
export class SidecarError extends Error {
  readonly code: string;
  readonly httpStatus: number;
  readonly details?: unknown;

  constructor(code: string, message: string, opts: { httpStatus?: number; cause?: unknown; details?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = opts.httpStatus ?? 500;
    this.details = opts.details;
  }
}

export class ConfigError extends SidecarError {
  constructor(readonly problems: string[]) {
    super('invalid_config', `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

export class UnauthorizedError extends SidecarError {
  constructor(message = 'A valid Bearer admin token is required.') {
    super('unauthorized', message, { httpStatus: 401 });
  }
}

/** A credential was given, but it does not open this route (another store's, rotated, or wrong): `403 forbidden`. */
export class ForbiddenError extends SidecarError {
  constructor(message = 'This credential does not open this store\'s routes.') {
    super('forbidden', message, { httpStatus: 403 });
  }
}

/** Why a connection code was refused; each `code` has its own plain-words message (api/credentials.ts). */
export type ConnectCodeProblem = 'connect_code_malformed' | 'connect_code_other_sidecar' | 'connect_code_unknown' | 'connect_code_used'
  | 'connect_code_expired' | 'connect_code_store_removed';

export class ConnectCodeError extends SidecarError {
  constructor(readonly problem: ConnectCodeProblem, message: string, httpStatus: number, cause?: unknown) {
    super(problem, message, { httpStatus, cause });
  }
}

export class NotFoundError extends SidecarError {
  constructor(code: string, message: string) {
    super(code, message, { httpStatus: 404 });
  }
}

export class ValidationError extends SidecarError {
  constructor(message: string, details?: unknown) {
    super('invalid_request', message, { httpStatus: 400, details });
  }
}

/** A WooCommerce delivery refused at ingress. It is recorded in the sync log before it is answered. */
export class IngressRejection extends SidecarError {
  constructor(code: string, message: string, httpStatus: number) {
    super(code, message, { httpStatus });
  }
}

/**
 * A site that is not the one the store is pinned to tried to re-point it (a settings save from a staging copy), or a
 * sources action named the pinned site itself: `409`.
 */
export class SiteNotPinnedError extends SidecarError {
  constructor(code: 'site_not_pinned' | 'source_is_pinned', message: string) {
    super(code, message, { httpStatus: 409 });
  }
}

export class StorageError extends SidecarError {
  constructor(message: string, cause?: unknown) {
    super('storage_unavailable', message, { httpStatus: 503, cause });
  }
}

/** The secret key this replica was given cannot open the secrets already stored: it must not start. */
export class SecretKeyMismatchError extends SidecarError {
  constructor(source: 'SECRET_KEY' | 'file', dataDir: string, cause?: unknown) {
    const where = source === 'SECRET_KEY'
      ? 'the SECRET_KEY setting'
      : `the key file ${dataDir}/secret.key (set SECRET_KEY to the same value on every replica, or share that file)`;
    super('secret_key_mismatch',
      `Refusing to start: the stored Klaviyo keys and webhook secrets were sealed with another secret key than ${where}. `
      + 'Give every replica the key the others use; nothing stored was changed.', { cause });
  }
}
