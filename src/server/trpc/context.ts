import { apiKeyFromHeaders, authenticateApiKey } from '../apikeys';
import type { LiveSession } from '../auth';
import { getDb, type Db } from '../db';
import { getEnv } from '../env';
import { getCurrentSession } from '../http/current-session';
import { requestMeta, type RequestMeta } from '../http/request-meta';

/**
 * A request is made either by a signed-in user (session cookie) or by a script with an API key
 * (`Authorization: Bearer` or `X-API-Key`). A key, when present, is the only credential
 * considered: cookies are ignored, so key requests are never confused with browser sessions.
 */
export type TRPCContext = {
  db: Db;
  session: LiveSession | null;
  /** Present when the request carried an API key: the key, or why it was refused. */
  apiKey?: Awaited<ReturnType<typeof authenticateApiKey>> | null;
  meta: RequestMeta;
};

export async function createTRPCContext({ headers }: { headers: Headers }): Promise<TRPCContext> {
  const env = getEnv();
  const meta = requestMeta(headers, env.TRUST_PROXY);
  const db = await getDb();
  const rawKey = apiKeyFromHeaders((name) => headers.get(name));
  if (rawKey) {
    const apiKey = await authenticateApiKey(db, { rawKey, ip: meta.ip, origin: headers.get('origin'), requiredScope: null });
    return { db, session: null, apiKey, meta };
  }
  return { db, session: await getCurrentSession(), apiKey: null, meta };
}
