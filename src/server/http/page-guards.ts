import { redirect } from 'next/navigation';
import type { Role } from '@/generated/prisma/enums';
import type { LiveSession } from '../auth';
import { isSetupComplete } from '../auth';
import { getDb } from '../db';
import { getCurrentSession } from './current-session';

/** Where a signed-in user belongs. */
export function homePathFor(role: Role): string {
  return { ADMIN: '/admin', RESELLER: '/reseller', CUSTOMER: '/portal' }[role];
}

/** Admins and resellers must use MFA (seed 002): until they enrol, every page sends them to enrolment. */
export function mustEnrolMfa(user: LiveSession['user']): boolean {
  return (user.role === 'ADMIN' || user.role === 'RESELLER') && !user.mfaEnabled;
}

export const MFA_ENROLMENT_PATH = '/account/mfa';

/**
 * For pages: the live session of a user with one of the roles. Signed-out visitors go to
 * sign-in (or to setup on a fresh installation); users of another role go to their own home;
 * admins and resellers without MFA go to enrolment (except from the enrolment page itself).
 */
export async function requirePageSession(roles: Role[], returnTo: string, options: { allowWithoutMfa?: boolean } = {}): Promise<LiveSession> {
  const session = await getCurrentSession();
  if (!session) {
    if (!(await isSetupComplete(await getDb()))) redirect('/setup');
    redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  }
  if (!roles.includes(session.user.role)) redirect(homePathFor(session.user.role));
  if (!options.allowWithoutMfa && mustEnrolMfa(session.user)) redirect(MFA_ENROLMENT_PATH);
  return session;
}
