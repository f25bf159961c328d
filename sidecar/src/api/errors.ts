/**
 * The edge where failures become HTTP: typed errors (errors.ts) answer with their own status and code, a request
 * that does not match its route's schema becomes the typed error it stands for, anything else is a 500 that hides
 * its details.
 */
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import { hasZodFastifySchemaValidationErrors, validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { NotFoundError, SidecarError, ValidationError } from '../errors.js';
import { redactText } from '../redact.js';

/** A path parameter that does not match its pattern names something that does not exist. */
const NOT_FOUND_PARAMS: Record<string, (value: string) => SidecarError> = {
  storeId: (v) => new NotFoundError('unknown_store', `No store "${v.slice(0, 64)}".`),
  id: (v) => new NotFoundError('unknown_delivery', `No delivery ${v.slice(0, 20)} for this store.`),
};

interface Problem { field: string; message: string }

/** `400 invalid_request` with one `{ field, message }` per problem; `field` is the dotted path ('' for the whole body). */
export function invalidRequest(problems: Problem[]): ValidationError {
  return new ValidationError(problems.map((p) => `${p.field || 'body'}: ${p.message}`).join('; '), problems);
}

/** Parses with a zod schema, or throws the same `400 invalid_request` a route's schema gives. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) throw invalidRequest(r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
  return r.data;
}

/** The typed error a failed request validation stands for, or null when `err` is not one. */
export function validationToTypedError(err: FastifyError, params: unknown): SidecarError | null {
  if (!hasZodFastifySchemaValidationErrors(err)) return null;
  const problems = err.validation.map((v) => ({ field: v.instancePath.slice(1).split('/').join('.'), message: v.message ?? '' }));
  if (err.validationContext === 'params') {
    const values = (params ?? {}) as Record<string, unknown>;
    for (const p of problems) {
      const notFound = NOT_FOUND_PARAMS[p.field];
      if (notFound) return notFound(String(values[p.field] ?? ''));
    }
  }
  return invalidRequest(problems);
}

/**
 * fastify-type-provider-zod's validator, except that an absent body is validated as `undefined` (Fastify hands
 * validators `null` for it), so a missing body is described as before the routes had schemas.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = zodValidatorCompiler(route);
  return route.httpPart === 'body' ? (data: unknown) => validate(data ?? undefined) : validate;
};

/**
 * A compiler that compiles nothing: Fastify then handles the route part as if it had no schema (no validation, plain
 * JSON.stringify). Responses are never validated at run time (the tests check every answer against the document),
 * and the ingress route parses its raw bytes itself; their schemas only describe them.
 */
export const describeOnly = (() => undefined) as unknown as FastifySchemaCompiler<unknown> & FastifySerializerCompiler<unknown>;

export function errorHandler(secrets: () => string[]) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const typed = err instanceof SidecarError ? err : validationToTypedError(err, req.params);
    if (typed) {
      const message = redactText(typed.message, secrets());
      if (typed.httpStatus >= 500) req.log.error({ err: { message, code: typed.code } }, 'request failed');
      return reply.code(typed.httpStatus).send({ error: { code: typed.code, message, ...(typed.details ? { details: typed.details } : {}) } });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) {
      req.log.error({ err: { message: redactText(err.message, secrets()), stack: err.stack } }, 'unexpected error');
      return reply.code(500).send({ error: { code: 'internal_error', message: 'Internal Server Error' } });
    }
    return reply.code(status).send({ error: { code: (err.code ?? 'bad_request').toLowerCase(), message: redactText(err.message, secrets()) } });
  };
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}.` } });
}
