/**
 * Replicas that do not share the secret key: one whose key cannot open the stored secrets refuses to start, saying
 * which setting to fix, and changes nothing; SECRET_KEY lets replicas share the key without sharing a folder.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { SecretKeyMismatchError } from '../src/errors.js';
import { buildOrder } from './builders.js';
import { backendEnv, dropRedisPrefix, freePort, startHarness, TEST_BACKEND, type Harness } from './helpers.js';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');

/** A harness stopped without removing its Redis keys, so the next one finds them. */
async function stop(h: Harness): Promise<void> {
  await h.sidecar.shutdown();
  await h.double.close();
}

describe('secret key', () => {
  it('refuses to start with another key, names the setting, and loses nothing', async () => {
    const backend = backendEnv();
    const dataDir = mkdtempSync(join(tmpdir(), 'wck-key-'));
    const first = await startHarness({ dataDir, env: { ...backend, SECRET_KEY: keyA } });
    assert.equal((await first.configureStore('shop-1')).status, 200);
    const order = buildOrder({ id: 41, status: 'processing', items: 1 });
    assert.equal((await first.deliverJson('shop-1', 'order.created', order)).status, 200);
    await first.drain('shop-1');
    await stop(first);

    // Another replica with its own key on the same stored state (the same folder on SQLite, the same prefix on Redis).
    const env = (secretKey?: string) => loadConfig({
      ...backend, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ADMIN_TOKEN: 'test-admin-token-0123456789', LOG_LEVEL: 'silent',
      ...(secretKey ? { SECRET_KEY: secretKey } : {}),
    });
    await assert.rejects(buildApp(env(keyB), { logger: false }), (err: unknown) => {
      assert.ok(err instanceof SecretKeyMismatchError);
      assert.match(err.message, /SECRET_KEY/);
      return true;
    });
    if (TEST_BACKEND === 'sqlite') {
      // Without SECRET_KEY it uses the key file of DATA_DIR, which the first replica did not use: the message names the file.
      await assert.rejects(buildApp(env(), { logger: false }), /secret\.key.*SECRET_KEY|SECRET_KEY.*secret\.key/s);
    }

    // The right key again: the store and its delivery are all there.
    const again = await startHarness({ dataDir, env: { ...backend, SECRET_KEY: keyA } });
    try {
      const store = await again.sidecar.storage.getStore('shop-1');
      assert.equal(store?.webhookSecret, 'fixture-secret-do-not-use');
      const log = await again.admin('GET', '/v1/stores/shop-1/deliveries?limit=10');
      assert.equal(log.status, 200);
      assert.equal(log.body.items.length, 1);
      assert.equal(log.body.items[0].status, 'succeeded');
    } finally {
      await again.close();
      await dropRedisPrefix(backend.REDIS_PREFIX);
    }
  });

  it('the process exits at once with the message (server.ts)', async () => {
    const backend = backendEnv();
    const dataDir = mkdtempSync(join(tmpdir(), 'wck-key-'));
    const first = await startHarness({ dataDir, env: { ...backend, SECRET_KEY: keyA } });
    await first.configureStore('shop-1');
    await stop(first);
    const { spawn } = await import('node:child_process');
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, ...backend, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', SECRET_KEY: keyB, ADMIN_TOKEN: 'test-admin-token-0123456789' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    await dropRedisPrefix(backend.REDIS_PREFIX);
    assert.equal(code, 1);
    assert.match(stderr, /Refusing to start.*SECRET_KEY/s);
  });
});
