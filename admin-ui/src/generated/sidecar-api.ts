/* eslint-disable */
// Generated from the sidecar's OpenAPI document by `npm run contract -w sidecar`. Do not edit by hand.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness */
        get: operations["readyz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document (OpenAPI 3.1)
         * @description Public like `/healthz`: it describes the routes and holds no store data or secret.
         */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/webhooks/woocommerce": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A WooCommerce webhook delivery (signed, no Bearer)
         * @description The signature is checked over the raw bytes: X-WC-Webhook-Signature = base64(HMAC-SHA256(raw body, the store's webhook secret)). The delivery is stored durably before the answer. WooCommerce's creation ping (`application/x-www-form-urlencoded`, `webhook_id=N`, unsigned) is answered `200 {"ok":true}` for any store id. Never redirects.
         */
        post: operations["receiveWooCommerceDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/klaviyo/flow-webhooks/{action}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A Klaviyo flow webhook action (the store's flow secret in a header, no Bearer)
         * @description Paste the URL and the header (`X-WCK-Flow-Secret: <the store's flow secret>`, shown by `GET /v1/stores/{storeId}/klaviyo/flow-webhooks`) into the flow's webhook action. The secret is compared in constant time; with a signing secret saved, Klaviyo's signed-webhook headers are required too: `Klaviyo-Signature` = hex HMAC-SHA256, keyed with that secret, of the raw body followed by the `Klaviyo-Timestamp` header's value. Stored durably before the answer, as a delivery with the topic `klaviyo.flow.<action>`; the same body again (Klaviyo retries) shows as `duplicate` and does nothing again.
         */
        post: operations["receiveKlaviyoFlowWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics
         * @description Deliveries by topic and outcome, queue depth by state, Klaviyo requests by endpoint and status, throttles, send outcomes (retries, dead letters), circuit state and the send latency histogram, each labelled by store. Takes the admin token or `METRICS_TOKEN` as a Bearer token.
         */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Register or update a store
         * @description The key is checked with Klaviyo's `GET /api/accounts` (a save with the same key Klaviyo accepted less than a minute ago reuses that answer: the endpoint allows 15 calls a minute per account). A key Klaviyo refuses saves the store paused; saving a valid key resumes it. The store is pinned to the `siteUrl` it is first saved with: a save with another site (`sameSite` in the sync core: host, port and path, any scheme) is refused `409 site_not_pinned` (a staging copy must not re-point the store; a domain move re-pins through `/sources/release`).
         */
        put: operations["saveStore"];
        post?: never;
        /**
         * Remove a store: its configuration and credential, and revoke its connection codes
         * @description Deliveries for the store are refused (`404 unknown_store`) from then on; its sync log stays until retention clears it.
         */
        delete: operations["removeStore"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/klaviyo/verify-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Check a Klaviyo private key without saving it */
        post: operations["verifyKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/klaviyo/verify-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check a Klaviyo private key for this store without saving it
         * @description The same check as `POST /v1/klaviyo/verify-key`, on the store's own credential (the store need not be configured yet).
         */
        post: operations["verifyStoreKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/klaviyo/lists": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The Klaviyo account's lists (every page followed) */
        get: operations["listKlaviyoLists"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The store's health */
        get: operations["getStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The sync log, newest first */
        get: operations["listDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/deliveries/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One sync-log entry with what arrived and what was sent */
        get: operations["getDelivery"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/deliveries/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replay one delivery's failed jobs */
        post: operations["replayDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replay every dead delivery of the store */
        post: operations["replayDead"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every store, with whether it is configured and holds a credential */
        get: operations["listStores"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/connect-codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A single-use, short-lived connection code for one store
         * @description The code carries the sidecar's public address (PUBLIC_URL, or this request's host) and a claim on the store; it expires after CONNECT_CODE_TTL_S. The store need not exist yet: the code reserves its id, and the site that redeems it saves the configuration with the credential it gets. Only the code's SHA-256 is kept.
         */
        post: operations["createConnectCode"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/connect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Redeem a connection code for the store's credential
         * @description No Bearer token: the code is the credential. It works once and until it expires; the store's credential is answered this once (a credential the store held before stops working).
         */
        post: operations["connect"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/credential": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issue a new store credential; the one before stops working at once
         * @description With the store's credential it rotates it; with the admin token it issues one (a single-store self-hoster exchanges the admin token for the store's credential this way, and keeps only the credential).
         */
        post: operations["rotateCredential"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/consent": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A profile's consent records and Klaviyo status
         * @description Reads Klaviyo live (GET /api/profiles filtered by email, with `subscriptions`), waiting at most 3 seconds; when Klaviyo cannot be asked, `klaviyo` is null and `klaviyoError` says why. The records are the ones the sidecar keeps.
         */
        get: operations["getConsent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/klaviyo/flow-webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How to call the store's flow webhooks from Klaviyo */
        get: operations["getFlowWebhooks"];
        /** Save the store's flow webhook settings */
        put: operations["saveFlowWebhooks"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/klaviyo/flow-webhooks/secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rotate the store's flow secret
         * @description A new flow secret; flow webhooks with the old one are refused `401 invalid_flow_secret` from now on.
         */
        post: operations["rotateFlowSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/privacy/erasure": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Erase a person: purge the sidecar's data and request Klaviyo's deletion
         * @description Records the request durably (a sync-log entry of topic `privacy.erasure`, which names no email and, once mapped, keeps a SHA-256 of it instead), then clears the payload, headers and email of every sync-log entry naming the person and the bodies of their requests, cancels their requests not sent yet (`cancelled`; one in flight is never retried), marks entries still waiting to be mapped whose body names them as erased without mapping them, and deletes their consent records. The worker sends `POST /api/data-privacy-deletion-jobs` (one identifier, the email, cleared once accepted; Klaviyo's S tier, 3/s and 60/m) with the retries of any request; a key without the `data-privacy:write` scope makes that request `dead` with a message naming the scope, and the store is not paused.
         */
        post: operations["requestErasure"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/privacy/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What the sidecar holds about a person
         * @description The sync-log entries naming the person (newest first, at most 500) with what was sent for each, the consent records kept, and when the consent sync saw them unsubscribed in Klaviyo. Klaviyo itself is not asked.
         */
        get: operations["exportPersonalData"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/back-in-stock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A shopper asks to be told when a product is back in stock
         * @description Checks the signup (an email; a phone only when the store offers SMS; a product or variation the product webhooks told the sidecar about), records it durably (a sync-log entry of topic `back_in_stock.signup`, naming the email), and the worker sends `POST /api/back-in-stock-subscriptions` for the product's catalog variant (a variation's own, a simple product's own) with channel EMAIL (and SMS with a phone), retried like any request. The profile carries identifiers only: it never subscribes anyone to marketing. Nothing is recorded for a signup refused here.
         */
        post: operations["signUpBackInStock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The history sync's state and progress
         * @description Done and total per resource, events the stored records imply, the rate over the time spent running, the time left at that rate, and the newest problems with the record they belong to.
         */
        get: operations["getHistorySync"];
        put?: never;
        /**
         * Start a history sync
         * @description Reads the store's products (the whole catalog, as WooCommerce's `product.updated` deliveries), then its customers, then its orders, from the plugin's signed history route, page by page (100 records, ordered by modified date and id), and stores each record as a sync-log entry of topic `history.customer` / `history.order`, mapped like the live webhook with the same event `unique_id`s (so nothing Klaviyo has is sent again), without consent (history never subscribes anyone), and sent after live traffic. Refused while a run is running or paused.
         */
        post: operations["startHistorySync"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/history/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause the running history sync (the page being read is kept) */
        post: operations["pauseHistorySync"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/history/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused history sync, or try a failed one again, from its cursor */
        post: operations["resumeHistorySync"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/history/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel the history sync (what was stored is still sent) */
        post: operations["cancelHistorySync"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The pinned site and the other sites whose deliveries are held
         * @description A delivery whose `X-WC-Webhook-Source` is not the store's pinned site (a staging copy of the shop carrying the same webhooks and secret) is stored and held: nothing is sent until it is released. `site` (the plugin sends its own address) says whether the asking site is the pinned one.
         */
        get: operations["listSources"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/sources/release": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send the deliveries held from a source (once), optionally re-pinning the store to it
         * @description Each held delivery is mapped and sent like one just received (event `unique_id`s keep anything Klaviyo has from being sent twice); releasing again finds nothing left to release. With `repin`, the store is pinned to the source from now on.
         */
        post: operations["releaseSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/sources/discard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Discard the deliveries held from a source
         * @description Nothing is sent; each stays in the sync log as `discarded` (with its body, until retention).
         */
        post: operations["discardSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/sources/separate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Connect a copy as a store of its own
         * @description For a copy that is a shop of its own (a staging site to keep): its held deliveries here are discarded (kept in the sync log, marked so) and a connection code for a new store (`<storeId>-copy-<hex>`) is answered, which the copy redeems like any code (`POST /v1/connect`) and then saves as its own store, pinned to its own address.
         */
        post: operations["separateSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stores/{storeId}/gap-check": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Check now for orders WooCommerce did not deliver
         * @description Asks for a gap check at once (one also runs daily, when Klaviyo answers again after an outage, and when the sidecar starts): the orders WooCommerce changed since the last check are read from the plugin's signed history route and compared, by id and modified date, with what the sidecar holds; the missing ones are stored as sync-log entries (`recovered.order`, sent live, for a change of the last day; `recovered.order.backfill`, as backfill, for an older one) and sent once. The plugin calls it with `webhook_reenabled` when one of its webhooks is active again.
         */
        post: operations["requestGapCheck"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description The signup is recorded durably; Klaviyo's back-in-stock subscription is queued. It is not a marketing subscription. */
        BackInStockAccepted: {
            /** @description The signup's entry in the sync log (topic `back_in_stock.signup`): its `back_in_stock` request is Klaviyo's subscription, sent and retried like any request. */
            id: string;
            /** @constant */
            status: "accepted";
            /** @description The Klaviyo catalog variant the subscription names (`$custom:::$default:::<WooCommerce id>`). */
            variantId: string;
        };
        /** @enum {string} */
        CircuitState: "closed" | "open" | "half_open";
        /** @description A connection code for one store. */
        ConnectCode: {
            storeId: string;
            /** @description The connection code (`wckc_…`): single use, short-lived. Paste it into the store's settings page. */
            code: string;
            /** @description The public address the code carries (PUBLIC_URL, or this request's host). */
            sidecarUrl: string;
            /** @description ISO 8601 UTC */
            expiresAt: string;
        };
        /** @description The code was redeemed: the store's credential, shown this once. */
        Connected: {
            storeId: string;
            /** @description The store's credential (`wcks_…`). Shown this once: the sidecar keeps only its SHA-256 hash. Send it as `Authorization: Bearer …` on the store's routes. */
            credential: string;
            /** @description The sidecar's public address the code carried. */
            sidecarUrl: string;
        };
        /**
         * @description `queued`: the subscription job waits to be sent; `subscribed`/`unsubscribed`: Klaviyo accepted it; `failed`: Klaviyo refused it (`detail` says why; replay it from the sync log); `not_sent`: no list is configured; `refused`: an SMS consent without a phone that can be made E.164; `superseded`: a newer record of the same channel decides.
         * @enum {string}
         */
        ConsentOutcome: "queued" | "not_sent" | "refused" | "superseded" | "subscribed" | "unsubscribed" | "failed";
        /** @description One consent record the sidecar keeps, and what became of it. */
        ConsentRecord: {
            /** @enum {string} */
            channel: "email" | "sms";
            /** @enum {string} */
            status: "granted" | "withdrawn";
            /** @description The exact text the shopper saw next to the checkbox. */
            label: string;
            /** @description When the shopper gave or withdrew it (UTC, as the plugin recorded it). */
            at: string;
            /** @enum {string} */
            source: "block_checkout" | "classic_checkout" | "registration" | "account_page";
            orderId: number | null;
            userId: number | null;
            outcome: components["schemas"]["ConsentOutcome"];
            detail: string | null;
        };
        /** @description A profile's consent: what Klaviyo says now, and every record kept with its outcome. */
        ConsentStatus: {
            email: string;
            /** @description Klaviyo's current marketing status of the profile, read live; null when Klaviyo could not be asked (see `klaviyoError`). */
            klaviyo: {
                email: components["schemas"]["KlaviyoChannelStatus"];
                sms: components["schemas"]["KlaviyoChannelStatus"];
            } | null;
            /** @description Why Klaviyo could not be asked, in plain words. */
            klaviyoError: string | null;
            /** @description When the periodic sync last saw the profile unsubscribed or suppressed in Klaviyo (either channel), if it did. */
            unsubscribedInKlaviyoAt: string | null;
            /** @description Newest first. */
            records: components["schemas"]["ConsentRecord"][];
        };
        /** @description A sync-log entry with what arrived and what was sent. */
        DeliveryDetail: {
            id: string;
            /** @description ISO 8601 UTC */
            receivedAt: string;
            topic: string | null;
            resource: string | null;
            resourceId: number | null;
            orderNumber: string | null;
            email: string | null;
            status: components["schemas"]["DeliveryStatus"];
            /** @description Why nothing was sent (`skipped`, `duplicate`). */
            note: string | null;
            error: {
                class: string;
                message: string;
                klaviyo?: components["schemas"]["KlaviyoErrorItem"][];
            } | null;
            requests: components["schemas"]["JobView"][];
            /** @description What arrived, parsed. */
            payload?: unknown;
            /** @description What arrived, when it did not parse (first 64 KiB). */
            rawBody?: string;
            /** @description The X-WC-* headers (Klaviyo-* for a flow webhook) but the signature, content type and user agent. */
            headers?: {
                [key: string]: string;
            };
        };
        /** @description A page of the sync log, newest first. */
        DeliveryPage: {
            items: components["schemas"]["DeliveryView"][];
            /** @description Pass back as `cursor` for the next, older page; null at the end of the log. */
            nextCursor: string | null;
        };
        /**
         * @description The state of a delivery in the sync log, in the order the sidecar lists them.
         * @enum {string}
         */
        DeliveryStatus: "rejected" | "duplicate" | "skipped" | "pending" | "retrying" | "paused" | "succeeded" | "dead" | "held" | "discarded";
        /** @description One entry of the sync log. */
        DeliveryView: {
            id: string;
            /** @description ISO 8601 UTC */
            receivedAt: string;
            topic: string | null;
            resource: string | null;
            resourceId: number | null;
            orderNumber: string | null;
            email: string | null;
            status: components["schemas"]["DeliveryStatus"];
            /** @description Why nothing was sent (`skipped`, `duplicate`). */
            note: string | null;
            error: {
                class: string;
                message: string;
                klaviyo?: components["schemas"]["KlaviyoErrorItem"][];
            } | null;
            requests: components["schemas"]["JobView"][];
        };
        /** @description The erasure is recorded durably and the sidecar's data about the person is purged; Klaviyo's deletion is queued. */
        ErasureAccepted: {
            /** @description The erasure request's entry in the sync log (topic `privacy.erasure`): its `privacy_deletion` request is Klaviyo's deletion, sent and retried like any request. */
            requestId: string;
            /** @constant */
            status: "accepted";
            erased: {
                /** @description Sync-log entries naming the person that lost their payload, headers and email. */
                deliveries: number;
                /** @description Consent records of the person deleted. */
                consentRecords: number;
            };
        };
        /** @description An error. */
        Error: {
            error: {
                /** @description A stable snake_case code. */
                code: string;
                message: string;
                /** @description With `invalid_request`: one entry per field that did not validate. */
                details?: components["schemas"]["FieldProblem"][];
            };
        };
        FieldProblem: {
            field: string;
            message: string;
        };
        FlowPropertyPath: {
            /** @description A dotted path into the webhook body (array items by index: `items.0.name`). */
            path: string;
            /** @description The top-level profile property it becomes. */
            property: string;
        };
        FlowPropertyPathInput: {
            /** @description A dotted path into the webhook body (array items by index: `items.0.name`). */
            path: string;
            /** @description The top-level profile property it becomes. */
            property: string;
        };
        /** @description How to call the store's flow webhooks from Klaviyo, and their settings. */
        FlowWebhookSettings: {
            /** @description The header to add to the flow's webhook action. */
            header: string;
            /** @description The store's flow secret: the header's value. */
            secret: string;
            /** @description A Klaviyo signing secret is saved, so `Klaviyo-Signature` is required too. */
            signingSecretSet: boolean;
            couponCodeProperty: string;
            couponExpiresProperty: string;
            profilePaths: components["schemas"]["FlowPropertyPath"][];
            actions: {
                action: string;
                /** @description Paste as the webhook action's URL. */
                url: string;
                /** @description A body to start from (Klaviyo template tags). */
                exampleBody: {
                    [key: string]: unknown;
                };
            }[];
        };
        /** @description Gap repair: when the store's orders were last compared with what the sidecar holds, and what was recovered. */
        GapCheck: {
            /** @description When the last check finished (null: none yet). */
            lastCheckAt: string | null;
            lastReason: components["schemas"]["GapReason"] | null;
            /** @description Orders changed before this were compared; the next check starts there (less a 10-minute overlap). */
            checkedUntil: string | null;
            /** @description Orders WooCommerce changed in the last check's window. */
            lastCompared: number | null;
            /** @description Of those, the ones the sidecar did not hold, stored and sent. */
            lastRecovered: number | null;
            /** @description The sync log's line for the last check, e.g. "Recovered 3 orders that WooCommerce did not deliver." */
            summary: string | null;
            /** @description The check being run, if any. */
            running: {
                reason: components["schemas"]["GapReason"];
                /** @description ISO 8601 UTC */
                startedAt: string;
                /** @description ISO 8601 UTC */
                from: string;
                /** @description ISO 8601 UTC */
                until: string;
                compared: number;
                recovered: number;
            } | null;
            /** @description When a trigger last asked for a check. */
            requestedAt: string | null;
            /** @description Why the last check could not finish (it is tried again at `retryAt`). */
            lastError: string | null;
            retryAt: string | null;
        };
        GapCheckRequestBodyInput: {
            /**
             * @description `webhook_reenabled`: the plugin saw one of its webhooks active again (the check then runs up to now); `requested`: someone asked.
             * @default requested
             * @enum {string}
             */
            reason: "webhook_reenabled" | "requested";
        };
        /**
         * @description Why a gap check ran: `daily`, `webhook_reenabled` (the plugin reported it), `klaviyo_back` (after an outage), `sidecar_started`, `requested`.
         * @enum {string}
         */
        GapReason: "daily" | "webhook_reenabled" | "klaviyo_back" | "sidecar_started" | "requested";
        Health: {
            /** @constant */
            ok: true;
        };
        HeldSource: {
            /** @description The sending site, canonical (lower-case host, no default port, no trailing slash), as `X-WC-Webhook-Source` named it. */
            source: string;
            /** @description Deliveries held from it. */
            count: number;
            /** @description ISO 8601 UTC */
            firstAt: string;
            /** @description ISO 8601 UTC */
            lastAt: string;
        };
        HistoryStartBodyInput: {
            /**
             * @description `all`: every order and customer; `months`: those WooCommerce changed in the last `months` months.
             * @enum {string}
             */
            scope: "all" | "months";
            /** @description Required with `scope: months`. */
            months?: number;
        };
        /**
         * @description `running`, `paused`, `cancelled`, `done`, or `failed` (a page failed too often; resume tries again).
         * @enum {string}
         */
        HistoryState: "running" | "paused" | "cancelled" | "done" | "failed";
        /** @description The store's history sync: state, progress, rate, time left and errors. */
        HistoryStatus: {
            /** @description The store's latest run, or null when none was started. */
            run: {
                runId: string;
                state: components["schemas"]["HistoryState"];
                scope: {
                    /** @enum {string} */
                    kind: "all" | "months";
                    months?: number;
                };
                /** @description Records modified at or after this are read (null: everything). */
                since: string | null;
                /** @description ISO 8601 UTC */
                startedAt: string;
                /** @description ISO 8601 UTC */
                updatedAt: string;
                finishedAt: string | null;
                /** @description The catalog: every product and variation, whatever the scope (a run started before products were read shows 0, finished). */
                products: {
                    /** @description Records read from the store and stored as deliveries. */
                    done: number;
                    /** @description Records in the scope, as the plugin counted them (null before it answered). */
                    total: number | null;
                    finished: boolean;
                };
                customers: {
                    /** @description Records read from the store and stored as deliveries. */
                    done: number;
                    /** @description Records in the scope, as the plugin counted them (null before it answered). */
                    total: number | null;
                    finished: boolean;
                };
                orders: {
                    /** @description Records read from the store and stored as deliveries. */
                    done: number;
                    /** @description Records in the scope, as the plugin counted them (null before it answered). */
                    total: number | null;
                    finished: boolean;
                };
                /** @description Products, customers and orders done. */
                done: number;
                /** @description Products, customers and orders in the scope (null until all are counted). */
                total: number | null;
                percent: number | null;
                /** @description Klaviyo events the records stored imply (Placed Order, Ordered Product, …); those Klaviyo already has are not sent again. */
                eventsQueued: number;
                /** @description Records per minute over the time spent running. */
                ratePerMinute: number | null;
                /** @description At that rate. */
                secondsLeft: number | null;
                lastError: string | null;
                /** @description The newest problems (at most 50), oldest first. */
                errors: {
                    /** @description ISO 8601 UTC */
                    at: string;
                    /** @enum {string} */
                    resource: "products" | "customers" | "orders";
                    /** @description The WooCommerce id of the record the problem belongs to (null: the page). */
                    recordId: number | null;
                    message: string;
                }[];
            } | null;
        };
        /** @description The delivery is stored durably. A repeat of earlier content is answered the same way; the sync log shows it as `duplicate` once it is planned. */
        IngressAccepted: {
            /** @description The delivery's id in the sync log. */
            id: string;
            /**
             * @description `held`: stored, but sent by another site than the store's pinned one (`X-WC-Webhook-Source`, e.g. a staging copy): nothing is sent until the merchant releases it (`/sources`).
             * @enum {string}
             */
            status: "accepted" | "held";
        };
        /** @description WooCommerce's creation ping, answered. */
        IngressPing: {
            /** @constant */
            ok: true;
        };
        /** @description Refused, and recorded in the sync log as `rejected`. */
        IngressRejected: {
            error: {
                /** @description A stable snake_case code. */
                code: string;
                message: string;
                /** @description With `invalid_request`: one entry per field that did not validate. */
                details?: components["schemas"]["FieldProblem"][];
            };
            /** @description The rejection's id in the sync log. */
            id: string;
        };
        /** @enum {string} */
        JobStatus: "pending" | "in_flight" | "retrying" | "done" | "dead" | "cancelled";
        /** @description One Klaviyo request a delivery implies. */
        JobView: {
            id: string;
            /**
             * @description `subscribe`, `unsubscribe`: one profile of a subscription job (`metric` is its channel); `catalog`: one product's catalog jobs (`metric`: `product`, `variation` or `removal`); `store`: a Klaviyo flow webhook's action run on the store's WordPress (`metric` is the action: `coupon`, `tag`); `back_in_stock`: a shopper's back-in-stock subscription to one catalog variant.
             * @enum {string}
             */
            kind: "event" | "profile" | "subscribe" | "unsubscribe" | "catalog" | "store" | "privacy_deletion" | "back_in_stock";
            metric: string | null;
            /** @description Deterministic request key (an event's `unique_id`). */
            key: string;
            status: components["schemas"]["JobStatus"];
            attempts: number;
            responseStatus: number | null;
            error: string | null;
            /** @description What was sent to Klaviyo; only in `GET …/deliveries/{id}`. */
            body?: unknown;
        };
        /** @description What Klaviyo said about the key; nothing was saved. */
        KeyCheck: {
            status: components["schemas"]["KeyStatus"];
            last4: string;
            detail: string | null;
            account?: {
                name: string | null;
            };
        };
        KeyState: {
            status: components["schemas"]["KeyStatus"];
            last4: string;
            checkedAt: string | null;
            detail: string | null;
        };
        /**
         * @description `invalid`: Klaviyo answered 401/403. `unverified`: Klaviyo could not be asked.
         * @enum {string}
         */
        KeyStatus: "valid" | "invalid" | "unverified";
        KlaviyoChannelStatus: {
            /** @description As Klaviyo's `subscriptions` field says: `SUBSCRIBED`, `UNSUBSCRIBED`, `NEVER_SUBSCRIBED`, … (`SUPPRESSED`: email marketing suppressed, e.g. a hard bounce or a spam complaint). */
            status: string;
            /** @description When Klaviyo recorded it, if it says. */
            at: string | null;
        };
        /** @description One entry of a Klaviyo JSON:API `errors` array. */
        KlaviyoErrorItem: {
            id?: string;
            code?: string;
            title?: string;
            detail?: string;
            source?: {
                pointer?: string;
                parameter?: string;
            } & {
                [key: string]: unknown;
            };
            meta?: {
                [key: string]: unknown;
            };
        } & {
            [key: string]: unknown;
        };
        KlaviyoList: {
            id: string;
            name: string;
            /** @description `single_opt_in` or `double_opt_in` (as Klaviyo says). */
            optInProcess: string | null;
        };
        /** @description Every list of the account. */
        ListsPage: {
            lists: components["schemas"]["KlaviyoList"][];
        };
        /** @description Prometheus text exposition format 0.0.4. */
        MetricsText: string;
        NotReady: {
            /** @constant */
            ready: false;
            reason: string;
        };
        /** @description This document. */
        OpenApiDocument: {
            [key: string]: unknown;
        };
        /** @description What the sidecar holds about a person. */
        PrivacyExport: {
            email: string;
            /** @description Sync-log entries naming the person, newest first (at most 500), each with what was sent to Klaviyo. */
            deliveries: components["schemas"]["DeliveryView"][];
            /** @description The consent records kept, newest first. */
            consent: components["schemas"]["ConsentRecord"][];
            /** @description When the periodic consent sync last saw the profile unsubscribed or suppressed in Klaviyo, per channel. */
            unsubscribedInKlaviyo: {
                /** @description ISO 8601 UTC */
                email?: string;
                /** @description ISO 8601 UTC */
                sms?: string;
            };
        };
        /** @description Jobs (Klaviyo requests) by state. */
        QueueStats: {
            pending: number;
            in_flight: number;
            retrying: number;
            paused: number;
            done: number;
            dead: number;
            /** @description Never sent: cancelled by an erasure of the person they were for. */
            cancelled: number;
        };
        Ready: {
            /** @constant */
            ready: true;
            /** @enum {string} */
            backend: "sqlite" | "redis";
        };
        ReplayResult: {
            /** @description Jobs reset to pending. */
            replayed: number;
        };
        /** @description The store's health: key, queue, deliveries, errors, circuit. */
        SidecarStatus: {
            storeId: string;
            paused: boolean;
            pauseReason: string | null;
            key: components["schemas"]["KeyState"];
            listId: string | null;
            queue: components["schemas"]["QueueStats"];
            deliveries: {
                total: number;
                byStatus: {
                    rejected?: number;
                    duplicate?: number;
                    skipped?: number;
                    pending?: number;
                    retrying?: number;
                    paused?: number;
                    succeeded?: number;
                    dead?: number;
                    held?: number;
                    discarded?: number;
                };
            };
            eventsPerMinute: number;
            lastSuccessAt: string | null;
            lastError: {
                /** @description ISO 8601 UTC */
                at: string;
                class: string;
                message: string;
                deliveryId: string | null;
            } | null;
            /** @description Failures by class since the store was created. */
            errorCounts: {
                rate_limited: number;
                server: number;
                network: number;
                bad_request: number;
                auth: number;
                conflict: number;
                circuit_open: number;
                mapping: number;
                ingress: number;
            } & {
                [key: string]: number;
            };
            circuit: {
                state: components["schemas"]["CircuitState"];
                /** @description ISO 8601 UTC */
                since: string;
                consecutiveFailures?: number;
            };
            /** @description Since when work has waited with nothing sent: the later of the oldest waiting delivery's arrival and the last success; null when nothing waits. */
            stalledSince: string | null;
            /** @description Nothing could be sent for 15 minutes while work waits (false while the store is paused: `paused` says why). */
            stalled: boolean;
            gapCheck: components["schemas"]["GapCheck"];
        };
        Sources: {
            /** @description The site the store is pinned to (its `siteUrl`, canonical). */
            pinned: string;
            /** @description Null without `site`. */
            site: {
                /** @description The `site` asked about, canonical (as given when it is not a URL). */
                url: string;
                /**
                 * @description `pinned`: the store's own site; `other`: another site (a copy: its deliveries are held).
                 * @enum {string}
                 */
                relation: "pinned" | "other";
            } | null;
            /** @description Every other site with held deliveries, by source. */
            held: components["schemas"]["HeldSource"][];
            heldTotal: number;
        };
        /** @description A new credential of the store; the one before it no longer opens anything. */
        StoreCredential: {
            storeId: string;
            /** @description The store's credential (`wcks_…`). Shown this once: the sidecar keeps only its SHA-256 hash. Send it as `Authorization: Bearer …` on the store's routes. */
            credential: string;
        };
        /** @description Every store of the sidecar, by id. */
        StoreList: {
            stores: components["schemas"]["StoreSummary"][];
        };
        /** @description The store's configuration and credential were deleted and its connection codes revoked. */
        StoreRemoved: {
            storeId: string;
            /** @constant */
            removed: true;
        };
        /** @description The store was saved. */
        StoreSaved: {
            storeId: string;
            /** @description Where WooCommerce delivers this store's webhooks. */
            webhookUrl: string;
            key: components["schemas"]["KeyState"];
            listId: string | null;
            paused: boolean;
        };
        StoreSummary: {
            storeId: string;
            /** @description The store saved its configuration (site, key, webhook secret). */
            configured: boolean;
            /** @description The store holds a credential (it connected, or one was issued). */
            hasCredential: boolean;
            siteUrl: string | null;
            paused: boolean;
            keyStatus: components["schemas"]["KeyStatus"] | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process lives. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    readyz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Storage is reachable and the process is not shutting down. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ready"];
                };
            };
            /** @description Shutting down, or storage unreachable: send no traffic here. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["NotReady"];
                };
            };
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document of this sidecar. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenApiDocument"];
                };
            };
        };
    };
    receiveWooCommerceDelivery: {
        parameters: {
            query?: never;
            header?: {
                /** @description base64(HMAC-SHA256(raw body, webhook secret)); required for deliveries. */
                "X-WC-Webhook-Signature"?: string;
                /** @description `order.created`, `order.updated`, `order.deleted`, `order.restored`, `customer.created`, `customer.updated`, `customer.deleted`, `product.created`, `product.updated`, `product.deleted` or `product.restored` (a variation arrives under its product's topic); from the plugin itself, `cart.checkout_started` or `cart.item_added` (a cart it captured, sent from its queue, signed the same way). */
                "X-WC-Webhook-Topic"?: string;
                "X-WC-Webhook-Resource"?: string;
                "X-WC-Webhook-Event"?: string;
                "X-WC-Webhook-ID"?: string;
                "X-WC-Webhook-Delivery-ID"?: string;
                /** @description The sending site (`home_url('/')`). When it is not the site the store is pinned to (its `siteUrl`; see docs/how-it-works.md, Staging copies), the delivery is stored and held: answered `200 {"status":"held"}` and sent nowhere until released. */
                "X-WC-Webhook-Source"?: string;
            };
            path: {
                /** @description The store id the webhook was created for. */
                storeId: string;
            };
            cookie?: never;
        };
        /** @description The WooCommerce resource (wp_api_v3 order or customer) exactly as signed, or the form `webhook_id=N` of the ping. */
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                };
                "application/x-www-form-urlencoded": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Stored durably (`id`, `accepted`), or the ping answered (`ok`). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressAccepted"] | components["schemas"]["IngressPing"];
                };
            };
            /** @description `malformed_json`: not JSON, or not a JSON object; recorded in the sync log as `rejected`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `missing_signature` or `invalid_signature`; recorded in the sync log as `rejected`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `unknown_store`; recorded in the sync log as `rejected`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `body_too_large`: over MAX_BODY_BYTES; recorded in the sync log as `rejected`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `unsupported_content_type`: not application/json; recorded in the sync log as `rejected`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `unknown_topic`, `rest_error_payload` (a WP REST error instead of a resource) or `payload_too_complex` (nesting over 32 levels, or an array over 2,000 items); recorded in the sync log as `rejected`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: not stored; WooCommerce retries. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    receiveKlaviyoFlowWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description The store's flow secret. */
                "X-WCK-Flow-Secret": string;
                /** @description Required when the store saved a signing secret: hex HMAC-SHA256 of the raw body + `Klaviyo-Timestamp`. */
                "Klaviyo-Signature"?: string;
                /** @description Required with `Klaviyo-Signature`; part of what is signed. */
                "Klaviyo-Timestamp"?: string;
            };
            path: {
                /** @description The store id. */
                storeId: string;
                /** @description What the flow asks of the store; another value is `404 unknown_action`. */
                action: "coupon" | "tag" | "profile-properties";
            };
            cookie?: never;
        };
        /** @description The JSON body the flow builds; `email` is required, the rest depends on the action (docs/how-it-works.md). */
        requestBody: {
            content: {
                "application/json": {
                    email: string;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Stored durably. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressAccepted"];
                };
            };
            /** @description `malformed_json`: not JSON, or not a JSON object; recorded in the sync log as `rejected`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `missing_flow_secret`, `invalid_flow_secret`, `missing_signature` or `invalid_signature`; recorded in the sync log as `rejected`. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `unknown_store` or `unknown_action`; recorded in the sync log as `rejected`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `body_too_large`: over MAX_BODY_BYTES; recorded in the sync log as `rejected`. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `unsupported_content_type`: not application/json; recorded in the sync log as `rejected`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `missing_email` (the profile has no email), `invalid_body` (the action's fields are missing or wrong; the message says which) or `payload_too_complex`; recorded in the sync log as `rejected`. */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IngressRejected"];
                };
            };
            /** @description `internal_error`. */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: not stored; Klaviyo retries. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": components["schemas"]["MetricsText"];
                };
            };
            /** @description `unauthorized`: no valid Bearer admin token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    saveStore: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        /** @description The store's configuration. The key and secret are encrypted at rest and never returned or logged. */
        requestBody: {
            content: {
                "application/json": {
                    /** Format: uri */
                    siteUrl: string;
                    webhookSecret: string;
                    klaviyo: {
                        privateKey: string;
                        listId?: string | null;
                    };
                };
            };
        };
        responses: {
            /** @description The store was saved. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoreSaved"];
                };
            };
            /** @description `invalid_request`: the body does not validate (`details` says which field); or the body is not JSON (`fst_err_ctp_invalid_json_body`, `fst_err_ctp_empty_json_body`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: the store id does not match `^[a-z0-9][a-z0-9_-]{2,63}$`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `site_not_pinned`: the store is pinned to another site (this one looks like a copy of it). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `fst_err_ctp_body_too_large`: the body is over 1 MiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `fst_err_ctp_invalid_media_type`: the body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    removeStore: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The store was removed. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoreRemoved"];
                };
            };
            /** @description `unauthorized`: no valid Bearer admin token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    verifyKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    privateKey: string;
                };
            };
        };
        responses: {
            /** @description What Klaviyo said about the key. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyCheck"];
                };
            };
            /** @description `invalid_request`: the body does not validate (`details` says which field); or the body is not JSON (`fst_err_ctp_invalid_json_body`, `fst_err_ctp_empty_json_body`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no valid Bearer admin token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `fst_err_ctp_body_too_large`: the body is over 1 MiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `fst_err_ctp_invalid_media_type`: the body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    verifyStoreKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    privateKey: string;
                };
            };
        };
        responses: {
            /** @description What Klaviyo said about the key. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyCheck"];
                };
            };
            /** @description `invalid_request`: the body does not validate (`details` says which field); or the body is not JSON (`fst_err_ctp_invalid_json_body`, `fst_err_ctp_empty_json_body`). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: the store id does not match `^[a-z0-9][a-z0-9_-]{2,63}$`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `fst_err_ctp_body_too_large`: the body is over 1 MiB. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `fst_err_ctp_invalid_media_type`: the body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listKlaviyoLists: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every list of the account. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListsPage"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `klaviyo_key_invalid`: Klaviyo rejected the saved private key. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `klaviyo_unreachable`: Klaviyo could not be asked. */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The store's status. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SidecarStatus"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listDeliveries: {
        parameters: {
            query?: {
                status?: components["schemas"]["DeliveryStatus"];
                /** @description An email (substring, case-insensitive) or an order number (exact, `#` optional). */
                q?: string;
                /** @description `nextCursor` of the page before. */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the sync log. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryPage"];
                };
            };
            /** @description `invalid_request`: the query does not validate (`details` says which field). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
                /** @description A delivery id (digits); any other, or one of another store, is `404 unknown_delivery`. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The delivery. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryDetail"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`, or `unknown_delivery`: no such delivery for this store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    replayDelivery: {
        parameters: {
            query?: {
                /** @description `1` replays every job of the delivery, not only the dead ones (except those whose request body retention or an erasure removed: they would send an empty request). */
                all?: string;
            };
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
                /** @description A delivery id (digits); any other, or one of another store, is `404 unknown_delivery`. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How many jobs were reset to pending. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplayResult"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`, or `unknown_delivery`: no such delivery for this store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    replayDead: {
        parameters: {
            query?: {
                /** @description Only `dead` (the default). */
                status?: "dead";
            };
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How many jobs were reset to pending. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplayResult"];
                };
            };
            /** @description `invalid_request`: the query does not validate (`details` says which field). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listStores: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stores. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoreList"];
                };
            };
            /** @description `unauthorized`: no valid Bearer admin token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    createConnectCode: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The code, shown this once. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConnectCode"];
                };
            };
            /** @description `unauthorized`: no valid Bearer admin token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: the store id does not match `^[a-z0-9][a-z0-9_-]{2,63}$`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    connect: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The connection code (`wckc_…`), as pasted. */
                    code: string;
                };
            };
        };
        responses: {
            /** @description The store's credential. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Connected"];
                };
            };
            /** @description `connect_code_malformed`: not a connection code; `connect_code_other_sidecar`: made by another sidecar; or `invalid_request`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `connect_code_unknown`: this sidecar has no such code. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `connect_code_used`: the code was already used. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `connect_code_expired`: the code expired; `connect_code_store_removed`: its store was removed. */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `fst_err_ctp_invalid_media_type`: the body is not `application/json`. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rotateCredential: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new credential, shown this once. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StoreCredential"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: the store id does not match `^[a-z0-9][a-z0-9_-]{2,63}$`. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getConsent: {
        parameters: {
            query: {
                /** @description The profile's email (any case). */
                email: string;
            };
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The profile's consent. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConsentStatus"];
                };
            };
            /** @description `invalid_request`: `email` is missing or not an email address. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getFlowWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The URLs, the header and its secret, and the settings. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlowWebhookSettings"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    saveFlowWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        /** @description Omitted fields keep their value. */
        requestBody: {
            content: {
                "application/json": {
                    couponCodeProperty?: string;
                    couponExpiresProperty?: string;
                    profilePaths?: components["schemas"]["FlowPropertyPathInput"][];
                    /** @description Klaviyo's signing secret of signed webhooks; null removes it. */
                    signingSecret?: string | null;
                };
            };
        };
        responses: {
            /** @description Saved. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlowWebhookSettings"];
                };
            };
            /** @description `invalid_request`: the body does not validate (`details` says which field). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    rotateFlowSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new secret with the rest of the settings. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlowWebhookSettings"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    requestErasure: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: email
                     * @description The person's email (any case).
                     */
                    email: string;
                };
            };
        };
        responses: {
            /** @description Recorded; the sidecar's data is purged and Klaviyo's deletion queued. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErasureAccepted"];
                };
            };
            /** @description `invalid_request`: `email` is missing or not an email address. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    exportPersonalData: {
        parameters: {
            query: {
                /** @description The profile's email (any case). */
                email: string;
            };
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What the sidecar holds. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrivacyExport"];
                };
            };
            /** @description `invalid_request`: `email` is missing or not an email address. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    signUpBackInStock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        /** @description A shopper's back-in-stock signup, as the plugin hands it on. */
        requestBody: {
            content: {
                "application/json": {
                    /** @description The shopper's email (any case). */
                    email: string;
                    /** @description A phone for SMS, only when the store offers SMS: E.164, or national for `country`. An empty string is no phone. */
                    phone?: string | null;
                    /** @description The country a national phone number belongs to (the store's base country). */
                    country?: string;
                    /** @description The WooCommerce product (simple) or variation the shopper waits for. */
                    productId: number;
                };
            };
        };
        responses: {
            /** @description Recorded; Klaviyo's back-in-stock subscription is queued. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BackInStockAccepted"];
                };
            };
            /** @description `invalid_request`: no email or not an email address, a phone that is not a valid number, no product id, or a variable product (name one of its variations). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store; `unknown_product`: the product webhooks never told the sidecar about this product or variation (or it was trashed). */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    getHistorySync: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The latest run. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryStatus"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    startHistorySync: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["HistoryStartBodyInput"];
            };
        };
        responses: {
            /** @description The run after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryStatus"];
                };
            };
            /** @description `invalid_request`: `months` is missing for `scope: months`. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `history_conflict`: the run's state does not allow it (e.g. one is already running, or none is paused). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    pauseHistorySync: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryStatus"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `history_conflict`: the run's state does not allow it (e.g. one is already running, or none is paused). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    resumeHistorySync: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryStatus"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `history_conflict`: the run's state does not allow it (e.g. one is already running, or none is paused). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    cancelHistorySync: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run after the change. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HistoryStatus"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `history_conflict`: the run's state does not allow it (e.g. one is already running, or none is paused). */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    listSources: {
        parameters: {
            query?: {
                /** @description The site asking (the plugin sends its `home_url()`): the answer says whether it is the pinned site. */
                site?: string;
            };
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The sources. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Sources"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    releaseSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A source as listed (or any URL of that site). */
                    source: string;
                    /**
                     * @description Also pin the store to this source (a legitimate move of the store to another domain): its deliveries pass from then on, and the old site's are held.
                     * @default false
                     */
                    repin?: boolean;
                };
            };
        };
        responses: {
            /** @description What was released. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        source: string;
                        /** @description Deliveries released (now mapped and sent). */
                        released: number;
                        pinned: string;
                    };
                };
            };
            /** @description `invalid_request`: the body does not validate. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `source_is_pinned`: the source is the pinned site itself. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    discardSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A source as listed (or any URL of that site). */
                    source: string;
                };
            };
        };
        responses: {
            /** @description What was discarded. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        source: string;
                        /** @description Deliveries marked `discarded` (kept in the sync log). */
                        discarded: number;
                    };
                };
            };
            /** @description `invalid_request`: the body does not validate. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `source_is_pinned`: the source is the pinned site itself. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    separateSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A source as listed (or any URL of that site). */
                    source: string;
                };
            };
        };
        responses: {
            /** @description The new store's connection code. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        source: string;
                        /** @description Deliveries marked `discarded` (kept in the sync log). */
                        discarded: number;
                        /** @description The new store the copy connects as. */
                        storeId: string;
                        /** @description A connection code for it, shown this once (single-use, short-lived). */
                        code: string;
                        sidecarUrl: string;
                        /** @description ISO 8601 UTC */
                        expiresAt: string;
                    };
                };
            };
            /** @description `invalid_request`: the body does not validate. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `source_is_pinned`: the source is the pinned site itself. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
    requestGapCheck: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The store id; one that does not match, or an unknown one, is `404 unknown_store`. */
                storeId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GapCheckRequestBodyInput"];
            };
        };
        responses: {
            /** @description The check as it stands (it runs within seconds). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        gapCheck: components["schemas"]["GapCheck"];
                    };
                };
            };
            /** @description `unauthorized`: no Bearer token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `forbidden`: the token is neither this store's credential nor the admin token (another store's, a rotated one, or a wrong one). */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `unknown_store`: no such store. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `internal_error`: an unexpected failure (details are logged, not returned). */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
            /** @description `storage_unavailable`: storage could not be reached or refused the write; try again. */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Error"];
                };
            };
        };
    };
}

/** The delivery statuses in the order the sidecar lists them (components.schemas.DeliveryStatus). */
export const DELIVERY_STATUSES = [
	"rejected",
	"duplicate",
	"skipped",
	"pending",
	"retrying",
	"paused",
	"succeeded",
	"dead",
	"held",
	"discarded",
] as const satisfies readonly components['schemas']['DeliveryStatus'][];
