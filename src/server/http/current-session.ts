import { getServerSession } from 'next-auth';
import { getLiveSession, type LiveSession } from '../auth';
import { getDb } from '../db';
import { buildAuthOptions } from './auth-options';

/** The signed-in user's live server-side session, or null (signed out, revoked, expired or idle). */
export async function getCurrentSession(): Promise<LiveSession | null> {
  const session = await getServerSession(buildAuthOptions());
  if (!session?.sid) return null;
  return getLiveSession(await getDb(), session.sid);
}
