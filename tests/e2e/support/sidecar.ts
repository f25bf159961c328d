/** What the operator does on the sidecar with the admin token (the specs have it; the plugin never keeps it). */
import { SIDECAR_ADMIN_TOKEN, SIDECAR_URL } from './env.js';

/** The store id the e2e run connects as. */
export const E2E_STORE_ID = 'e2e-shop';

/** A fresh single-use connection code for a store, made through the admin route as an operator would. */
export async function makeConnectCode(storeId = E2E_STORE_ID): Promise<string> {
  const res = await fetch(`${SIDECAR_URL}/v1/stores/${storeId}/connect-codes`, {
    method: 'POST', headers: { authorization: `Bearer ${SIDECAR_ADMIN_TOKEN}` },
  });
  const body = await res.json() as { code?: string };
  if (res.status !== 200 || typeof body.code !== 'string') throw new Error(`connect-codes answered ${res.status}: ${JSON.stringify(body)}`);
  return body.code;
}

/** The HTTP status the sidecar gives a store route for a Bearer token. */
export async function storeStatusWith(token: string, storeId = E2E_STORE_ID): Promise<number> {
  const res = await fetch(`${SIDECAR_URL}/v1/stores/${storeId}/status`, { headers: { authorization: `Bearer ${token}` } });
  await res.arrayBuffer();
  return res.status;
}
