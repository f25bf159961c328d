/** GET /metrics: Prometheus text exposition, behind the admin token or METRICS_TOKEN, counting what happened. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildOrder } from './builders.js';
import { startHarness, type Harness } from './helpers.js';

const STORE = 'metrics-shop';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

interface Sample { name: string; labels: Record<string, string>; value: number }

/** A strict parser of the text exposition format 0.0.4: every line is HELP, TYPE or a sample of a declared family. */
function parseExposition(text: string): { types: Map<string, string>; samples: Sample[] } {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const sampleRe = new RegExp(`^(${NAME})(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*",?)*)\\})? (\\S+)(?: -?\\d+)?$`);
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = new RegExp(`^# HELP (${NAME}) .*$`).exec(line);
    if (m) continue;
    m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (m) { types.set(m[1]!, m[2]!); continue; }
    m = sampleRe.exec(line);
    assert.ok(m, `not a Prometheus exposition line: ${line}`);
    const name = m[1]!;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(family), `sample of an undeclared family: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const value = m[3] === '+Inf' ? Infinity : Number(m[3]);
    assert.ok(!Number.isNaN(value), `not a number: ${line}`);
    samples.push({ name, labels, value });
  }
  return { types, samples };
}

const value = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

describe('GET /metrics', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { METRICS_TOKEN } });
    assert.equal((await h.configureStore(STORE)).status, 200);
  });
  after(() => h.close());

  it('is refused without the admin token or the metrics token', async () => {
    assert.equal((await fetch(`${h.url}/metrics`)).status, 401);
    assert.equal((await fetch(`${h.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
    assert.equal((await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${h.sidecar.adminToken}` } })).status, 200);
  });

  it('counts deliveries, Klaviyo requests, throttles, retries, queue depth, circuit state and latency per store', async () => {
    h.double.inject({ kind: 'status', status: 429, count: 1, retryAfter: 1, paths: ['/api/events'] });
    assert.equal((await h.deliverJson(STORE, 'order.created', buildOrder({ id: 7001, status: 'processing', items: 1 }))).status, 200);
    assert.equal((await h.deliverJson(STORE, 'order.created', buildOrder({ id: 7002, status: 'processing' }), 'not-the-secret')).status, 401);
    await h.drain(STORE);

    const res = await fetch(`${h.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const { types, samples } = parseExposition(await res.text());

    assert.equal(types.get('wck_deliveries_received_total'), 'counter');
    assert.equal(types.get('wck_klaviyo_send_duration_seconds'), 'histogram');
    assert.equal(types.get('wck_queue_jobs'), 'gauge');
    const store = { store: STORE };
    assert.equal(value(samples, 'wck_deliveries_received_total', { ...store, topic: 'order.created', outcome: 'accepted' }), 1);
    assert.equal(value(samples, 'wck_deliveries_received_total', { ...store, topic: 'order.created', outcome: 'invalid_signature' }), 1);
    assert.equal(value(samples, 'wck_klaviyo_requests_total', { ...store, endpoint: '/api/events', status: '429' }), 1);
    assert.ok((value(samples, 'wck_klaviyo_requests_total', { ...store, endpoint: '/api/events', status: '202' }) ?? 0) >= 1);
    assert.equal(value(samples, 'wck_klaviyo_throttled_total', { ...store, endpoint: '/api/events' }), 1);
    assert.equal(value(samples, 'wck_send_outcomes_total', { ...store, outcome: 'retry' }), 1);
    // Jobs only: not the key check nor the revenue mapping after the first Placed Order.
    const sent = h.double.requests.filter((r) => r.status >= 200 && r.status < 300 && r.path !== '/api/accounts' && !r.path.startsWith('/api/metrics') && !r.path.startsWith('/api/mapped-metrics')).length;
    assert.equal(value(samples, 'wck_queue_jobs', { ...store, state: 'done' }), sent);
    assert.equal(value(samples, 'wck_queue_jobs', { ...store, state: 'pending' }), 0);
    assert.equal(value(samples, 'wck_dead_letters', store), 0);
    assert.equal(value(samples, 'wck_klaviyo_circuit_state', store), 0);
    const answered = samples.filter((s) => s.name === 'wck_klaviyo_requests_total' && s.labels.store === STORE).reduce((n, s) => n + s.value, 0);
    const observed = samples.filter((s) => s.name === 'wck_klaviyo_send_duration_seconds_count' && s.labels.store === STORE).reduce((n, s) => n + s.value, 0);
    assert.equal(observed, answered);
  });
});
