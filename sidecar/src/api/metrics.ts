/** `GET /metrics`: Prometheus exposition, behind the admin token or METRICS_TOKEN. */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '../errors.js';
import type { Metrics } from '../metrics/metrics.js';
import { ADMIN_SECURITY } from './auth.js';
import { adminErrors } from './schemas.js';

export const MetricsText = z.string().meta({ id: 'MetricsText', description: 'Prometheus text exposition format 0.0.4.' });

export async function metricsRoutes(app: FastifyInstance, deps: { metrics: Metrics; tokens: string[] }): Promise<void> {
  const accepted = deps.tokens.map((t) => Buffer.from(t));
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/metrics', {
    schema: {
      operationId: 'metrics', summary: 'Prometheus metrics', tags: ['health'], security: [...ADMIN_SECURITY, { metricsToken: [] }],
      description: 'Deliveries by topic and outcome, queue depth by state, Klaviyo requests by endpoint and status, throttles, '
        + 'send outcomes (retries, dead letters), circuit state and the send latency histogram, each labelled by store. '
        + 'Takes the admin token or `METRICS_TOKEN` as a Bearer token.',
      response: {
        200: { description: 'The metrics.', content: { 'text/plain': { schema: MetricsText } } },
        401: adminErrors[401],
      },
    },
    onRequest: async (req) => {
      const h = req.headers.authorization ?? '';
      const given = Buffer.from(h.startsWith('Bearer ') ? h.slice(7).trim() : '');
      if (!accepted.some((t) => t.length === given.length && timingSafeEqual(t, given))) throw new UnauthorizedError();
    },
  }, async (_req, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
}
