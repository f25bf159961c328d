#!/usr/bin/env node
// Writes what is generated from the sidecar's OpenAPI document (the one `GET /openapi.json` serves):
//   admin-ui/src/generated/sidecar-api.ts      TypeScript types of every route and component, and DELIVERY_STATUSES
//   plugin/src/Contract/SidecarContract.php    the delivery statuses and webhook topics the plugin relies on
// and docs/api.md's configuration table (config.ts) and route credentials table (each route's `config.auth`),
// and checks that docs/api.md has a `### \`METHOD /path\`` heading for every route of the document, and no other.
// Usage: npm run contract -w sidecar [-- --check]   (--check writes nothing and exits 1 when anything drifted)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import openapiTS, { astToString, type OpenAPI3 } from 'openapi-typescript';
import { buildApp } from '../src/app.js';
import { configTable, loadConfig } from '../src/config.js';
import { WOO_TOPICS } from '../src/woo/topics.js';

const here = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(here, '..', '..');

/** Generated file → its path in the repository. */
export const TARGETS = {
  types: 'admin-ui/src/generated/sidecar-api.ts',
  php: 'plugin/src/Contract/SidecarContract.php',
} as const;
export const DOCS = 'docs/api.md';

const GENERATED_BY = 'Generated from the sidecar\'s OpenAPI document by `npm run contract -w sidecar`. Do not edit by hand.';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export interface OpenApiDoc {
  paths: Record<string, Partial<Record<(typeof METHODS)[number], unknown>>>;
  components: { schemas: Record<string, { enum?: unknown[] } | undefined> };
}

/** The document as the sidecar serves it: the real app, on an empty data directory, asked over HTTP (inject). */
export async function loadDocument(): Promise<OpenApiDoc> {
  const dataDir = mkdtempSync(join(tmpdir(), 'wck-contract-'));
  try {
    const sidecar = await buildApp(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { startPipeline: false, logger: false });
    try {
      const res = await sidecar.app.inject({ method: 'GET', url: '/openapi.json' });
      if (res.statusCode !== 200) throw new Error(`GET /openapi.json answered ${res.statusCode}`);
      return res.json() as OpenApiDoc;
    } finally {
      await sidecar.shutdown();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function deliveryStatuses(doc: OpenApiDoc): string[] {
  const values = doc.components.schemas.DeliveryStatus?.enum;
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'string')) {
    throw new Error('the document has no components.schemas.DeliveryStatus enum of strings');
  }
  return values as string[];
}

export async function renderTypes(doc: OpenApiDoc): Promise<string> {
  const ast = await openapiTS(doc as unknown as OpenAPI3, { silent: true });
  const statuses = deliveryStatuses(doc).map((s) => `\t${JSON.stringify(s)},`).join('\n');
  return `/* eslint-disable */\n// ${GENERATED_BY}\n\n${astToString(ast)}\n`
    + `/** The delivery statuses in the order the sidecar lists them (components.schemas.DeliveryStatus). */\n`
    + `export const DELIVERY_STATUSES = [\n${statuses}\n] as const satisfies readonly components['schemas']['DeliveryStatus'][];\n`;
}

const phpString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, '\\\'')}'`;

export function renderPhp(doc: OpenApiDoc): string {
  const statuses = deliveryStatuses(doc).map((s) => `\t\t${phpString(s)},\n`).join('');
  const topics = WOO_TOPICS.map((t) => `\t\t${phpString(t)},\n`).join('');
  return `<?php
/**
 * ${GENERATED_BY}
 *
 * @package WcKlaviyoSync
 */

declare(strict_types=1);

namespace WcKlaviyoSync\\Contract;

defined( 'ABSPATH' ) || exit;

/**
 * Values of the sidecar's API that the plugin relies on.
 */
final class SidecarContract {

\t/**
\t * The statuses of a delivery in the sidecar's sync log, in the order the sidecar lists them.
\t */
\tpublic const DELIVERY_STATUSES = array(
${statuses}\t);

\t/**
\t * The WooCommerce webhook topics the sidecar handles: the plugin owns one webhook for each.
\t */
\tpublic const WEBHOOK_TOPICS = array(
${topics}\t);
}
`;
}

/** Every operation of the document as `METHOD /path`, in document order. */
export function operations(doc: OpenApiDoc): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m] !== undefined).map((m) => `${m.toUpperCase()} ${path}`));
}

/** The `### \`METHOD /path\`` headings of docs/api.md (a query after `?` is not part of the route). */
export function documentedRoutes(markdown: string): string[] {
  return [...markdown.matchAll(/^###\s+`(GET|PUT|POST|DELETE|PATCH)\s+([^`?\s]+)[^`]*`/gm)].map((m) => `${m[1]} ${m[2]}`);
}

/** What is wrong with docs/api.md against the document: routes without a heading, headings of no route. */
export function docsProblems(doc: OpenApiDoc, markdown: string): string[] {
  const inDoc = new Set(operations(doc));
  const inDocs = new Set(documentedRoutes(markdown));
  return [
    ...[...inDoc].filter((r) => !inDocs.has(r)).map((r) => `${DOCS} has no "### \`${r}\`" heading for a route of the document`),
    ...[...inDocs].filter((r) => !inDoc.has(r)).map((r) => `${DOCS} has a "### \`${r}\`" heading, but the document has no such route`),
  ];
}

const CONFIG_BEGIN = '<!-- config table: generated from sidecar/src/config.ts by `npm run contract -w sidecar` -->';
const CONFIG_END = '<!-- end of config table -->';

/** docs/api.md with its configuration table written from config.ts (the one list of settings), or null without markers. */
export function withConfigTable(markdown: string): string | null {
  const a = markdown.indexOf(CONFIG_BEGIN);
  const b = markdown.indexOf(CONFIG_END);
  if (a < 0 || b < a) return null;
  return `${markdown.slice(0, a + CONFIG_BEGIN.length)}\n${configTable()}\n${markdown.slice(b)}`;
}

const AUTH_BEGIN = '<!-- route credentials table: generated from the routes\' `config.auth` by `npm run contract -w sidecar` -->';
const AUTH_END = '<!-- end of route credentials table -->';
const AUTH_WORDS: Record<string, string> = {
  admin: 'admin token',
  store: 'the store\'s credential, or the admin token',
  metrics: 'admin token or `METRICS_TOKEN`',
  none: 'none',
};

/** Every route and the credential it takes, from each operation's `x-auth` (its route's `config.auth`). */
export function authTable(doc: OpenApiDoc): string {
  const rows = Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m] !== undefined).map((m) => {
    const auth = (item[m] as { 'x-auth'?: string })['x-auth'];
    if (!auth || !(auth in AUTH_WORDS)) throw new Error(`${m.toUpperCase()} ${path} has no x-auth`);
    const note = path === '/v1/stores/{storeId}/webhooks/woocommerce' ? ' (signed by WooCommerce)' : path === '/v1/connect' ? ' (the connection code is the credential)'
      : path === '/v1/stores/{storeId}/klaviyo/flow-webhooks/{action}' ? ' (the store\'s flow secret in `X-WCK-Flow-Secret`)' : '';
    return `| \`${m.toUpperCase()} ${path}\` | ${AUTH_WORDS[auth]}${note} |`;
  }));
  return ['| route | credential (`Authorization: Bearer …`) |', '| --- | --- |', ...rows].join('\n');
}

/** docs/api.md with its route credentials table written from the document, or null without markers. */
export function withAuthTable(markdown: string, doc: OpenApiDoc): string | null {
  const a = markdown.indexOf(AUTH_BEGIN);
  const b = markdown.indexOf(AUTH_END);
  if (a < 0 || b < a) return null;
  return `${markdown.slice(0, a + AUTH_BEGIN.length)}\n${authTable(doc)}\n${markdown.slice(b)}`;
}

export async function renderAll(doc: OpenApiDoc): Promise<Record<string, string>> {
  return { [TARGETS.types]: await renderTypes(doc), [TARGETS.php]: renderPhp(doc) };
}

/**
 * Everything that drifted from the document: each generated file whose committed text differs from what the document
 * gives (or that is missing), and docs/api.md's headings. `read` returns a file's text, or null when there is none.
 */
export async function contractProblems(doc: OpenApiDoc, read: (path: string) => string | null): Promise<string[]> {
  const problems: string[] = [];
  for (const [path, expected] of Object.entries(await renderAll(doc))) {
    const current = read(path);
    if (current === null) problems.push(`${path} is missing`);
    else if (current !== expected) problems.push(`${path} differs from what the OpenAPI document gives${firstDifference(current, expected)}`);
  }
  const docs = read(DOCS);
  problems.push(...(docs === null ? [`${DOCS} is missing`] : docsProblems(doc, docs)));
  if (docs !== null) {
    const table = withConfigTable(docs);
    if (table === null) problems.push(`${DOCS} has no configuration table markers`);
    else if (table !== docs) problems.push(`${DOCS}'s configuration table differs from config.ts${firstDifference(docs, table)}`);
    const auth = withAuthTable(docs, doc);
    if (auth === null) problems.push(`${DOCS} has no route credentials table markers`);
    else if (auth !== docs) problems.push(`${DOCS}'s route credentials table differs from the routes${firstDifference(docs, auth)}`);
  }
  return problems;
}

function firstDifference(current: string, expected: string): string {
  const a = current.split('\n');
  const b = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return ` (first at line ${i + 1}: committed ${JSON.stringify(a[i] ?? '<end of file>')}, generated ${JSON.stringify(b[i] ?? '<end of file>')})`;
  }
  return '';
}

export function readRepoFile(path: string): string | null {
  try {
    return readFileSync(join(REPO_ROOT, path), 'utf8');
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const doc = await loadDocument();
  if (check) {
    const problems = await contractProblems(doc, readRepoFile);
    if (problems.length) {
      process.stderr.write(`The sidecar's API contract drifted:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`
        + 'Run `npm run contract -w sidecar` to regenerate the files, and give docs/api.md a heading per route.\n');
      process.exit(1);
    }
    process.stdout.write(`generated API contract is up to date (${operations(doc).length} routes)\n`);
    return;
  }
  for (const [path, content] of Object.entries(await renderAll(doc))) {
    mkdirSync(dirname(join(REPO_ROOT, path)), { recursive: true });
    writeFileSync(join(REPO_ROOT, path), content);
  }
  const markdown = readRepoFile(DOCS) ?? '';
  const table = withConfigTable(markdown);
  const auth = withAuthTable(table ?? markdown, doc);
  const updated = auth ?? table ?? markdown;
  if (updated !== markdown) writeFileSync(join(REPO_ROOT, DOCS), updated);
  const docs = docsProblems(doc, markdown);
  process.stdout.write(`wrote ${Object.values(TARGETS).join(', ')}${table !== null ? ` and the configuration table of ${DOCS}` : ''}${auth !== null ? ` and its route credentials table` : ''}\n`);
  if (docs.length) {
    process.stderr.write(`${docs.map((p) => `  - ${p}`).join('\n')}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
