import { randomBytes } from 'node:crypto';
import type { Prisma } from '@/generated/prisma/client';
import type { Role } from '@/generated/prisma/enums';
import { recordAuditEvent, type AuditActor } from '../audit';
import { isUniqueViolation, type Db, type DbOrTx } from '../db';
import { AppError } from '../errors';
import { sendMail } from '../mail';
import { hashPassword } from './passwords';
import { createPasswordToken } from './password-reset';
import type { RequestMeta } from './users';

/** Admin management of users: list, invite, change role, disable. */

export type UserListFilter = { search?: string; role?: Role; status?: 'active' | 'disabled'; cursor?: string; limit?: number };

/** One page of users, newest first, with a cursor for the next page (ids are time-ordered). */
export async function listUsers(db: DbOrTx, filter: UserListFilter) {
  const limit = filter.limit ?? 25;
  const search = filter.search?.trim();
  const where: Prisma.UserWhereInput = {
    ...(filter.role ? { role: filter.role } : {}),
    ...(filter.status === 'active' ? { disabledAt: null } : filter.status === 'disabled' ? { disabledAt: { not: null } } : {}),
    ...(search
      ? { OR: [{ email: { contains: search, mode: 'insensitive' } }, { name: { contains: search, mode: 'insensitive' } }, { customer: { name: { contains: search, mode: 'insensitive' } } }] }
      : {}),
  };
  const rows = await db.user.findMany({
    where,
    orderBy: { id: 'desc' },
    take: limit + 1,
    ...(filter.cursor ? { cursor: { id: filter.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabledAt: true,
      createdAt: true,
      customer: { select: { id: true, name: true } },
      mfa: { select: { confirmedAt: true } },
      sessions: { where: { revokedAt: null, absoluteExpiresAt: { gt: new Date() } }, select: { lastSeenAt: true }, orderBy: { lastSeenAt: 'desc' }, take: 1 },
    },
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map(({ mfa, sessions, ...user }) => ({ ...user, mfaEnabled: Boolean(mfa?.confirmedAt), lastSeenAt: sessions[0]?.lastSeenAt ?? null })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

export async function getUserForAdmin(db: DbOrTx, userId: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabledAt: true,
      createdAt: true,
      passwordChangedAt: true,
      customer: { select: { id: true, name: true } },
      mfa: { select: { confirmedAt: true } },
      signInAttempts: { orderBy: { createdAt: 'desc' }, take: 10, select: { id: true, ip: true, success: true, reason: true, createdAt: true } },
    },
  });
  if (!user) throw new AppError('NOT_FOUND', 'That user does not exist.');
  const { mfa, signInAttempts, ...rest } = user;
  return { ...rest, mfaEnabled: Boolean(mfa?.confirmedAt), recentSignIns: signInAttempts.map((attempt) => ({ ...attempt, id: attempt.id.toString() })) };
}

async function assertCustomerExists(db: DbOrTx, role: Role, customerId: string | null | undefined) {
  if (role !== 'CUSTOMER') return null;
  const customer = customerId ? await db.customer.findUnique({ where: { id: customerId }, select: { id: true } }) : null;
  if (!customer) throw new AppError('BAD_REQUEST', 'Choose the customer this user belongs to.', { field: 'customerId' });
  return customer.id;
}

/**
 * Invites a user by email: the account exists with an unusable password until the invitee
 * opens the link (valid 3 days) and chooses one under the password policy.
 */
export async function inviteUser(
  db: Db,
  input: { email: string; name: string; role: Role; customerId?: string | null },
  actor: AuditActor,
  meta: RequestMeta = {},
) {
  const customerId = await assertCustomerExists(db, input.role, input.customerId);
  const unusablePasswordHash = await hashPassword(randomBytes(32).toString('base64url'));
  return db.$transaction(async (tx) => {
    const user = await tx.user
      .create({
        data: { email: input.email.trim().toLowerCase(), name: input.name.trim(), role: input.role, customerId, passwordHash: unusablePasswordHash },
        select: { id: true, email: true, name: true, role: true, customerId: true },
      })
      .catch((error: unknown) => {
        if (isUniqueViolation(error)) throw new AppError('CONFLICT', 'A user with this email already exists.', { field: 'email' });
        throw error;
      });
    const link = await createPasswordToken(tx, user.id, 'invite', meta.ip ?? null);
    await sendMail(tx, {
      to: user.email,
      subject: 'You are invited to Licensor',
      text: `Hello ${user.name},\n\nYou have been invited to Licensor as ${user.role.toLowerCase()}.\nOpen this link within 3 days to choose your password:\n\n${link}\n`,
    });
    await recordAuditEvent(tx, {
      actor,
      action: 'user.invite',
      target: { type: 'user', id: user.id },
      customerId: user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { email: user.email, role: user.role },
    });
    return user;
  });
}

/** Changes another user's role. Nobody changes their own role (an admin cannot demote itself). */
export async function changeUserRole(
  db: Db,
  input: { actingUserId: string; userId: string; role: Role; customerId?: string | null },
  actor: AuditActor,
  meta: RequestMeta = {},
) {
  if (input.actingUserId === input.userId) throw new AppError('FORBIDDEN', 'You cannot change your own role.');
  const customerId = await assertCustomerExists(db, input.role, input.customerId);
  return db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: input.userId }, select: { role: true, customerId: true } });
    if (!before) throw new AppError('NOT_FOUND', 'That user does not exist.');
    const user = await tx.user.update({ where: { id: input.userId }, data: { role: input.role, customerId }, select: { id: true, role: true, customerId: true } });
    await recordAuditEvent(tx, {
      actor,
      action: 'user.change_role',
      target: { type: 'user', id: user.id },
      customerId: user.customerId ?? before.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      severity: 'WARNING',
      metadata: { from: before.role, to: user.role },
    });
    return user;
  });
}

/** Disables (ending every session at once) or re-enables another user. Nobody disables itself. */
export async function setUserDisabled(
  db: Db,
  input: { actingUserId: string; userId: string; disabled: boolean },
  actor: AuditActor,
  meta: RequestMeta = {},
) {
  if (input.actingUserId === input.userId) throw new AppError('FORBIDDEN', 'You cannot disable your own account.');
  return db.$transaction(async (tx) => {
    const now = new Date();
    const user = await tx.user
      .update({ where: { id: input.userId }, data: { disabledAt: input.disabled ? now : null }, select: { id: true, disabledAt: true, customerId: true } })
      .catch((error: unknown) => {
        if ((error as { code?: string }).code === 'P2025') throw new AppError('NOT_FOUND', 'That user does not exist.');
        throw error;
      });
    if (input.disabled) {
      await tx.session.updateMany({ where: { userId: user.id, revokedAt: null }, data: { revokedAt: now, revokedReason: 'user_disabled' } });
    }
    await recordAuditEvent(tx, {
      actor,
      action: input.disabled ? 'user.disable' : 'user.enable',
      target: { type: 'user', id: user.id },
      customerId: user.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      severity: 'WARNING',
    });
    return user;
  });
}

/** The signed-in user changes its display name. */
export async function updateProfile(db: Db, input: { userId: string; name: string }, actor: AuditActor, meta: RequestMeta = {}) {
  return db.$transaction(async (tx) => {
    const user = await tx.user.update({ where: { id: input.userId }, data: { name: input.name.trim() }, select: { id: true, name: true, customerId: true } });
    await recordAuditEvent(tx, { actor, action: 'user.update_profile', target: { type: 'user', id: user.id }, customerId: user.customerId, ip: meta.ip, userAgent: meta.userAgent });
    return user;
  });
}
