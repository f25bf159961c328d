/** Request loggers are built only when a request logs something, and then carry the request id. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { lazyRequestLogger } from '../src/request-logger.js';

const RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** A logger that records its lines and how many children were made. */
function recordingLogger(level: string, lines: Record<string, unknown>[], stats: { children: number }, bound: Record<string, unknown> = {}): FastifyBaseLogger {
  const write = (l: string) => (obj: unknown, msg?: string) => {
    if (RANK[l]! < RANK[logger.level]!) return;
    lines.push({ level: l, ...bound, ...(typeof obj === 'object' ? obj as object : { msg: obj }), ...(msg ? { msg } : {}) });
  };
  const logger = {
    level,
    fatal: write('fatal'), error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug'), trace: write('trace'),
    silent: () => {},
    child: (b: Record<string, unknown>, o?: { level?: string }) => {
      stats.children++;
      return recordingLogger(o?.level ?? logger.level, lines, stats, { ...bound, ...b });
    },
  };
  return logger as unknown as FastifyBaseLogger;
}

describe('lazy request loggers', () => {
  it('builds no child logger for requests that log nothing, and binds the request id when one logs', async () => {
    const lines: Record<string, unknown>[] = [];
    const stats = { children: 0 };
    const app = Fastify({ loggerInstance: recordingLogger('warn', lines, stats), childLoggerFactory: lazyRequestLogger, disableRequestLogging: false });
    app.get('/quiet', async (req) => { req.log.info('below the level'); return { ok: true }; });
    app.get('/loud', async (req) => { req.log.warn({ n: 1 }, 'something to say'); return { ok: true }; });
    await app.ready();
    const before = stats.children;
    for (let i = 0; i < 20; i++) assert.equal((await app.inject({ url: '/quiet' })).statusCode, 200);
    assert.equal(stats.children, before, 'twenty quiet requests built no child logger');
    assert.equal(lines.length, 0);

    const res = await app.inject({ url: '/loud' });
    assert.equal(res.statusCode, 200);
    assert.equal(stats.children, before + 1, 'the request that logged built its child logger once');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.msg, 'something to say');
    assert.equal(lines[0]!.n, 1);
    assert.match(String(lines[0]!.reqId), /^req-/, 'the line carries the request id');
    await app.close();
  });

  it('writes request lines at info when the level allows it', async () => {
    const lines: Record<string, unknown>[] = [];
    const stats = { children: 0 };
    const app = Fastify({ loggerInstance: recordingLogger('info', lines, stats), childLoggerFactory: lazyRequestLogger });
    app.get('/x', async () => ({ ok: true }));
    await app.inject({ url: '/x' });
    const msgs = lines.map((l) => l.msg);
    assert.ok(msgs.includes('incoming request') && msgs.includes('request completed'), `Fastify's request lines: ${JSON.stringify(msgs)}`);
    assert.ok(lines.every((l) => typeof l.reqId === 'string'));
    await app.close();
  });
});
