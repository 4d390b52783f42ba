import { UAParser } from 'ua-parser-js';
import type { DbOrTx } from '../db';
import { securityPolicy } from '../security/policy';


/** "Firefox on Linux", "Chrome on Android (Pixel 8)": what the sessions page shows. */
export function deviceLabel(userAgent: string | null | undefined): string {
  if (!userAgent) return 'Unknown device';
  const { browser, os, device } = new UAParser(userAgent).getResult();
  const parts = [browser.name ?? 'Unknown browser', os.name ? `on ${os.name}` : null, device.model ? `(${device.model})` : null];
  return parts.filter(Boolean).join(' ');
}

/**
 * Starts a server-side session. A user keeps at most `maxLiveSessionsPerUser` live sessions:
 * starting another revokes the oldest.
 */
export async function createSession(
  db: DbOrTx,
  input: { userId: string; ip?: string | null; userAgent?: string | null; mfaVerifiedAt?: Date | null },
) {
  const { absoluteLifetimeSeconds, maxLiveSessionsPerUser } = securityPolicy().session;
  const now = new Date();
  const session = await db.session.create({
    data: {
      userId: input.userId,
      ip: input.ip ?? null,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
      deviceLabel: deviceLabel(input.userAgent),
      createdAt: now,
      lastSeenAt: now,
      mfaVerifiedAt: input.mfaVerifiedAt ?? null,
      absoluteExpiresAt: new Date(now.getTime() + absoluteLifetimeSeconds * 1000),
    },
    select: { id: true, userId: true },
  });
  const surplus = await db.session.findMany({
    where: { userId: input.userId, revokedAt: null, absoluteExpiresAt: { gt: now } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    skip: maxLiveSessionsPerUser,
    select: { id: true },
  });
  if (surplus.length > 0) {
    await db.session.updateMany({
      where: { id: { in: surplus.map((row) => row.id) }, revokedAt: null },
      data: { revokedAt: now, revokedReason: 'session_limit' },
    });
  }
  return session;
}

export type LiveSession = {
  id: string;
  /** When this sign-in last proved a second factor (the step-up check reads it). */
  mfaVerifiedAt: Date | null;
  user: {
    id: string;
    email: string;
    name: string;
    role: 'ADMIN' | 'RESELLER' | 'CUSTOMER';
    customerId: string | null;
    mfaEnabled: boolean;
  };
};

/**
 * The session and its user when the session is still live: not revoked, within its absolute
 * lifetime and idle timeout, and its user not disabled. Activity is recorded at most once per
 * check interval, so a busy user costs one write a minute, not one per request.
 */
export async function getLiveSession(db: DbOrTx, sessionId: string, now = new Date()): Promise<LiveSession | null> {
  const { idleTimeoutSeconds, liveCheckIntervalSeconds } = securityPolicy().session;
  const session = await db.session.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      revokedAt: true,
      lastSeenAt: true,
      absoluteExpiresAt: true,
      mfaVerifiedAt: true,
      user: {
        select: {
          id: true,
          email: true,
          name: true,
          role: true,
          customerId: true,
          disabledAt: true,
          mfa: { select: { confirmedAt: true } },
        },
      },
    },
  });
  if (!session || session.revokedAt || session.user.disabledAt) return null;
  if (session.absoluteExpiresAt <= now) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > idleTimeoutSeconds * 1000) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > liveCheckIntervalSeconds * 1000) {
    await db.session.update({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  const { disabledAt: _disabledAt, mfa, ...user } = session.user;
  return { id: session.id, mfaVerifiedAt: session.mfaVerifiedAt, user: { ...user, mfaEnabled: Boolean(mfa?.confirmedAt) } };
}

export async function revokeSession(db: DbOrTx, sessionId: string, reason: string): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { revokedAt: new Date(), revokedReason: reason } });
}
