import type { FastifyRequest } from 'fastify';

/**
 * What a stored delivery keeps of its request's headers: the sender's own (`prefix`, lower case) but `drop` (the
 * signature: never stored), and the content type and user agent. Secrets sent in other headers are never kept.
 */
export function keptHeaders(req: FastifyRequest, keep: { prefix: string; drop: string }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if ((k.startsWith(keep.prefix) && k !== keep.drop) || k === 'content-type' || k === 'user-agent') {
      out[k] = Array.isArray(v) ? v.join(', ') : String(v);
    }
  }
  return out;
}
