/**
 * Checks real answers against the sidecar's OpenAPI document: the route and status must be documented, and the body
 * must match the documented schema. The harness runs every answer it gets through this, so each test that talks to
 * a sidecar also checks the contract; a violation fails the test file when its harness closes.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

interface MediaType { schema?: unknown }
interface Response { content?: Record<string, MediaType> }
interface Operation { responses?: Record<string, Response> }
export interface Document {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
}

export class ContractChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  private readonly routes: Array<{ template: string; pattern: RegExp; params: number }>;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly doc: Document) {
    this.routes = Object.keys(doc.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
    })).sort((a, b) => a.params - b.params);
  }

  /** The document's path template for a concrete path (`/v1/stores/shop1/status` → `/v1/stores/{storeId}/status`). */
  template(path: string): string | null {
    const bare = path.split('?')[0]!;
    return this.routes.find((r) => r.pattern.test(bare))?.template ?? null;
  }

  /**
   * What is wrong with one answer, in words; empty when it matches the document. A path that is no route of the
   * document (the 404 of an unknown route) is checked against the error schema.
   */
  check(method: string, path: string, status: number, body: unknown): string[] {
    const template = this.template(path);
    const where = `${method} ${path} → ${status}`;
    if (!template) return this.validate('#/components/schemas/Error', body, where);
    const op = this.doc.paths[template]![method.toLowerCase()];
    if (!op) return [`${where}: the document has no ${method} ${template}`];
    const response = op.responses?.[String(status)] ?? op.responses?.[`${String(status)[0]}XX`] ?? op.responses?.default;
    if (!response) return [`${where}: status ${status} is not documented for ${method} ${template} (documented: ${Object.keys(op.responses ?? {}).join(', ')})`];
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return [];
    const key = `${method} ${template} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile({ ...(schema as object), components: this.doc.components });
      this.compiled.set(key, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
  }

  private validate(ref: string, body: unknown, where: string): string[] {
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref, components: this.doc.components });
      this.compiled.set(ref, validate);
    }
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message}`);
  }
}
