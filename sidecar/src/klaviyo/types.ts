/**
 * Request and response bodies of the Klaviyo operations the sidecar calls, taken from the generated
 * OpenAPI types (see scripts/codegen.mjs). Never hand-write a Klaviyo schema.
 */
import type { components } from './generated/openapi.js';

type Schemas = components['schemas'];

export type CreateEventBody = Schemas['EventCreateQueryV2'];
export type ProfileImportBody = Schemas['ProfileUpsertQuery'];
export type ListsResponse = Schemas['GetListListResponseCollectionCompoundDocument'];
export type AccountsResponse = Schemas['GetAccountResponseCollection'];

export type EventAttributes = CreateEventBody['data']['attributes'];
export type ProfileAttributes = ProfileImportBody['data']['attributes'];

/** One request the sidecar sends to Klaviyo, as mapping produces it and the client sends it. */
export type KlaviyoRequest =
  | {
      kind: 'event';
      /** Dedupe key; equal to body.data.attributes.unique_id. */
      key: string;
      metric: string;
      body: CreateEventBody;
    }
  | {
      kind: 'profile';
      /** Dedupe key: changes when the profile content changes, so identical re-sends are dropped. */
      key: string;
      body: ProfileImportBody;
    };
