import { createHash } from 'node:crypto';
import { MIN_PASSWORD_STRENGTH_SCORE, passwordProblems, passwordUserInputs } from '@/lib/password-rules';
import { COMMON_PASSWORD_PROBLEM, estimatePasswordStrength, isCommonPassword } from '@/lib/password-strength';
import type { DbOrTx } from '../db';
import { AppError } from '../errors';
import { securityPolicy, type SecurityPolicy } from '../security/policy';
import { verifyPassword } from './passwords';

type PasswordPolicy = SecurityPolicy['password'];
export type BreachCheckSettings = PasswordPolicy['breachCheck'];

export type PasswordCandidate = {
  password: string;
  email?: string | null;
  name?: string | null;
  /** Set when an existing user changes their password: their history is checked too. */
  userId?: string | null;
};

function refuse(message: string): AppError {
  return new AppError('BAD_REQUEST', message, { field: 'password' });
}

/**
 * Throws BAD_REQUEST (field `password`) unless the password passes every rule of the policy, the
 * cheap ones first: the local rules, the common-password list, a zxcvbn score of at least 3, the
 * user's last `historyDepth` passwords, then the breach check when it is enabled. `policy` is
 * there for tests; callers use the configured one.
 */
export async function assertAcceptablePassword(
  db: DbOrTx,
  { password, email, name, userId }: PasswordCandidate,
  policy: PasswordPolicy = securityPolicy().password,
): Promise<void> {
  const problems = passwordProblems(password, { email, name, requireCharacterClasses: policy.requireCharacterClasses });
  if (problems.length > 0) throw refuse(problems.join(' '));
  if (isCommonPassword(password)) throw refuse(COMMON_PASSWORD_PROBLEM);
  const strength = estimatePasswordStrength(password, passwordUserInputs({ email, name }));
  if (strength.score < MIN_PASSWORD_STRENGTH_SCORE) {
    throw refuse(['This password is too easy to guess.', strength.warning, ...strength.suggestions].filter(Boolean).join(' '));
  }
  if (userId && (await isRecentPassword(db, userId, password, policy.historyDepth))) {
    throw refuse(`Choose a password you have not used for your last ${policy.historyDepth} passwords.`);
  }
  if (await isBreachedPassword(password, policy.breachCheck)) {
    throw refuse('This password has appeared in a data breach. Choose another.');
  }
}

/** Newest first, so a user reusing their latest password is told after one argon2 verification. */
async function isRecentPassword(db: DbOrTx, userId: string, password: string, historyDepth: number): Promise<boolean> {
  const history = await db.passwordHistory.findMany({
    where: { userId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: historyDepth,
    select: { passwordHash: true },
  });
  for (const entry of history) {
    if (await verifyPassword(entry.passwordHash, password)) return true;
  }
  return false;
}

/** Records a new password hash and forgets those older than the last `historyDepth`. */
export async function recordPasswordInHistory(
  tx: DbOrTx,
  userId: string,
  passwordHash: string,
  historyDepth: number = securityPolicy().password.historyDepth,
): Promise<void> {
  // An explicit time: PostgreSQL's now() is the transaction's start, the same for every row it writes.
  await tx.passwordHistory.create({ data: { userId, passwordHash, createdAt: new Date() } });
  const forgotten = await tx.passwordHistory.findMany({
    where: { userId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    skip: historyDepth,
    select: { id: true },
  });
  if (forgotten.length > 0) await tx.passwordHistory.deleteMany({ where: { id: { in: forgotten.map((entry) => entry.id) } } });
}

/**
 * Asks the Have I Been Pwned range API whether the password appears in a known breach, with
 * k-anonymity: only the first 5 hex digits of its SHA-1 leave the server, and padding hides the
 * answer's size. Fails open: when the API errs or does not answer within `timeoutMs`, it logs a
 * warning and answers false, so an outage never blocks sign-ups or password changes.
 */
export async function isBreachedPassword(
  password: string,
  settings: BreachCheckSettings = securityPolicy().password.breachCheck,
): Promise<boolean> {
  if (!settings.enabled) return false;
  const digest = createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
  const prefix = digest.slice(0, 5);
  const suffix = digest.slice(5);
  try {
    const response = await fetch(`${settings.apiUrl}/range/${prefix}`, {
      headers: { 'Add-Padding': 'true' },
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    if (!response.ok) throw new Error(`the API answered HTTP ${response.status}`);
    const body = await response.text();
    return body.split('\n').some((line) => {
      const [lineSuffix, count] = line.trim().split(':');
      // Padding lines carry a count of 0.
      return lineSuffix?.toUpperCase() === suffix && Number(count) > 0;
    });
  } catch (error) {
    console.warn(`Password breach check skipped (${breachCheckFailure(error, settings.timeoutMs)}); the password is accepted without it.`);
    return false;
  }
}

/** Why the breach check failed, for the log; never the password or its hash. */
function breachCheckFailure(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? `${error.message}: ${cause.code}` : error.message;
}
