/** The comparison point: a bare Fastify route that reads the raw body and answers 200. */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/v1/stores/:storeId/webhooks/woocommerce', async (_req, reply) => reply.code(200).send({ ok: true }));
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
process.stdout.write('ready\n');
