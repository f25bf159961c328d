/**
 * The HTTP API's contract: `GET /openapi.json` is a valid OpenAPI 3.1 document that describes every route the app
 * registers with every answer it gives; requests that do not validate keep their answers; the generated files and
 * docs/api.md are checked against the document (and the check fails on drift); a wrong answer is caught.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validate, compileErrors } from '@readme/openapi-parser';
import Fastify from 'fastify';
import { registerApi, type ApiDeps } from '../src/api/index.js';
import { contractProblems, DOCS, docsProblems, readRepoFile, renderAll, renderPhp, TARGETS, type OpenApiDoc } from '../scripts/contract.js';
import { buildOrder } from './builders.js';
import { ContractChecker, type Document } from './contract.js';
import { startHarness, type Harness } from './helpers.js';

const STORE = 'contract-store';

describe('the API contract', () => {
  let h: Harness;
  let doc: OpenApiDoc & Document;
  before(async () => {
    h = await startHarness();
    assert.equal((await h.configureStore(STORE)).status, 200);
    const res = await fetch(`${h.url}/openapi.json`); // no Bearer token: the document is public
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    doc = await res.json() as OpenApiDoc & Document;
  });
  after(() => h.close());

  it('serves a valid OpenAPI 3.1 document', async () => {
    const copy = structuredClone(doc); // validate() dereferences in place
    const result = await validate(copy as never);
    assert.ok(result.valid, result.valid ? '' : compileErrors(result));
    assert.equal((doc as unknown as { openapi: string }).openapi, '3.1.0');
  });

  it('describes every route the app registers, each with the answers it gives', async () => {
    const app = Fastify();
    const registered: string[] = [];
    app.addHook('onRoute', (r) => {
      for (const m of [r.method].flat()) if (m !== 'HEAD') registered.push(`${m} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    });
    // Routes only use their dependencies when they answer, so none are needed to build the document.
    await registerApi(app, { adminToken: 'x'.repeat(24), maxBodyBytes: 1024, closing: () => false } as unknown as ApiDeps);
    await app.ready();
    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    assert.deepEqual(documented.sort(), [...new Set(registered)].sort());
    assert.deepEqual(app.swagger(), doc, 'the app serves the document its routes give');
    await app.close();

    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item) as [string, { security?: unknown[]; responses: Record<string, { description: string; content?: Record<string, { schema?: unknown }> }> }][]) {
        const where = `${method.toUpperCase()} ${path}`;
        const codes = Object.keys(op.responses);
        assert.ok(codes.includes('200'), `${where} documents its 200`);
        for (const [code, r] of Object.entries(op.responses)) {
          // The one text answer: Prometheus exposition.
          const type = where === 'GET /metrics' && code === '200' ? 'text/plain' : 'application/json';
          assert.ok(r.content?.[type]?.schema, `${where} ${code} has a ${type} schema`);
          assert.notEqual(r.description, 'Default Response', `${where} ${code} says why it is given`);
        }
        const auth = (op as { 'x-auth'?: string })['x-auth'];
        // Not Bearer: WooCommerce's signed deliveries, the connection code, and Klaviyo flow webhooks (the flow secret header).
        const flowWebhook = path === '/v1/stores/{storeId}/klaviyo/flow-webhooks/{action}';
        const bearer = path.startsWith('/v1/') && !path.endsWith('/webhooks/woocommerce') && path !== '/v1/connect' && !flowWebhook;
        assert.equal(Boolean(op.security?.length), bearer || path === '/metrics', `${where}: Bearer token ${bearer ? 'required' : 'not required'}`);
        assert.equal(auth === 'store', path.startsWith('/v1/stores/{storeId}') && !path.endsWith('/webhooks/woocommerce') && !flowWebhook && op.security?.length === 2,
          `${where}: a store route takes the store's credential or the admin token`);
        if (bearer) for (const c of ['401', '500', '503']) assert.ok(codes.includes(c), `${where} documents ${c}`);
        if (auth === 'store') assert.ok(codes.includes('403'), `${where} documents 403`);
        if (path.includes('{storeId}')) assert.ok(codes.includes('404'), `${where} documents 404`);
      }
    }
    const statuses = (doc.components.schemas.DeliveryStatus as { enum: string[] }).enum;
    assert.deepEqual(statuses, ['rejected', 'duplicate', 'skipped', 'pending', 'retrying', 'paused', 'succeeded', 'dead', 'held', 'discarded']);
  });

  it('keeps the answers of requests that do not validate', async () => {
    const put = await h.admin('PUT', `/v1/stores/${STORE}`, { siteUrl: 'ftp://shop.example', webhookSecret: 'short', klaviyo: { privateKey: 'sk_nope' } });
    assert.equal(put.status, 400);
    assert.deepEqual(put.body, { error: {
      code: 'invalid_request',
      message: 'siteUrl: Invalid URL; webhookSecret: webhookSecret must be at least 16 characters; klaviyo.privateKey: privateKey must be a Klaviyo private key (pk_…)',
      details: [
        { field: 'siteUrl', message: 'Invalid URL' },
        { field: 'webhookSecret', message: 'webhookSecret must be at least 16 characters' },
        { field: 'klaviyo.privateKey', message: 'privateKey must be a Klaviyo private key (pk_…)' },
      ],
    } });
    const noBody = await h.admin('PUT', `/v1/stores/${STORE}`);
    assert.deepEqual(noBody.body.error.details, [{ field: '', message: 'Invalid input: expected object, received undefined' }]);
    assert.equal(noBody.body.error.message, 'body: Invalid input: expected object, received undefined');

    const badId = await h.admin('PUT', '/v1/stores/A!', { siteUrl: 'https://shop.example', webhookSecret: 'x'.repeat(16), klaviyo: { privateKey: 'pk_abc' } });
    assert.deepEqual([badId.status, badId.body], [404, { error: { code: 'unknown_store', message: 'No store "A!".' } }]);
    const limit = await h.admin('GET', `/v1/stores/${STORE}/deliveries?limit=0`);
    assert.equal(limit.status, 400);
    assert.deepEqual(limit.body.error.details, [{ field: 'limit', message: 'Too small: expected number to be >=1' }]);
    assert.equal(limit.body.error.message, 'limit: Too small: expected number to be >=1');
    const status = await h.admin('GET', `/v1/stores/${STORE}/deliveries?status=lost`);
    assert.equal(status.status, 400);
    assert.equal(status.body.error.details[0].field, 'status');
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/replay?status=pending`)).body.error.code, 'invalid_request');

    // An unknown store is reported before anything else about the request, as before the routes had schemas.
    const unknown = await h.admin('GET', '/v1/stores/no-such-store/deliveries?limit=0');
    assert.deepEqual([unknown.status, unknown.body], [404, { error: { code: 'unknown_store', message: 'No store "no-such-store".' } }]);
    assert.equal((await h.admin('POST', '/v1/stores/no-such-store/replay?status=pending')).status, 404);
    const delivery = await h.admin('GET', `/v1/stores/${STORE}/deliveries/abc`);
    assert.deepEqual([delivery.status, delivery.body], [404, { error: { code: 'unknown_delivery', message: 'No delivery abc for this store.' } }]);
    assert.equal((await h.admin('GET', '/v1/stores/no-such-store/deliveries/abc')).body.error.code, 'unknown_store');
    assert.equal((await h.admin('POST', `/v1/stores/${STORE}/deliveries/99999/replay`)).body.error.code, 'unknown_delivery');
    const noToken = await fetch(`${h.url}/v1/stores/${STORE}/status`);
    assert.deepEqual([noToken.status, await noToken.json()], [401, { error: { code: 'unauthorized', message: 'A Bearer store credential (or the admin token) is required.' } }]);
  });

  it('catches an answer that does not match the document', async () => {
    const order = buildOrder({ id: 5100, status: 'processing', items: 1 });
    assert.equal((await h.deliverJson(STORE, 'order.created', order)).status, 200);
    const status = await h.drain(STORE) as Record<string, any>;
    const checker = new ContractChecker(doc);
    const path = `/v1/stores/${STORE}/status`;
    assert.deepEqual(checker.check('GET', path, 200, status), [], 'the real answer matches');

    const { queue: _queue, ...noQueue } = status;
    assert.match(checker.check('GET', path, 200, noQueue).join('\n'), /must have required property 'queue'/);
    assert.match(checker.check('GET', path, 200, { ...status, paused: 'no' }).join('\n'), /\/paused must be boolean/);
    assert.match(checker.check('GET', path, 200, { ...status, extra: 1 }).join('\n'), /must NOT have additional properties/);
    assert.match(checker.check('GET', path, 200, { ...status, circuit: { state: 'ajar', since: 'now' } }).join('\n'), /\/circuit\/state must be equal to one of the allowed values/);
    assert.match(checker.check('GET', path, 409, status).join('\n'), /status 409 is not documented for GET \/v1\/stores\/\{storeId\}\/status/);
    assert.match(checker.check('DELETE', path, 200, {}).join('\n'), /the document has no DELETE/);

    const log = await h.admin('GET', `/v1/stores/${STORE}/deliveries?limit=5`);
    const entry = log.body.items[0];
    assert.deepEqual(checker.check('GET', `/v1/stores/${STORE}/deliveries`, 200, log.body), []);
    const badEntry = { ...log.body, items: [{ ...entry, status: 'lost', requests: [{ ...entry.requests[0], attempts: -1 }] }] };
    const problems = checker.check('GET', `/v1/stores/${STORE}/deliveries`, 200, badEntry).join('\n');
    assert.match(problems, /\/items\/0\/status must be equal to one of the allowed values/);
    assert.match(problems, /\/items\/0\/requests\/0\/attempts must be >= 0/);
    assert.deepEqual(h.contractViolations, [], 'every answer this file got so far matched the document');
  });

  it('checks the generated files and docs/api.md against the document, and fails on drift', async () => {
    const files = await renderAll(doc);
    const docs = readRepoFile(DOCS)!;
    const read = (overrides: Record<string, string | null>) => (p: string) => (p in overrides ? overrides[p]! : p === DOCS ? docs : files[p] ?? null);
    assert.deepEqual(await contractProblems(doc, read({})), []);

    const php = renderPhp(doc);
    assert.match(php, /public const DELIVERY_STATUSES = array\(\n\t\t'rejected',\n/);
    const drifted = await contractProblems(doc, read({ [TARGETS.php]: php.replace("\t\t'paused',\n", '') }));
    assert.equal(drifted.length, 1);
    assert.match(drifted[0]!, /^plugin\/src\/Contract\/SidecarContract\.php differs from what the OpenAPI document gives \(first at line \d+: committed "\\t\\t'succeeded',", generated "\\t\\t'paused',"\)$/);

    const types = files[TARGETS.types]!;
    assert.match(types, /export const DELIVERY_STATUSES = \[\n\t"rejected",/);
    assert.match(types, /SidecarStatus: \{/);
    assert.match((await contractProblems(doc, read({ [TARGETS.types]: types.replace('retrying: number;', 'retrying: string;') }))).join('\n'), /admin-ui\/src\/generated\/sidecar-api\.ts differs/);
    assert.deepEqual(await contractProblems(doc, read({ [TARGETS.types]: null })), ['admin-ui/src/generated/sidecar-api.ts is missing']);

    assert.deepEqual(docsProblems(doc, docs.replace('### `GET /v1/stores/{storeId}/status`', '### The status')),
      ['docs/api.md has no "### `GET /v1/stores/{storeId}/status`" heading for a route of the document']);
    assert.deepEqual(docsProblems(doc, `${docs}\n### \`DELETE /v1/stores/{storeId}/deliveries\`\nGone.\n`),
      ['docs/api.md has a "### `DELETE /v1/stores/{storeId}/deliveries`" heading, but the document has no such route']);

    // The route credentials table is written from each route's declared credential: an edited row is drift.
    assert.match(docs, /\| `GET \/v1\/stores\/\{storeId\}\/status` \| the store's credential, or the admin token \|/);
    const staleAuth = await contractProblems(doc, read({ [DOCS]: docs.replace('| `GET /v1/stores/{storeId}/status` | the store\'s credential, or the admin token |', '| `GET /v1/stores/{storeId}/status` | none |') }));
    assert.equal(staleAuth.length, 1);
    assert.match(staleAuth[0]!, /^docs\/api\.md's route credentials table differs from the routes/);

    // The configuration table is written from config.ts: a changed default, or a table without its markers, is drift.
    assert.match(docs, /\| `MAX_ATTEMPTS` \| `8` \|/);
    const staleConfig = await contractProblems(doc, read({ [DOCS]: docs.replace('| `MAX_ATTEMPTS` | `8` |', '| `MAX_ATTEMPTS` | `5` |') }));
    assert.equal(staleConfig.length, 1);
    assert.match(staleConfig[0]!, /^docs\/api\.md's configuration table differs from config\.ts \(first at line \d+: committed "\| `MAX_ATTEMPTS` \| `5` \|/);
    assert.deepEqual(await contractProblems(doc, read({ [DOCS]: docs.replace(/<!-- end of config table -->/, '') })), ['docs/api.md has no configuration table markers']);
  });

  it('finds the committed generated files and docs/api.md up to date', async () => {
    assert.deepEqual(await contractProblems(doc, readRepoFile), [], 'run `npm run contract -w sidecar`');
  });
});
