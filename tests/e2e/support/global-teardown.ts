import { loadState, stopStack } from './stack.js';

/** Stops everything the setup started (it also runs after failed specs). */
export default async function globalTeardown(): Promise<void> {
  const state = loadState();
  if (state) await stopStack(state);
}
