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

export type GetListResponse = Schemas['GetListRetrieveResponseCompoundDocument'];
export type ProfilesResponse = Schemas['GetProfileResponsePluralConversationsCollectionCompoundDocument'];
export type SubscribeJobBody = Schemas['SubscriptionCreateJobCreateQuery'];
export type UnsubscribeJobBody = Schemas['SubscriptionDeleteJobCreateQuery'];
/** One profile of a subscribe job, and one of an unsubscribe job. */
export type SubscribeProfile = SubscribeJobBody['data']['attributes']['profiles']['data'][number];
export type UnsubscribeProfile = UnsubscribeJobBody['data']['attributes']['profiles']['data'][number];

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
    }
  | {
      /**
       * One profile of a profile-subscription-bulk-create-job (at most 1000 per job): the sender merges the subscribe
       * requests waiting for the same list and import mode into one job. Key: the consent record's.
       */
      kind: 'subscribe';
      key: string;
      channel: 'email' | 'sms';
      body: SubscribeJobBody;
    }
  | {
      /** One profile of a profile-subscription-bulk-delete-job (at most 100 per job), merged like subscribe. */
      kind: 'unsubscribe';
      key: string;
      channel: 'email' | 'sms';
      body: UnsubscribeJobBody;
    };

export type RequestKind = KlaviyoRequest['kind'];

