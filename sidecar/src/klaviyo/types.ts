/**
 * Request and response bodies of the Klaviyo operations the sidecar calls, taken from the generated
 * OpenAPI types (see scripts/codegen.mjs). Never hand-write a Klaviyo schema.
 */
import type { StoreActionBody } from '../flows/actions.js';
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
export type PrivacyDeletionBody = Schemas['DataPrivacyCreateDeletionJobQuery'];
/** The bulk endpoints of a history sync: event-bulk-create-jobs and profile-bulk-import-jobs (with its job and errors). */
export type BulkEventsBody = Schemas['EventsBulkCreateJob'];
export type BulkProfilesBody = Schemas['ProfileImportJobCreateQuery'];
export type ProfileImportJobResponse = Schemas['PostProfileImportJobResponse'];
export type ProfileImportJobDocument = Schemas['GetProfileImportJobResponseCompoundDocument'];
export type ImportErrorsResponse = Schemas['GetImportErrorResponseCollection'];

/** A profile import job as the client reports it. */
export interface ProfileImportJob {
  id: string;
  status: 'queued' | 'processing' | 'complete' | 'cancelled';
  total: number;
  completed: number;
  failed: number;
}

/** One per-record error of a profile import job: Klaviyo's code and detail, where in the body, and the record. */
export interface ImportErrorItem {
  code: string;
  detail: string;
  pointer: string | null;
  payload: Record<string, unknown> | null;
}
/** One profile of a subscribe job, and one of an unsubscribe job. */
export type SubscribeProfile = SubscribeJobBody['data']['attributes']['profiles']['data'][number];
export type UnsubscribeProfile = UnsubscribeJobBody['data']['attributes']['profiles']['data'][number];

export type EventAttributes = CreateEventBody['data']['attributes'];
export type ProfileAttributes = ProfileImportBody['data']['attributes'];

export type CatalogItemCreate = Schemas['CatalogItemCreateQueryResourceObject'];
export type CatalogItemUpdate = Schemas['CatalogItemUpdateQueryResourceObject'];
export type CatalogVariantCreate = Schemas['CatalogVariantCreateQueryResourceObject'];
export type CatalogVariantUpdate = Schemas['CatalogVariantUpdateQueryResourceObject'];
export type CatalogCategoryCreate = Schemas['CatalogCategoryCreateQueryResourceObject'];
export type CatalogCategoryUpdate = Schemas['CatalogCategoryUpdateQueryResourceObject'];
export type CatalogItemCreateJobBody = Schemas['CatalogItemCreateJobCreateQuery'];
export type CatalogItemUpdateJobBody = Schemas['CatalogItemUpdateJobCreateQuery'];
export type CatalogItemDeleteJobBody = Schemas['CatalogItemDeleteJobCreateQuery'];
export type CatalogVariantCreateJobBody = Schemas['CatalogVariantCreateJobCreateQuery'];
export type CatalogVariantUpdateJobBody = Schemas['CatalogVariantUpdateJobCreateQuery'];
export type CatalogVariantDeleteJobBody = Schemas['CatalogVariantDeleteJobCreateQuery'];
export type CatalogCategoryCreateJobBody = Schemas['CatalogCategoryCreateJobCreateQuery'];
export type CatalogCategoryUpdateJobBody = Schemas['CatalogCategoryUpdateJobCreateQuery'];
export type CatalogVariantsResponse = Schemas['GetCatalogVariantResponseCollection'];
/** A catalog bulk job as its GET (and the POST's 202) shows it: every kind's has the same attributes (status, errors). */
export type CatalogJobDocument = Schemas['GetCatalogItemCreateJobResponseCompoundDocument'] | Schemas['GetCatalogItemUpdateJobResponseCompoundDocument']
  | Schemas['GetCatalogItemDeleteJobResponse'] | Schemas['GetCatalogVariantCreateJobResponseCompoundDocument'] | Schemas['GetCatalogVariantUpdateJobResponseCompoundDocument']
  | Schemas['GetCatalogVariantDeleteJobResponse'] | Schemas['GetCatalogCategoryCreateJobResponseCompoundDocument'] | Schemas['GetCatalogCategoryUpdateJobResponseCompoundDocument'];
export type BackInStockBody = Schemas['ServerBISSubscriptionCreateQuery'];
export type MetricsResponse = Schemas['GetMetricResponseCollectionCompoundDocument'];
export type MappedMetricResponse = Schemas['GetMappedMetricResponseCompoundDocument'];
export type MappedMetricUpdateBody = Schemas['MappedMetricPartialUpdateQuery'];

/**
 * One product's (or variation's) change to Klaviyo's catalog, as the client sends it, in this order: categories,
 * the item, its variants, then removals. Each resource is sent as a create job and then an update job with the same
 * content, so the end state is the content whether or not Klaviyo had it (a create of an existing id and an update
 * of a missing one fail only that resource inside its job).
 */
export interface CatalogChange {
  categories?: { create: CatalogCategoryCreate[]; update: CatalogCategoryUpdate[] };
  items?: { create: CatalogItemCreate[]; update: CatalogItemUpdate[] };
  variants?: { create: CatalogVariantCreate[]; update: CatalogVariantUpdate[] };
  /** Variants deleted by id (a trashed variation). */
  deleteVariants?: string[];
  /** The item's variants in Klaviyo (read with GET /api/catalog-variants) that are not in `keep` are deleted. */
  prune?: { itemId: string; keep: string[] };
  /** Items deleted last (their variants are pruned first). */
  deleteItems?: string[];
}

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
    }
  | {
      /**
       * One product's catalog change (several catalog bulk jobs, sent in order). Key: the product and a hash of what
       * is sent, so an unchanged product is not sent again. `metric` says what it is: `product`, `variation`, `removal`.
       */
      kind: 'catalog';
      key: string;
      metric: 'product' | 'variation' | 'removal';
      body: CatalogChange;
    }
  | {
      /**
       * Not a Klaviyo request: a Klaviyo flow webhook's action run on the store's WordPress (worker/store-actions.ts),
       * for a coupon followed by the profile write of its code. Key: the flow message's.
       */
      kind: 'store';
      key: string;
      action: StoreActionBody['action'];
      body: StoreActionBody;
    }
  | {
      /**
       * A back-in-stock subscription for one catalog variant (POST /api/back-in-stock-subscriptions, XL tier). The
       * profile carries identifiers only: it is never a marketing subscription. Key: the signup's.
       */
      kind: 'back_in_stock';
      key: string;
      body: BackInStockBody;
    }
  | {
      /** A data-privacy-deletion-job: one identifier (the email) per request. Key: the erasure request's. */
      kind: 'privacy_deletion';
      key: string;
      body: PrivacyDeletionBody;
    };

export type RequestKind = KlaviyoRequest['kind'];

