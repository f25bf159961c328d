/** `GET /metrics`: Prometheus exposition, behind the admin token or METRICS_TOKEN. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Metrics } from '../metrics/metrics.js';
import { adminErrors } from './schemas.js';

export const MetricsText = z.string().meta({ id: 'MetricsText', description: 'Prometheus text exposition format 0.0.4.' });

export async function metricsRoutes(app: FastifyInstance, deps: { metrics: Metrics }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/metrics', {
    config: { auth: 'metrics' },
    schema: {
      operationId: 'metrics', summary: 'Prometheus metrics', tags: ['health'],
      description: 'Deliveries by topic and outcome, queue depth by state, Klaviyo requests by endpoint and status, throttles, '
        + 'send outcomes (retries, dead letters), circuit state and the send latency histogram, each labelled by store. '
        + 'Takes the admin token or `METRICS_TOKEN` as a Bearer token.',
      response: {
        200: { description: 'The metrics.', content: { 'text/plain': { schema: MetricsText } } },
        401: adminErrors[401],
      },
    },
  }, async (_req, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
}
