/** Liveness, readiness and the API's own description (no auth). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Storage } from '../storage/types.js';
import { answer, Health, NotReady, OpenApiDocument, Ready } from './schemas.js';

export async function healthRoutes(app: FastifyInstance, deps: { storage: Storage; closing: () => boolean }): Promise<void> {
  const { storage, closing } = deps;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['health'];

  api.get('/healthz', {
    config: { auth: 'none' },
    schema: { operationId: 'healthz', summary: 'Liveness', tags, response: { 200: answer('The process lives.', Health) } },
  }, async () => ({ ok: true as const }));

  api.get('/readyz', {
    config: { auth: 'none' },
    schema: {
      operationId: 'readyz', summary: 'Readiness', tags,
      response: {
        200: answer('Storage is reachable and the process is not shutting down.', Ready),
        503: answer('Shutting down, or storage unreachable: send no traffic here.', NotReady),
      },
    },
  }, async (_req, reply) => {
    if (closing()) return reply.code(503).send({ ready: false, reason: 'shutting down' });
    try {
      await storage.ping();
      return { ready: true as const, backend: storage.backend };
    } catch {
      return reply.code(503).send({ ready: false, reason: 'storage unreachable' });
    }
  });

  api.get('/openapi.json', {
    config: { auth: 'none' },
    schema: {
      operationId: 'openapi', summary: 'This document (OpenAPI 3.1)', tags,
      description: 'Public like `/healthz`: it describes the routes and holds no store data or secret.',
      response: { 200: answer('The OpenAPI document of this sidecar.', OpenApiDocument) },
    },
  }, async () => app.swagger() as unknown as Record<string, unknown>);
}
