import { startStack } from './stack.js';

/** Builds what is stale and starts the double, the sidecar and WordPress; the specs get E2E_* variables. */
export default async function globalSetup(): Promise<void> {
  await startStack();
}
