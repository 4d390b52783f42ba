import { createHash, randomBytes } from 'node:crypto';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { Db, Tx } from '../db';
import { getEnv } from '../env';
import { AppError } from '../errors';
import type { RequestMeta } from '../http/request-meta';
import { sendMail } from '../mail';
import { securityPolicy } from '../security/policy';
import { consumeRateLimit } from '../security/rate-limit';
import { hashPassword, verifyPassword } from './passwords';
import { assertAcceptablePassword, recordPasswordInHistory } from './password-policy';

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const INVALID_LINK = 'This link is invalid or has expired. Request a new one.';

/** The answer to every reset request, whether or not the account exists. */
export const RESET_REQUESTED_MESSAGE = 'If an account exists for that email, we have sent a link to reset its password. It is valid for 30 minutes.';

/** Creates a single-use token (stored as its SHA-256 only) and returns the link that carries it. */
export async function createPasswordToken(tx: Tx, userId: string, purpose: 'reset' | 'invite', ip: string | null, now = new Date()) {
  const policy = securityPolicy().passwordReset;
  const token = randomBytes(policy.tokenBytes).toString('base64url');
  const lifetime = purpose === 'reset' ? policy.resetLifetimeSeconds : policy.inviteLifetimeSeconds;
  await tx.passwordResetToken.create({
    data: { userId, purpose, tokenHash: hashToken(token), ip, createdAt: now, expiresAt: new Date(now.getTime() + lifetime * 1000) },
  });
  const path = purpose === 'reset' ? 'reset-password' : 'accept-invite';
  return `${getEnv().APP_URL}/${path}?token=${encodeURIComponent(token)}`;
}

/**
 * Sends a reset link when the account exists and is enabled, at most three times an hour per
 * email. The caller answers RESET_REQUESTED_MESSAGE in every case, so nothing is revealed.
 */
export async function requestPasswordReset(db: Db, email: string, meta: RequestMeta, now = new Date()): Promise<void> {
  const normalised = email.trim().toLowerCase();
  const limit = await consumeRateLimit('passwordResetPerEmail', normalised);
  if (!limit.allowed) {
    console.warn(`Password reset for ${normalised} not sent: over the hourly limit.`);
    return;
  }
  const user = await db.user.findUnique({ where: { email: normalised }, select: { id: true, email: true, name: true, customerId: true, disabledAt: true } });
  if (!user || user.disabledAt) return;
  await db.$transaction(async (tx) => {
    const link = await createPasswordToken(tx, user.id, 'reset', meta.ip, now);
    await sendMail(tx, {
      to: user.email,
      subject: 'Reset your Licensor password',
      text: `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset the password of your Licensor account.\nOpen this link within 30 minutes to choose a new one:\n\n${link}\n\nIf it was not you, ignore this mail: your password stays as it is.\n`,
    });
    await recordAuditEvent(tx, {
      actor: { type: 'user', id: user.id, label: user.email },
      action: 'auth.password_reset_requested',
      target: { type: 'user', id: user.id },
      customerId: user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  });
}

/** Stores a password the caller has already checked with assertAcceptablePassword. */
async function storePassword(tx: Tx, userId: string, password: string, now: Date) {
  const passwordHash = await hashPassword(password);
  await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: now } });
  await recordPasswordInHistory(tx, userId, passwordHash);
}

/** Sets a new password from a reset or invitation link; the link works once, and every session ends. */
export async function resetPasswordWithToken(db: Db, input: { token: string; password: string }, meta: RequestMeta, now = new Date()) {
  // The policy (which may wait on the breach check) runs before the transaction opens.
  // A spent, expired or unknown link is refused before the policy runs, so the history check
  // cannot be used to test a user's old passwords.
  const holder = await db.passwordResetToken.findUnique({
    where: { tokenHash: hashToken(input.token) },
    select: { usedAt: true, expiresAt: true, user: { select: { id: true, email: true, name: true, disabledAt: true } } },
  });
  if (!holder || holder.usedAt || holder.expiresAt <= now || holder.user.disabledAt) throw new AppError('BAD_REQUEST', INVALID_LINK);
  await assertAcceptablePassword(db, { password: input.password, email: holder.user.email, name: holder.user.name, userId: holder.user.id });
  return db.$transaction(async (tx) => {
    const record = await tx.passwordResetToken.findUnique({
      where: { tokenHash: hashToken(input.token) },
      select: { id: true, purpose: true, usedAt: true, expiresAt: true, user: { select: { id: true, email: true, name: true, customerId: true, disabledAt: true } } },
    });
    if (!record || record.usedAt || record.expiresAt <= now || record.user.disabledAt) throw new AppError('BAD_REQUEST', INVALID_LINK);
    const claimed = await tx.passwordResetToken.updateMany({ where: { id: record.id, usedAt: null }, data: { usedAt: now } });
    if (claimed.count !== 1) throw new AppError('BAD_REQUEST', INVALID_LINK);
    await storePassword(tx, record.user.id, input.password, now);
    await tx.session.updateMany({ where: { userId: record.user.id, revokedAt: null }, data: { revokedAt: now, revokedReason: 'password_reset' } });
    await recordAuditEvent(tx, {
      actor: { type: 'user', id: record.user.id, label: record.user.email },
      action: record.purpose === 'invite' ? 'auth.invitation_accepted' : 'auth.password_reset',
      target: { type: 'user', id: record.user.id },
      customerId: record.user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      severity: 'WARNING',
    });
    return { email: record.user.email };
  });
}

/** True when the session proved a second factor recently enough for a sensitive change. */
export function hasRecentStepUp(session: { mfaVerifiedAt: Date | null }, now = new Date()): boolean {
  const window = securityPolicy().session.stepUpWindowSeconds * 1000;
  return session.mfaVerifiedAt !== null && now.getTime() - session.mfaVerifiedAt.getTime() <= window;
}

export const STEP_UP_REQUIRED = 'Confirm with your authenticator code first.';

/**
 * Changes the signed-in user's password: the current password, a recent MFA step-up when MFA
 * is on, and the full policy. Every other session of the user ends.
 */
export async function changePassword(
  db: Db,
  input: { session: { id: string; mfaVerifiedAt: Date | null }; userId: string; currentPassword: string; newPassword: string },
  actor: AuditActor,
  meta: RequestMeta,
  now = new Date(),
) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: input.userId },
    select: { id: true, email: true, name: true, customerId: true, passwordHash: true, mfa: { select: { confirmedAt: true } } },
  });
  if (user.mfa?.confirmedAt && !hasRecentStepUp(input.session, now)) throw new AppError('PRECONDITION_FAILED', STEP_UP_REQUIRED);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError('BAD_REQUEST', 'Your current password is not correct.', { field: 'currentPassword' });
  }
  await assertAcceptablePassword(db, { password: input.newPassword, email: user.email, name: user.name, userId: user.id }).catch((error: unknown) => {
    // The change form calls the field newPassword.
    throw error instanceof AppError ? new AppError(error.code, error.message, { ...error.details, field: 'newPassword' }) : error;
  });
  return db.$transaction(async (tx) => {
    await storePassword(tx, user.id, input.newPassword, now);
    const revoked = await tx.session.updateMany({
      where: { userId: user.id, revokedAt: null, id: { not: input.session.id } },
      data: { revokedAt: now, revokedReason: 'password_changed' },
    });
    await recordAuditEvent(tx, {
      actor,
      action: 'auth.password_change',
      target: { type: 'user', id: user.id },
      customerId: user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { otherSessionsEnded: revoked.count },
    });
  });
}
