import { createHmac, hkdfSync, randomInt } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import { recordAuditEvent, type AuditActor } from '../audit';
import { decryptSecret, encryptSecret, encryptionKeyFromEnv } from '../crypto/secretbox';
import type { Db, DbOrTx } from '../db';
import { AppError } from '../errors';
import { securityPolicy } from '../security/policy';
import { hasRecentStepUp, STEP_UP_REQUIRED } from './password-reset';
import { verifyPassword } from './passwords';
import type { RequestMeta } from './users';
import type { MfaStatus, StepUpResult, TotpEnrolment } from '@/lib/schemas/mfa';

/**
 * Two-factor authentication: TOTP (RFC 6238) with an encrypted secret and a replay guard, and
 * single-use backup codes stored as peppered hashes. Callers rate-limit verification.
 */

const ISSUER = 'Licensor';
// RFC 4226 section 4 recommends a 160-bit shared secret.
const SECRET_BYTES = 20;
// Upper-case letters and digits without 0/O, 1/I/L, which read alike when copied from paper.
const BACKUP_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
// Fixed HKDF label: the pepper is tied to ENCRYPTION_KEY yet independent of its use for encryption.
const BACKUP_CODE_PEPPER_INFO = 'licensor/backup-code-pepper/v1';

export type SecondFactorMethod = StepUpResult['method'];

/** The otplib options every TOTP code is generated and checked with. */
export function totpOptions() {
  const { digits, periodSeconds } = securityPolicy().mfa;
  return { algorithm: 'sha1', digits, period: periodSeconds } as const;
}

const wrongCode = () => new AppError('BAD_REQUEST', 'That code is not correct or was already used.', { field: 'code' });
const alreadyEnabled = () => new AppError('CONFLICT', 'Two-factor authentication is already on.');
const notEnabled = () => new AppError('CONFLICT', 'Two-factor authentication is not on.');

function compactCode(code: string): string {
  return code.replace(/\s+/g, '');
}

function looksLikeTotpCode(code: string): boolean {
  return new RegExp(`^\\d{${securityPolicy().mfa.digits}}$`).test(code);
}

/**
 * The time step of `code` when it is valid at `now`, within the allowed drift and later than
 * `afterStep` (the last step accepted); null otherwise.
 */
export async function matchTotpStep(
  secret: string,
  code: string,
  { now = new Date(), afterStep = null }: { now?: Date; afterStep?: bigint | null } = {},
): Promise<number | null> {
  const token = compactCode(code);
  if (!looksLikeTotpCode(token)) return null;
  const { periodSeconds, driftSteps } = securityPolicy().mfa;
  const epoch = Math.floor(now.getTime() / 1000);
  const epochTolerance = driftSteps * periodSeconds;
  // A last step beyond the window (a clock turned back, or another instance's clock ahead) leaves
  // nothing to accept; otplib would throw on it rather than answer invalid.
  if (afterStep !== null && afterStep > BigInt(Math.floor((epoch + epochTolerance) / periodSeconds))) return null;
  const result = await verify({
    ...totpOptions(),
    secret,
    token,
    epoch,
    epochTolerance,
    afterTimeStep: afterStep === null ? undefined : Number(afterStep),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}

async function describeEnrolment(secret: string, email: string): Promise<TotpEnrolment> {
  const otpauthUri = generateURI({ ...totpOptions(), issuer: ISSUER, label: email, secret });
  const qrSvg = await QRCode.toString(otpauthUri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 208 });
  return { secret, otpauthUri, qrSvg };
}

/**
 * Starts (or restarts) TOTP enrolment: a new secret, stored encrypted and unconfirmed until a
 * code proves the authenticator has it. Replaces an earlier unconfirmed secret.
 */
export async function beginTotpEnrolment(db: DbOrTx, user: { id: string; email: string }): Promise<TotpEnrolment> {
  const secret = generateSecret({ length: SECRET_BYTES });
  const encryptedSecret = encryptSecret(secret);
  const replacePending = async () =>
    (
      await db.mfaSecret.updateMany({
        where: { userId: user.id, confirmedAt: null },
        data: { encryptedSecret, lastUsedStep: null, createdAt: new Date() },
      })
    ).count === 1;
  // ON CONFLICT DO NOTHING rather than catching a unique violation, which would abort a caller's transaction.
  const created = async () => (await db.mfaSecret.createMany({ data: [{ userId: user.id, encryptedSecret }], skipDuplicates: true })).count === 1;
  // The second replace covers a concurrent request that created the pending row first.
  if (!(await replacePending()) && !(await created()) && !(await replacePending())) throw alreadyEnabled();
  return describeEnrolment(secret, user.email);
}

/** The unconfirmed enrolment in progress, so reloading the page shows the secret already scanned. */
export async function pendingTotpEnrolment(db: DbOrTx, user: { id: string; email: string }): Promise<TotpEnrolment | null> {
  const pending = await db.mfaSecret.findFirst({ where: { userId: user.id, confirmedAt: null }, select: { encryptedSecret: true } });
  return pending ? describeEnrolment(decryptSecret(pending.encryptedSecret), user.email) : null;
}

function loadUserWithMfa(db: DbOrTx, userId: string) {
  return db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      customerId: true,
      passwordHash: true,
      mfa: { select: { encryptedSecret: true, confirmedAt: true } },
    },
  });
}

/**
 * Turns MFA on when `code` is valid for the pending secret, and returns the first backup codes
 * (shown once). The accepted code's step is recorded so it cannot be used again.
 */
export async function confirmTotpEnrolment(
  db: Db,
  userId: string,
  code: string,
  actor: AuditActor,
  meta: RequestMeta = {},
): Promise<{ backupCodes: string[] }> {
  const user = await loadUserWithMfa(db, userId);
  if (!user) throw new AppError('NOT_FOUND', 'No such user.');
  if (!user.mfa) throw new AppError('PRECONDITION_FAILED', 'Start the set-up first: no authenticator is waiting for confirmation.');
  if (user.mfa.confirmedAt) throw alreadyEnabled();
  const { encryptedSecret } = user.mfa;
  const step = await matchTotpStep(decryptSecret(encryptedSecret), code);
  if (step === null) throw wrongCode();
  const backupCodes = newBackupCodes();
  await db.$transaction(async (tx) => {
    const confirmed = await tx.mfaSecret.updateMany({
      // The same secret the code was checked against: a restart in another tab makes this one stale.
      where: { userId, confirmedAt: null, encryptedSecret },
      data: { confirmedAt: new Date(), lastUsedStep: BigInt(step) },
    });
    if (confirmed.count !== 1) {
      throw new AppError('CONFLICT', 'The set-up was changed in another window. Reload the page and scan the code shown.');
    }
    await replaceBackupCodes(tx, userId, backupCodes);
    await recordAuditEvent(tx, {
      actor,
      action: 'mfa.enable',
      target: { type: 'user', id: userId },
      customerId: user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      // Key names with "backupCode" in them are redacted as secrets, hence codesIssued.
      metadata: { method: 'totp', codesIssued: backupCodes.length },
    });
  });
  return { backupCodes: backupCodes.map(formatBackupCode) };
}

/**
 * Checks a TOTP code of a user with MFA on. A code is accepted once: its time step must be later
 * than the last one accepted, and the conditional update lets only one of two concurrent uses pass.
 */
export async function verifyTotpCode(db: DbOrTx, userId: string, code: string, now = new Date()): Promise<boolean> {
  const secret = await db.mfaSecret.findUnique({ where: { userId }, select: { encryptedSecret: true, confirmedAt: true, lastUsedStep: true } });
  if (!secret?.confirmedAt) return false;
  const step = await matchTotpStep(decryptSecret(secret.encryptedSecret), code, { now, afterStep: secret.lastUsedStep });
  if (step === null) return false;
  const claimed = await db.mfaSecret.updateMany({
    where: {
      userId,
      encryptedSecret: secret.encryptedSecret,
      confirmedAt: { not: null },
      OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: BigInt(step) } }],
    },
    data: { lastUsedStep: BigInt(step) },
  });
  return claimed.count === 1;
}

/** Like verifyTotpCode, but a wrong or replayed code is an error for the form's code field. */
export async function requireTotpCode(db: DbOrTx, userId: string, code: string): Promise<void> {
  if (!(await verifyTotpCode(db, userId, code))) throw wrongCode();
}

/** Backup codes for display: `ABCD-EFGH`. */
export function formatBackupCode(code: string): string {
  const half = Math.ceil(code.length / 2);
  return `${code.slice(0, half)}-${code.slice(half)}`;
}

/** The code as stored: spaces and dashes removed, upper case; null when it cannot be a backup code. */
export function normaliseBackupCode(input: string): string | null {
  const code = input.replace(/[\s-]+/g, '').toUpperCase();
  const { backupCodeLength } = securityPolicy().mfa;
  return code.length === backupCodeLength && [...code].every((char) => BACKUP_CODE_ALPHABET.includes(char)) ? code : null;
}

function newBackupCodes(): string[] {
  const { backupCodeCount, backupCodeLength } = securityPolicy().mfa;
  const codes = new Set<string>();
  while (codes.size < backupCodeCount) {
    codes.add(Array.from({ length: backupCodeLength }, () => BACKUP_CODE_ALPHABET[randomInt(BACKUP_CODE_ALPHABET.length)]).join(''));
  }
  return [...codes];
}

/**
 * HMAC-SHA256 under a pepper derived from ENCRYPTION_KEY: about 40 bits per code would fall to a
 * brute force of a leaked table of plain hashes, but not without the server's key.
 */
function hashBackupCode(code: string): string {
  const pepper = Buffer.from(hkdfSync('sha256', encryptionKeyFromEnv(), Buffer.alloc(0), BACKUP_CODE_PEPPER_INFO, 32));
  return createHmac('sha256', pepper).update(code).digest('hex');
}

async function replaceBackupCodes(tx: DbOrTx, userId: string, codes: string[]): Promise<void> {
  await tx.backupCode.deleteMany({ where: { userId } });
  await tx.backupCode.createMany({ data: codes.map((code) => ({ userId, codeHash: hashBackupCode(code) })) });
}

/** Accepts an unused backup code once; marking it used is one conditional update, so a race cannot use it twice. */
export async function verifyBackupCode(db: DbOrTx, userId: string, code: string): Promise<boolean> {
  const normalised = normaliseBackupCode(code);
  if (!normalised) return false;
  const used = await db.backupCode.updateMany({
    where: { userId, codeHash: hashBackupCode(normalised), usedAt: null },
    data: { usedAt: new Date() },
  });
  return used.count > 0;
}

/** A TOTP code (all digits) or else a backup code; the method that matched, or null. */
export async function verifySecondFactor(db: DbOrTx, userId: string, code: string): Promise<SecondFactorMethod | null> {
  if (looksLikeTotpCode(compactCode(code))) return (await verifyTotpCode(db, userId, code)) ? 'totp' : null;
  return (await verifyBackupCode(db, userId, code)) ? 'backup_code' : null;
}

/** Replaces every backup code with new ones, returned once for display. */
export async function regenerateBackupCodes(db: Db, userId: string, actor: AuditActor, meta: RequestMeta = {}): Promise<string[]> {
  const user = await loadUserWithMfa(db, userId);
  if (!user?.mfa?.confirmedAt) throw notEnabled();
  const backupCodes = newBackupCodes();
  await db.$transaction(async (tx) => {
    await replaceBackupCodes(tx, userId, backupCodes);
    await recordAuditEvent(tx, {
      actor,
      action: 'mfa.backup_codes.regenerate',
      target: { type: 'user', id: userId },
      customerId: user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { codesIssued: backupCodes.length },
    });
  });
  return backupCodes.map(formatBackupCode);
}

export function backupCodesRemaining(db: DbOrTx, userId: string): Promise<number> {
  return db.backupCode.count({ where: { userId, usedAt: null } });
}

export async function mfaStatus(db: DbOrTx, userId: string): Promise<MfaStatus> {
  const [secret, remaining] = await Promise.all([
    db.mfaSecret.findUnique({ where: { userId }, select: { confirmedAt: true } }),
    backupCodesRemaining(db, userId),
  ]);
  return {
    enabled: Boolean(secret?.confirmedAt),
    pending: Boolean(secret && !secret.confirmedAt),
    enabledAt: secret?.confirmedAt ?? null,
    backupCodesRemaining: remaining,
  };
}

/** Turns MFA off; needs the current password and a current TOTP code (a backup code is not enough). */
export async function disableMfa(
  db: Db,
  input: { userId: string; password: string; code: string },
  actor: AuditActor,
  meta: RequestMeta = {},
): Promise<void> {
  const user = await loadUserWithMfa(db, input.userId);
  if (!user) throw new AppError('NOT_FOUND', 'No such user.');
  if (!user.mfa?.confirmedAt) throw notEnabled();
  // The password first, so a wrong password does not spend the code.
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    throw new AppError('BAD_REQUEST', 'That password is not correct.', { field: 'password' });
  }
  await db.$transaction(async (tx) => {
    await requireTotpCode(tx, user.id, input.code);
    await removeMfa(tx, user.id);
    await recordAuditEvent(tx, {
      actor,
      action: 'mfa.disable',
      target: { type: 'user', id: user.id },
      customerId: user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  });
}

async function removeMfa(tx: DbOrTx, userId: string): Promise<void> {
  await tx.mfaSecret.deleteMany({ where: { userId } });
  await tx.backupCode.deleteMany({ where: { userId } });
}

/**
 * An admin removes another user's MFA (a lost authenticator without backup codes). Needs the
 * admin's own recent step-up; the user's sessions are left alone.
 */
export async function adminResetMfa(
  db: Db,
  input: { adminSession: { userId: string; mfaVerifiedAt: Date | null }; targetUserId: string },
  actor: AuditActor,
  meta: RequestMeta = {},
  now = new Date(),
): Promise<void> {
  if (!hasRecentStepUp(input.adminSession, now)) throw new AppError('PRECONDITION_FAILED', STEP_UP_REQUIRED);
  if (input.targetUserId === input.adminSession.userId) {
    throw new AppError('FORBIDDEN', 'Turn off your own two-factor authentication on your account page.');
  }
  const target = await loadUserWithMfa(db, input.targetUserId);
  if (!target) throw new AppError('NOT_FOUND', 'No such user.');
  if (!target.mfa) throw new AppError('CONFLICT', 'This user has not set up two-factor authentication.');
  await db.$transaction(async (tx) => {
    await removeMfa(tx, target.id);
    await recordAuditEvent(tx, {
      actor,
      action: 'mfa.reset_by_admin',
      target: { type: 'user', id: target.id },
      customerId: target.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      severity: 'WARNING',
      metadata: { email: target.email, wasEnabled: Boolean(target.mfa?.confirmedAt) },
    });
  });
}

/** Records that the session just proved a second factor (the step-up). */
export async function markSessionMfaVerified(db: DbOrTx, sessionId: string, at = new Date()): Promise<void> {
  await db.session.updateMany({ where: { id: sessionId, revokedAt: null }, data: { mfaVerifiedAt: at } });
}

/** Step-up of a signed-in session with a TOTP or backup code, audited with the method used. */
export async function stepUpSession(
  db: Db,
  input: { sessionId: string; userId: string; code: string },
  actor: AuditActor,
  meta: RequestMeta = {},
): Promise<SecondFactorMethod> {
  return db.$transaction(async (tx) => {
    const method = await verifySecondFactor(tx, input.userId, input.code);
    if (!method) throw wrongCode();
    await markSessionMfaVerified(tx, input.sessionId);
    const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId }, select: { customerId: true } });
    await recordAuditEvent(tx, {
      actor,
      action: 'mfa.step_up',
      target: { type: 'session', id: input.sessionId },
      customerId: user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { method, ...(method === 'backup_code' ? { codesLeft: await backupCodesRemaining(tx, input.userId) } : {}) },
    });
    return method;
  });
}
