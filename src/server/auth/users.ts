import type { Role } from '@/generated/prisma/enums';
import { recordAuditEvent, type AuditActor } from '../audit';
import { isUniqueViolation, type Db, type DbOrTx, type Tx } from '../db';
import { AppError } from '../errors';
import { assertAcceptablePassword, recordPasswordInHistory } from './password-policy';
import { burnPasswordVerification, hashPassword, verifyPassword } from './passwords';

export type RequestMeta = { ip?: string | null; userAgent?: string | null };

export type CreateUserInput = {
  email: string;
  name: string;
  role: Role;
  password: string;
  customerId?: string | null;
};

/** The caller has already checked the password with assertAcceptablePassword, outside the transaction. */
async function insertUser(tx: Tx, input: CreateUserInput) {
  const passwordHash = await hashPassword(input.password);
  const user = await tx.user
    .create({
      data: {
        email: input.email.trim().toLowerCase(),
        name: input.name.trim(),
        role: input.role,
        passwordHash,
        customerId: input.customerId ?? null,
      },
      select: { id: true, email: true, name: true, role: true, customerId: true, createdAt: true },
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', 'A user with this email already exists.', { field: 'email' });
      throw error;
    });
  await recordPasswordInHistory(tx, user.id, passwordHash);
  return user;
}

/** Creates a user with a hashed password and records `user.create` in the same transaction. */
export async function createUser(db: Db, input: CreateUserInput, actor: AuditActor, meta: RequestMeta = {}) {
  // Before the transaction: the breach check may wait on the network.
  await assertAcceptablePassword(db, input);
  return db.$transaction(async (tx) => {
    const user = await insertUser(tx, input);
    if (input.role === 'ADMIN') await markInstallationComplete(tx, user.id);
    await recordAuditEvent(tx, {
      actor,
      action: 'user.create',
      target: { type: 'user', id: user.id },
      customerId: user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { email: user.email, role: user.role },
    });
    return user;
  });
}

/** An admin created any way (setup page or CLI) completes first-run setup. */
async function markInstallationComplete(tx: Tx, adminId: string) {
  await tx.installation.createMany({ data: [{ id: 1, adminId }], skipDuplicates: true });
}

export async function isSetupComplete(db: DbOrTx): Promise<boolean> {
  const installation = await db.installation.findUnique({ where: { id: 1 }, select: { id: true } });
  return installation !== null;
}

/**
 * First-run setup: creates the first admin exactly once. The Installation row's primary key
 * makes concurrent attempts safe: one commits, the others get CONFLICT.
 */
export async function completeFirstRunSetup(
  db: Db,
  input: { name: string; email: string; password: string },
  meta: RequestMeta = {},
) {
  const alreadyDone = () => new AppError('CONFLICT', 'Setup is already complete. Sign in instead.');
  if (await isSetupComplete(db)) throw alreadyDone();
  await assertAcceptablePassword(db, input);
  try {
    return await db.$transaction(async (tx) => {
      const user = await insertUser(tx, { ...input, role: 'ADMIN' });
      await tx.installation.create({ data: { id: 1, adminId: user.id } });
      await recordAuditEvent(tx, {
        actor: { type: 'user', id: user.id, label: user.email },
        action: 'setup.complete',
        target: { type: 'user', id: user.id },
        ip: meta.ip,
        userAgent: meta.userAgent,
        severity: 'WARNING',
        metadata: { email: user.email },
      });
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyDone();
    if (error instanceof AppError && error.code === 'CONFLICT' && (await isSetupComplete(db))) throw alreadyDone();
    throw error;
  }
}

export type AuthenticatedUser = { id: string; email: string; name: string; role: Role; customerId: string | null };

/**
 * Checks an email and password. Unknown email, wrong password and disabled account all return
 * null after the same amount of hashing work, so neither the answer nor its timing tells them apart.
 */
export async function authenticateWithPassword(db: DbOrTx, email: string, password: string): Promise<AuthenticatedUser | null> {
  const user = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, email: true, name: true, role: true, customerId: true, passwordHash: true, disabledAt: true },
  });
  if (!user) {
    await burnPasswordVerification(password);
    return null;
  }
  const matches = await verifyPassword(user.passwordHash, password);
  if (!matches || user.disabledAt) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, customerId: user.customerId };
}
