/**
 * The sync core: every rule of the sync, once, as pure functions over what storage persists (records.ts). The
 * worker and the backends call it; it imports no storage, no HTTP and no Klaviyo client. See docs/architecture.md.
 */
export * from './records.js';
export * from './intake.js';
export * from './status.js';
export * from './plan.js';
export * from './settle.js';
export * from './replay.js';
export * from './views.js';
export * from './retention.js';
export * from './consent.js';
export * from './totals.js';
export * from './privacy.js';
export * from './history.js';
export * from './sources.js';
export * from './gaps.js';
export * from './key-check.js';
