/**
 * Runs the Klaviyo double for the end-to-end run: port 8862, only GOOD_KEY accepted. Besides the double's own
 * /__double control routes it serves the full record of received requests (bodies included, keys redacted by
 * the double) on a Unix socket in the run folder, so specs can assert what exactly Klaviyo received.
 * usage: node --import tsx support/double-server.ts <socket path>
 */
import { createServer } from 'node:http';
import { rmSync } from 'node:fs';
import { startKlaviyoDouble } from '@wck/klaviyo-double';
import { DOUBLE_PORT, GOOD_KEY } from './env.js';

const socketPath = process.argv[2];
if (!socketPath) throw new Error('usage: double-server.ts <socket path>');

const double = await startKlaviyoDouble({ port: DOUBLE_PORT, host: '127.0.0.1', validKeys: [GOOD_KEY] });

rmSync(socketPath, { force: true });
const control = createServer((req, res) => {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method === 'GET' && req.url === '/requests') return send(200, double.requests);
  if (req.method === 'GET' && req.url === '/events') return send(200, double.events);
  return send(404, { error: 'unknown route' });
});
await new Promise<void>((ok) => control.listen(socketPath, ok));

process.stdout.write(`KLAVIYO_DOUBLE_URL=${double.url}\n`);
const stop = () => {
  control.close();
  void double.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
