/** config.ts is the one list of settings: every key has its meaning and its default, read from the schema. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigSchema, configReference, configTable, loadConfig } from '../src/config.js';
import { ConfigError } from '../src/errors.js';

describe('configuration reference', () => {
  it('lists every key with a description and the default loadConfig applies', () => {
    const ref = configReference();
    assert.deepEqual(ref.map((k) => k.key), Object.keys(ConfigSchema.shape));
    for (const k of ref) assert.ok(k.description.length > 5, `${k.key} says what it means`);
    const byKey = Object.fromEntries(ref.map((k) => [k.key, k.default]));
    const c = loadConfig({});
    assert.equal(byKey.PORT, String(c.port));
    assert.equal(byKey.DATA_DIR, c.dataDir);
    assert.equal(byKey.SEND_CONCURRENCY, String(c.sendConcurrency));
    assert.equal(byKey.REDIS_URL, null);
    assert.equal(c.redisUrl, undefined);
    assert.match(configTable(), /^\| variable \| default \| meaning \|\n\| --- \| --- \| --- \|\n\| `PORT` \| `8787` \| listen port \|/);
  });

  it('still reports every problem at once', () => {
    assert.throws(() => loadConfig({ PORT: 'x', REDIS_URL: 'http://nope' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /PORT/);
      assert.match(err.message, /REDIS_URL/);
      return true;
    });
  });
});
