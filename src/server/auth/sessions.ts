import { UAParser } from 'ua-parser-js';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { Db, DbOrTx } from '../db';
import { AppError } from '../errors';
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

const SESSION_LIST_FIELDS = {
  id: true,
  deviceLabel: true,
  ip: true,
  userAgent: true,
  createdAt: true,
  lastSeenAt: true,
  absoluteExpiresAt: true,
  mfaVerifiedAt: true,
  revokedAt: true,
  revokedReason: true,
} as const;

/** A user's live sessions, newest first (the sessions page and the admin's user page). */
export async function listLiveSessions(db: DbOrTx, userId: string, now = new Date()) {
  const { idleTimeoutSeconds } = securityPolicy().session;
  return db.session.findMany({
    where: {
      userId,
      revokedAt: null,
      absoluteExpiresAt: { gt: now },
      lastSeenAt: { gt: new Date(now.getTime() - idleTimeoutSeconds * 1000) },
    },
    orderBy: [{ lastSeenAt: 'desc' }, { id: 'desc' }],
    select: SESSION_LIST_FIELDS,
  });
}

type SessionChangeContext = { actor: AuditActor; meta: { ip?: string | null; userAgent?: string | null } };

/** Ends one of the user's own sessions; a session of someone else is NOT_FOUND. */
export async function revokeOwnSession(db: Db, input: { userId: string; sessionId: string }, { actor, meta }: SessionChangeContext) {
  return db.$transaction(async (tx) => {
    const { count } = await tx.session.updateMany({
      where: { id: input.sessionId, userId: input.userId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: 'revoked_by_user' },
    });
    if (count === 0) throw new AppError('NOT_FOUND', 'That session does not exist or has already ended.');
    await recordAuditEvent(tx, { actor, action: 'session.revoke', target: { type: 'session', id: input.sessionId }, ip: meta.ip, userAgent: meta.userAgent });
  });
}

/** "Sign out everywhere else": every live session of the user but the current one. */
export async function revokeOtherSessions(db: Db, input: { userId: string; keepSessionId: string }, { actor, meta }: SessionChangeContext) {
  return db.$transaction(async (tx) => {
    const { count } = await tx.session.updateMany({
      where: { userId: input.userId, revokedAt: null, id: { not: input.keepSessionId } },
      data: { revokedAt: new Date(), revokedReason: 'signed_out_elsewhere' },
    });
    await recordAuditEvent(tx, {
      actor,
      action: 'session.revoke_others',
      target: { type: 'user', id: input.userId },
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { sessionsEnded: count },
    });
    return { sessionsEnded: count };
  });
}

/** An admin ends every session of a user (a lost laptop, a leaving employee). */
export async function revokeAllSessionsOfUser(db: Db, targetUserId: string, { actor, meta }: SessionChangeContext) {
  return db.$transaction(async (tx) => {
    const target = await tx.user.findUnique({ where: { id: targetUserId }, select: { id: true, customerId: true } });
    if (!target) throw new AppError('NOT_FOUND', 'That user does not exist.');
    const { count } = await tx.session.updateMany({
      where: { userId: targetUserId, revokedAt: null },
      data: { revokedAt: new Date(), revokedReason: 'revoked_by_admin' },
    });
    await recordAuditEvent(tx, {
      actor,
      action: 'session.revoke_all',
      target: { type: 'user', id: targetUserId },
      customerId: target.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      severity: 'WARNING',
      metadata: { sessionsEnded: count },
    });
    return { sessionsEnded: count };
  });
}
