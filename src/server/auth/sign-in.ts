import { createHash, randomBytes } from 'node:crypto';
import { recordAuditEvent } from '../audit';
import type { Db, DbOrTx } from '../db';
import { AppError } from '../errors';
import type { RequestMeta } from '../http/request-meta';
import { blockIpAfterRepeatedSignInFailures, findActiveIpBlock, isIpAllowlisted } from '../security/ip-blocks';
import { securityPolicy } from '../security/policy';
import { consumeRateLimit, consumeRateLimits } from '../security/rate-limit';
import { verifySecondFactor } from './mfa';
import { createSession } from './sessions';
import { authenticateWithPassword } from './users';

/**
 * Two-step sign-in. Step one checks the password and answers with an MFA challenge (when MFA
 * is on) or a ticket; step two trades a current code for a ticket; next-auth's credentials
 * provider redeems a ticket, once, for a session. The HTTP answers (403 blocked, 429 limited,
 * 401 wrong) come from these steps, so next-auth never sees a password.
 */

const INCORRECT = 'Incorrect email or password.';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

async function issueChallenge(db: DbOrTx, input: { userId: string; kind: 'mfa' | 'ticket'; ip: string; mfaVerifiedAt?: Date | null }, now: Date) {
  const policy = securityPolicy().signIn;
  const token = randomBytes(32).toString('base64url');
  const lifetime = input.kind === 'mfa' ? policy.challengeLifetimeSeconds : policy.ticketLifetimeSeconds;
  await db.authChallenge.create({
    data: {
      userId: input.userId,
      kind: input.kind,
      tokenHash: hashToken(token),
      ip: input.ip,
      mfaVerifiedAt: input.mfaVerifiedAt ?? null,
      expiresAt: new Date(now.getTime() + lifetime * 1000),
      createdAt: now,
    },
  });
  return token;
}

/** Atomically marks a live challenge of the kind consumed; null when unknown, used or expired. */
async function consumeChallenge(db: DbOrTx, token: string, kind: 'mfa' | 'ticket', now: Date) {
  const tokenHash = hashToken(token);
  const { count } = await db.authChallenge.updateMany({
    where: { tokenHash, kind, consumedAt: null, expiresAt: { gt: now } },
    data: { consumedAt: now },
  });
  if (count !== 1) return null;
  return db.authChallenge.findUnique({ where: { tokenHash }, select: { userId: true, mfaVerifiedAt: true } });
}

async function refuseBlockedIp(db: DbOrTx, ip: string, now: Date) {
  if (isIpAllowlisted(ip)) return;
  const block = await findActiveIpBlock(db, ip, now);
  if (!block) return;
  console.warn(`Sign-in refused: ${ip} is blocked until ${block.expiresAt.toISOString()} (${block.reason}).`);
  throw new AppError('FORBIDDEN', `Sign-in from your network is blocked until ${block.expiresAt.toISOString().slice(11, 16)} UTC after repeated failed attempts.`, {
    retryAfterSeconds: Math.ceil((block.expiresAt.getTime() - now.getTime()) / 1000),
  });
}

function refuseRateLimited(retryAfterSeconds: number): never {
  throw new AppError('RATE_LIMITED', `Too many attempts. Try again in ${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}.`, { retryAfterSeconds });
}

async function recordFailure(db: Db, input: { email: string; userId: string | null; reason: string; meta: RequestMeta }, now: Date) {
  await db.$transaction(async (tx) => {
    await tx.signInAttempt.create({ data: { email: input.email, userId: input.userId, ip: input.meta.ip, success: false, reason: input.reason, createdAt: now } });
    await recordAuditEvent(tx, {
      actor: input.userId ? { type: 'user', id: input.userId, label: input.email } : { type: 'system', label: 'sign-in' },
      action: 'auth.sign_in_failed',
      target: input.userId ? { type: 'user', id: input.userId } : undefined,
      ip: input.meta.ip,
      userAgent: input.meta.userAgent,
      severity: 'WARNING',
      metadata: { email: input.email, reason: input.reason },
    });
  });
  await blockIpAfterRepeatedSignInFailures(db, input.meta.ip, now);
}

export type PasswordStepResult = { next: 'mfa'; challenge: string } | { next: 'session'; ticket: string };

export async function beginPasswordSignIn(db: Db, input: { email: string; password: string }, meta: RequestMeta, now = new Date()): Promise<PasswordStepResult> {
  const email = input.email.trim().toLowerCase();
  await refuseBlockedIp(db, meta.ip, now);
  const limits = await consumeRateLimits([
    { name: 'signInPerIp', identifier: meta.ip },
    { name: 'signInPerAccount', identifier: email },
  ]);
  const refused = limits.find((limit) => !limit.allowed);
  if (refused) refuseRateLimited(Math.max(...limits.map((limit) => limit.retryAfterSeconds)));

  const user = await authenticateWithPassword(db, email, input.password);
  if (!user) {
    const known = await db.user.findUnique({ where: { email }, select: { id: true } });
    await recordFailure(db, { email, userId: known?.id ?? null, reason: 'bad_credentials', meta }, now);
    throw new AppError('UNAUTHORIZED', INCORRECT);
  }
  const mfa = await db.mfaSecret.findUnique({ where: { userId: user.id }, select: { confirmedAt: true } });
  if (mfa?.confirmedAt) return { next: 'mfa', challenge: await issueChallenge(db, { userId: user.id, kind: 'mfa', ip: meta.ip }, now) };
  return { next: 'session', ticket: await issueChallenge(db, { userId: user.id, kind: 'ticket', ip: meta.ip }, now) };
}

/** Step two: a TOTP code or a backup code for the challenge of step one; answers a ticket. */
export async function completeMfaSignIn(db: Db, input: { challenge: string; code: string }, meta: RequestMeta, now = new Date()): Promise<{ ticket: string }> {
  await refuseBlockedIp(db, meta.ip, now);
  const pending = await db.authChallenge.findUnique({
    where: { tokenHash: hashToken(input.challenge) },
    select: { userId: true, kind: true, consumedAt: true, expiresAt: true, user: { select: { email: true } } },
  });
  if (!pending || pending.kind !== 'mfa' || pending.consumedAt || pending.expiresAt <= now) {
    throw new AppError('UNAUTHORIZED', 'This sign-in has expired. Start again with your email and password.');
  }
  const limit = await consumeRateLimit('mfaVerifyPerUser', pending.userId);
  if (!limit.allowed) refuseRateLimited(limit.retryAfterSeconds);

  const factor = await verifySecondFactor(db, pending.userId, input.code);
  if (!factor) {
    await recordFailure(db, { email: pending.user.email, userId: pending.userId, reason: 'bad_mfa_code', meta }, now);
    throw new AppError('UNAUTHORIZED', 'That code is not valid. Check your authenticator app and try again.');
  }
  const consumed = await consumeChallenge(db, input.challenge, 'mfa', now);
  if (!consumed) throw new AppError('UNAUTHORIZED', 'This sign-in has expired. Start again with your email and password.');
  return { ticket: await issueChallenge(db, { userId: pending.userId, kind: 'ticket', ip: meta.ip, mfaVerifiedAt: now }, now) };
}

/** Redeems a ticket, once, for a new server-side session (what next-auth's JWT then carries). */
export async function redeemSignInTicket(db: Db, ticket: string, meta: RequestMeta, now = new Date()) {
  return db.$transaction(async (tx) => {
    const challenge = await consumeChallenge(tx, ticket, 'ticket', now);
    if (!challenge) return null;
    const user = await tx.user.findUnique({ where: { id: challenge.userId }, select: { id: true, email: true, name: true, customerId: true, disabledAt: true } });
    if (!user || user.disabledAt) return null;
    const session = await createSession(tx, { userId: user.id, ip: meta.ip, userAgent: meta.userAgent, mfaVerifiedAt: challenge.mfaVerifiedAt });
    await tx.signInAttempt.create({ data: { email: user.email, userId: user.id, ip: meta.ip, success: true, createdAt: now } });
    await recordAuditEvent(tx, {
      actor: { type: 'user', id: user.id, label: user.email },
      action: 'auth.sign_in',
      target: { type: 'session', id: session.id },
      customerId: user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { mfa: Boolean(challenge.mfaVerifiedAt) },
    });
    return { user: { id: user.id, email: user.email, name: user.name }, sessionId: session.id };
  });
}
