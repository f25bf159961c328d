/**
 * Request and response bodies of the Klaviyo operations the sidecar calls, taken from the generated
 * OpenAPI types (see scripts/codegen.mjs). Never hand-write a Klaviyo schema.
 */
import type { components } from './generated/openapi.js';

type Schemas = components['schemas'];

export type CreateEventBody = Schemas['EventCreateQueryV2'];
export type ProfileImportBody = Schemas['ProfileUpsertQuery'];
export type SubscribeProfilesBody = Schemas['SubscriptionCreateJobCreateQuery'];
export type ListsResponse = Schemas['GetListListResponseCollectionCompoundDocument'];
export type AccountsResponse = Schemas['GetAccountResponseCollection'];

export type EventAttributes = CreateEventBody['data']['attributes'];
export type ProfileAttributes = ProfileImportBody['data']['attributes'];
