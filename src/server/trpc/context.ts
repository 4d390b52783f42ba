import { getDb } from '../db';
import { getEnv } from '../env';
import { getCurrentSession } from '../http/current-session';
import { requestMeta } from '../http/request-meta';

export async function createTRPCContext({ headers }: { headers: Headers }) {
  const env = getEnv();
  const [db, session] = await Promise.all([getDb(), getCurrentSession()]);
  return { db, session, meta: requestMeta(headers, env.TRUST_PROXY) };
}

export type TRPCContext = Awaited<ReturnType<typeof createTRPCContext>>;
