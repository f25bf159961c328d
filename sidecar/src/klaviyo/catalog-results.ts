/**
 * What a catalog change's bulk jobs did, read back from the jobs (Klaviyo answers each POST 202 and applies it later;
 * a resource it cannot apply is listed in the finished job's `errors`, its `source.pointer` naming the resource's
 * place in the job). Pure: the client polls the jobs and hands their errors here.
 *
 * The change is sent as upserts (mapping/product.ts): each resource goes in a create job, then an update job with the
 * same content, so Klaviyo failing the create of an id it holds, or the update of one it lacks, is expected. A
 * resource failed when the catalog does not end with its content: its update failed (the reason shown is the
 * create's when the create failed for another reason than the id existing), or it was only created and the create
 * failed for another reason than the id existing. A deletion fails only for another reason than the id being gone.
 */
import type { KlaviyoErrorItem } from './errors.js';

export type CatalogKind = 'category' | 'item' | 'variant';

/** One catalog bulk job as sent and as Klaviyo finished it. */
export interface CatalogStep {
  kind: CatalogKind;
  action: 'create' | 'update' | 'delete';
  /** The resource ids in the order the job carried them (a create's id is `$custom:::$default:::<external_id>`). */
  ids: readonly string[];
  /** The finished job's `errors`. */
  errors: readonly KlaviyoErrorItem[];
}

export interface CatalogFailure {
  kind: CatalogKind;
  id: string;
  action: CatalogStep['action'];
  error: KlaviyoErrorItem;
}

const exists = (e: KlaviyoErrorItem) => e.code === 'conflict' || /already exists/i.test(e.detail ?? '');
const gone = (e: KlaviyoErrorItem) => e.code === 'not_found' || /does not exist/i.test(e.detail ?? '');

/** The resources each error names: by its pointer's index, else (no index Klaviyo gave) every resource of the job. */
function errorsById(step: CatalogStep): Map<string, KlaviyoErrorItem> {
  const out = new Map<string, KlaviyoErrorItem>();
  for (const e of step.errors) {
    const m = /\/data\/(\d+)(?:\/|$)/.exec(e.source?.pointer ?? '');
    const named = m ? [step.ids[Number(m[1])]].filter((x): x is string => x !== undefined) : [];
    for (const id of named.length ? named : step.ids) if (!out.has(id)) out.set(id, e);
  }
  return out;
}

/** The resources a change's jobs failed, in the order the jobs were sent. */
export function catalogFailures(steps: readonly CatalogStep[]): CatalogFailure[] {
  const created = new Map<string, KlaviyoErrorItem | null>();
  const updated = new Map<string, KlaviyoErrorItem | null>();
  const deleted: CatalogFailure[] = [];
  const order: string[] = [];
  const k = (kind: CatalogKind, id: string) => `${kind} ${id}`;
  for (const step of steps) {
    const errs = errorsById(step);
    for (const id of step.ids) {
      const key = k(step.kind, id);
      const e = errs.get(id) ?? null;
      if (step.action === 'delete') {
        if (e && !gone(e)) deleted.push({ kind: step.kind, id, action: 'delete', error: e });
        continue;
      }
      if (!created.has(key) && !updated.has(key)) order.push(key);
      (step.action === 'create' ? created : updated).set(key, e);
    }
  }
  const out: CatalogFailure[] = [];
  for (const key of order) {
    const [kind, id] = [key.slice(0, key.indexOf(' ')) as CatalogKind, key.slice(key.indexOf(' ') + 1)];
    const c = created.get(key) ?? null;
    if (updated.has(key)) {
      const u = updated.get(key) ?? null;
      if (u) out.push(c && !exists(c) ? { kind, id, action: 'create', error: c } : { kind, id, action: 'update', error: u });
    } else if (c && !exists(c)) {
      out.push({ kind, id, action: 'create', error: c });
    }
  }
  return [...out, ...deleted];
}

/** The sync log's message for a change whose jobs failed resources. */
export function catalogFailureMessage(failures: readonly CatalogFailure[]): string {
  const first = failures[0]!;
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more: ${failures.slice(1, 4).map((f) => `${f.kind} ${f.id}`).join(', ')}${failures.length > 4 ? ', …' : ''})` : '';
  return `Klaviyo's catalog job failed the ${first.kind} ${first.id} (${first.action}): ${first.error.detail ?? first.error.title ?? first.error.code ?? 'no detail'}${more}`;
}
