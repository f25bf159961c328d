#!/usr/bin/env node
// Prints a connection code for one store, made with the sidecar's own settings and storage (the same environment as
// the server: DATA_DIR or REDIS_URL, ADMIN_TOKEN, PUBLIC_URL, CONNECT_CODE_TTL_S).
// Usage: npm run connect-code -w sidecar -- <storeId> [--url https://sidecar.example]
import { issueConnectCode } from '../src/api/credentials.js';
import { STORE_ID } from '../src/api/schemas.js';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
const urlAt = args.indexOf('--url');
const url = urlAt >= 0 ? args[urlAt + 1] : undefined;
const storeId = (urlAt >= 0 ? args.filter((_, i) => i !== urlAt && i !== urlAt + 1) : args)[0];
if (!storeId) fail('Usage: npm run connect-code -w sidecar -- <storeId> [--url https://sidecar.example]');
if (!STORE_ID.test(storeId)) fail(`"${storeId}" is not a store id: it must match ${STORE_ID.source}.`);

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
const publicUrl = url ?? config.publicUrl;
if (!publicUrl || !/^https?:\/\/[^\s/]+/.test(publicUrl)) {
  fail('The code must carry the address stores reach this sidecar at: set PUBLIC_URL, or pass --url https://sidecar.example.');
}
const sidecar = await buildApp(config, { startPipeline: false, logger: false });
try {
  const { code, expiresAt } = await issueConnectCode(sidecar.storage, {
    storeId, publicUrl, adminToken: sidecar.adminToken, ttlSeconds: config.connectCodeTtlS, now: Date.now(),
  });
  process.stderr.write(`Connection code for store "${storeId}" (single use, expires ${new Date(expiresAt).toISOString()}):\n`);
  process.stdout.write(`${code}\n`);
} finally {
  await sidecar.shutdown();
}
