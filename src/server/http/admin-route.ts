import type { AuditActor } from '../audit';
import type { LiveSession } from '../auth';
import { getEnv } from '../env';
import { getCurrentSession } from './current-session';
import { requestMeta, type RequestMeta } from './request-meta';

export type AdminRequest = { session: LiveSession; actor: AuditActor; meta: RequestMeta };

const refuse = (status: 401 | 403, message: string) =>
  Response.json({ error: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', message }, { status, headers: { 'Cache-Control': 'no-store' } });

/**
 * For route handlers outside tRPC (downloads): the admin's live session, with MFA on as
 * adminProcedure demands, or the 401/403 response to return instead.
 */
export async function adminRequest(request: Request): Promise<AdminRequest | Response> {
  const session = await getCurrentSession();
  if (!session) return refuse(401, 'Sign in to continue.');
  if (session.user.role !== 'ADMIN') return refuse(403, 'This needs an admin account.');
  if (!session.user.mfaEnabled) return refuse(403, 'Turn on two-factor authentication to continue.');
  return {
    session,
    actor: { type: 'user', id: session.user.id, label: session.user.email },
    meta: requestMeta(request.headers, getEnv().TRUST_PROXY),
  };
}
