import type { Prisma } from '@/generated/prisma/client';
import type { LicenseStatus } from '@/generated/prisma/enums';
import { recordAuditEvent, type AuditActor } from '../audit';
import { encryptSecret } from '../crypto/secretbox';
import type { Db, DbOrTx, Tx } from '../db';
import { AppError } from '../errors';
import { consumeRateLimit } from '../security/rate-limit';
import { issueLicense } from './issue';
import { generateSigningSecret } from './keys';
import { invalidateLicensePolicy } from './license-cache';

/**
 * What admins (and, scoped to their own rows, customers and resellers) do to licenses. Every
 * change is audited in its transaction and drops the API's cached copy of the license.
 */

type Meta = { ip?: string | null; userAgent?: string | null };
type ChangeContext = { actor: AuditActor; meta?: Meta };
/** Limits a lookup to one customer's licenses (customers) or one reseller's customers. */
export type LicenseScope = { customerId?: string; resellerId?: string };

const scopeWhere = (scope: LicenseScope = {}): Prisma.LicenseWhereInput => ({
  ...(scope.customerId ? { customerId: scope.customerId } : {}),
  ...(scope.resellerId ? { customer: { resellerId: scope.resellerId } } : {}),
});

export type LicenseListFilter = {
  search?: string;
  status?: LicenseStatus;
  flagged?: boolean;
  expiringWithinDays?: number;
  customerId?: string;
  sort?: 'created_desc' | 'created_asc' | 'expires_asc' | 'last_validated_desc';
  cursor?: string;
  limit?: number;
};

const ORDER: Record<NonNullable<LicenseListFilter['sort']>, Prisma.LicenseOrderByWithRelationInput[]> = {
  created_desc: [{ createdAt: 'desc' }, { id: 'desc' }],
  created_asc: [{ createdAt: 'asc' }, { id: 'asc' }],
  expires_asc: [{ expiresAt: { sort: 'asc', nulls: 'last' } }, { id: 'asc' }],
  last_validated_desc: [{ lastValidatedAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
};

/** One page of licenses with server-side search (customer, email, last 4 of the key), filters and sort. */
export async function listLicenses(db: DbOrTx, filter: LicenseListFilter, scope: LicenseScope = {}, now = new Date()) {
  const limit = filter.limit ?? 25;
  const search = filter.search?.trim();
  const where: Prisma.LicenseWhereInput = {
    ...scopeWhere(scope),
    ...(filter.customerId ? { customerId: filter.customerId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.flagged !== undefined ? { suspicious: filter.flagged } : {}),
    ...(filter.expiringWithinDays !== undefined
      ? { expiresAt: { gte: now, lte: new Date(now.getTime() + filter.expiringWithinDays * 24 * 60 * 60 * 1000) } }
      : {}),
    ...(search
      ? {
          OR: [
            { keyLast4: { equals: search.replace(/^[.…]+/, '').toUpperCase().slice(-4) } },
            { customer: { name: { contains: search, mode: 'insensitive' } } },
            { customer: { email: { contains: search, mode: 'insensitive' } } },
            { customer: { users: { some: { email: { contains: search, mode: 'insensitive' } } } } },
          ],
        }
      : {}),
  };
  const rows = await db.license.findMany({
    where,
    orderBy: ORDER[filter.sort ?? 'created_desc'],
    take: limit + 1,
    ...(filter.cursor ? { cursor: { id: filter.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      keyLast4: true,
      status: true,
      expiresAt: true,
      suspicious: true,
      maxMachines: true,
      validationCount: true,
      failedValidationCount: true,
      lastValidatedAt: true,
      createdAt: true,
      customer: { select: { id: true, name: true } },
      product: { select: { id: true, name: true } },
      plan: { select: { id: true, name: true } },
      _count: { select: { machines: { where: { deactivatedAt: null } } } },
    },
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map(({ _count, ...license }) => ({ ...license, activeMachines: _count.machines })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

async function findScoped(db: DbOrTx, licenseId: string, scope: LicenseScope) {
  const license = await db.license.findFirst({ where: { id: licenseId, ...scopeWhere(scope) }, select: { id: true, customerId: true, status: true, expiresAt: true, suspicious: true } });
  if (!license) throw new AppError('NOT_FOUND', 'That license does not exist.');
  return license;
}

/** The license page: state, policy, machines, counters and flags (validations and audit are paged separately). */
export async function getLicenseDetail(db: DbOrTx, licenseId: string, scope: LicenseScope = {}) {
  await findScoped(db, licenseId, scope);
  const license = await db.license.findUniqueOrThrow({
    where: { id: licenseId },
    select: {
      id: true,
      keyLast4: true,
      status: true,
      expiresAt: true,
      maxMachines: true,
      features: true,
      quotas: true,
      validationCount: true,
      failedValidationCount: true,
      lastValidatedAt: true,
      lastValidationIp: true,
      suspicious: true,
      suspiciousReason: true,
      flaggedAt: true,
      riskScore: true,
      issuedVia: true,
      signingSecretRotatedAt: true,
      suspendedAt: true,
      revokedAt: true,
      overdueSince: true,
      createdAt: true,
      customer: { select: { id: true, name: true, email: true } },
      product: { select: { id: true, name: true, keyPrefix: true } },
      plan: { select: { id: true, name: true, autoActivate: true, blockFlagged: true, autoSuspendOnAnomaly: true } },
      issuedBy: { select: { id: true, email: true } },
      machines: {
        orderBy: [{ deactivatedAt: { sort: 'desc', nulls: 'first' } }, { activatedAt: 'desc' }],
        take: 100,
        select: { id: true, fingerprint: true, hostname: true, platform: true, activatedAt: true, deactivatedAt: true, lastSeenAt: true },
      },
    },
  });
  return { ...license, quotas: (license.quotas ?? {}) as Record<string, number>, maskedKey: `${license.product.keyPrefix}-•••••-•••••-•••••-•••••-${license.keyLast4.padStart(5, '•')}` };
}

/** The validation timeline of a license, newest first, a page at a time. */
export async function listLicenseValidations(db: DbOrTx, licenseId: string, options: { cursor?: string; limit?: number } = {}, scope: LicenseScope = {}) {
  await findScoped(db, licenseId, scope);
  const limit = options.limit ?? 50;
  const rows = await db.licenseValidation.findMany({
    where: { licenseId, ...(options.cursor ? { id: { lt: BigInt(options.cursor) } } : {}) },
    orderBy: { id: 'desc' },
    take: limit + 1,
    select: { id: true, kind: true, success: true, code: true, ip: true, fingerprint: true, feature: true, userAgent: true, createdAt: true },
  });
  const page = rows.slice(0, limit);
  return { items: page.map((row) => ({ ...row, id: row.id.toString() })), nextCursor: rows.length > limit ? page[page.length - 1]!.id.toString() : null };
}

/** The audit events of a license, newest first. */
export async function listLicenseAuditEvents(db: DbOrTx, licenseId: string, scope: LicenseScope = {}, take = 50) {
  await findScoped(db, licenseId, scope);
  return db.auditEvent.findMany({
    where: { targetType: 'license', targetId: licenseId },
    orderBy: { sequence: 'desc' },
    take,
    select: { sequence: true, createdAt: true, action: true, actorLabel: true, actorType: true, ip: true, metadata: true, severity: true },
  });
}

async function change<T>(
  db: Db,
  licenseId: string,
  scope: LicenseScope,
  { actor, meta }: ChangeContext,
  action: string,
  apply: (tx: Tx, license: Awaited<ReturnType<typeof findScoped>>) => Promise<{ result: T; metadata?: Record<string, unknown> }>,
): Promise<T> {
  const outcome = await db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM "License" WHERE "id" = ${licenseId} FOR UPDATE`;
    const license = await findScoped(tx, licenseId, scope);
    const { result, metadata } = await apply(tx, license);
    await recordAuditEvent(tx, {
      actor,
      action,
      target: { type: 'license', id: licenseId },
      customerId: license.customerId,
      ip: meta?.ip,
      userAgent: meta?.userAgent,
      severity: action === 'license.revoke' || action === 'license.suspend' ? 'WARNING' : 'INFO',
      metadata,
    });
    return result;
  });
  invalidateLicensePolicy(licenseId);
  return outcome;
}

export function suspendLicense(db: Db, input: { licenseId: string; reason: string }, context: ChangeContext) {
  return change(db, input.licenseId, {}, context, 'license.suspend', async (tx, license) => {
    if (license.status !== 'ACTIVE') throw new AppError('CONFLICT', `Only an active license can be suspended; this one is ${license.status.toLowerCase()}.`);
    await tx.license.update({ where: { id: license.id }, data: { status: 'SUSPENDED', suspendedAt: new Date() } });
    return { result: { status: 'SUSPENDED' as const }, metadata: { reason: input.reason } };
  });
}

export function reinstateLicense(db: Db, input: { licenseId: string }, context: ChangeContext) {
  return change(db, input.licenseId, {}, context, 'license.reinstate', async (tx, license) => {
    if (license.status !== 'SUSPENDED' && license.status !== 'OVERDUE') {
      throw new AppError('CONFLICT', `Only a suspended or overdue license can be reinstated; this one is ${license.status.toLowerCase()}.`);
    }
    await tx.license.update({ where: { id: license.id }, data: { status: 'ACTIVE', suspendedAt: null, overdueSince: null } });
    return { result: { status: 'ACTIVE' as const }, metadata: { from: license.status } };
  });
}

/** Revocation is final: the license never validates again. */
export function revokeLicense(db: Db, input: { licenseId: string; reason: string }, context: ChangeContext) {
  return change(db, input.licenseId, {}, context, 'license.revoke', async (tx, license) => {
    if (license.status === 'REVOKED') throw new AppError('CONFLICT', 'This license is already revoked.');
    await tx.license.update({ where: { id: license.id }, data: { status: 'REVOKED', revokedAt: new Date() } });
    return { result: { status: 'REVOKED' as const }, metadata: { reason: input.reason, from: license.status } };
  });
}

/** Sets a new expiry (null: perpetual); an expired license with a future expiry is active again. */
export function extendLicenseExpiry(db: Db, input: { licenseId: string; expiresAt: Date | null }, context: ChangeContext) {
  return change(db, input.licenseId, {}, context, 'license.extend', async (tx, license) => {
    if (input.expiresAt !== null && input.expiresAt <= new Date()) throw new AppError('BAD_REQUEST', 'The new expiry must be in the future.', { field: 'expiresAt' });
    if (license.status === 'REVOKED') throw new AppError('CONFLICT', 'A revoked license cannot be extended.');
    await tx.license.update({ where: { id: license.id }, data: { expiresAt: input.expiresAt, ...(license.status === 'EXPIRED' ? { status: 'ACTIVE' } : {}) } });
    return { result: { expiresAt: input.expiresAt }, metadata: { from: license.expiresAt, to: input.expiresAt } };
  });
}

/** Changes seats, features and quotas. Fewer seats than active machines is refused (deactivate first). */
export function updateLicenseEntitlements(
  db: Db,
  input: { licenseId: string; maxMachines: number | null; features: string[]; quotas: Record<string, number> },
  context: ChangeContext,
) {
  return change(db, input.licenseId, {}, context, 'license.update_entitlements', async (tx, license) => {
    const unknownQuota = Object.keys(input.quotas).find((feature) => !input.features.includes(feature));
    if (unknownQuota) throw new AppError('BAD_REQUEST', `"${unknownQuota}" has a quota but is not one of the features.`, { field: 'quotas' });
    const active = await tx.machine.count({ where: { licenseId: license.id, deactivatedAt: null } });
    if (input.maxMachines !== null && input.maxMachines < active) {
      throw new AppError('CONFLICT', `${active} machines are active: deactivate some before lowering the seats to ${input.maxMachines}.`, { field: 'maxMachines' });
    }
    const before = await tx.license.findUniqueOrThrow({ where: { id: license.id }, select: { maxMachines: true, features: true, quotas: true } });
    await tx.license.update({ where: { id: license.id }, data: { maxMachines: input.maxMachines, features: input.features, quotas: input.quotas } });
    return { result: { maxMachines: input.maxMachines, features: input.features, quotas: input.quotas }, metadata: { before, after: { maxMachines: input.maxMachines, features: input.features, quotas: input.quotas } } };
  });
}

/** Frees every seat: each active machine must activate again. */
export function resetLicenseMachines(db: Db, input: { licenseId: string }, context: ChangeContext) {
  return change(db, input.licenseId, {}, context, 'license.reset_machines', async (tx, license) => {
    const { count } = await tx.machine.updateMany({ where: { licenseId: license.id, deactivatedAt: null }, data: { deactivatedAt: new Date() } });
    return { result: { machinesDeactivated: count }, metadata: { machinesDeactivated: count } };
  });
}

/** Deactivates one machine (admins, and customers on their own licenses). */
export function deactivateLicenseMachine(db: Db, input: { licenseId: string; machineId: string }, context: ChangeContext, scope: LicenseScope = {}) {
  return change(db, input.licenseId, scope, context, 'license.deactivate_machine', async (tx, license) => {
    const { count } = await tx.machine.updateMany({ where: { id: input.machineId, licenseId: license.id, deactivatedAt: null }, data: { deactivatedAt: new Date() } });
    if (count === 0) throw new AppError('NOT_FOUND', 'That machine is not active on this license.');
    return { result: { machineId: input.machineId }, metadata: { machineId: input.machineId } };
  });
}

/** A new signing secret, shown this once; the old one stops working at once (PROTOCOL.md section 1). */
export function rotateLicenseSigningSecret(db: Db, input: { licenseId: string }, context: ChangeContext, scope: LicenseScope = {}) {
  return change(db, input.licenseId, scope, context, 'license.rotate_secret', async (tx, license) => {
    if (license.status === 'REVOKED') throw new AppError('CONFLICT', 'A revoked license has no use for a new secret.');
    const signingSecret = generateSigningSecret();
    await tx.license.update({ where: { id: license.id }, data: { encryptedSigningSecret: encryptSecret(signingSecret), signingSecretRotatedAt: new Date() } });
    return { result: { signingSecret } };
  });
}

/** Clears the suspicious flag after review (the alert stays for the record). */
export function clearLicenseFlag(db: Db, input: { licenseId: string; note: string }, context: ChangeContext) {
  return change(db, input.licenseId, {}, context, 'license.clear_flag', async (tx, license) => {
    if (!license.suspicious) throw new AppError('CONFLICT', 'This license is not flagged.');
    await tx.license.update({ where: { id: license.id }, data: { suspicious: false, suspiciousReason: null, flaggedAt: null } });
    return { result: { suspicious: false }, metadata: { note: input.note } };
  });
}

/**
 * A reseller issues a license to one of its own customers, within its hourly quota (20 by
 * default, or the reseller's own quota set by an admin).
 */
export async function issueLicenseAsReseller(db: Db, input: { resellerId: string; customerId: string; planId: string }, context: ChangeContext) {
  const reseller = await db.user.findUnique({ where: { id: input.resellerId }, select: { role: true, resellerHourlyQuota: true } });
  if (!reseller || reseller.role !== 'RESELLER') throw new AppError('FORBIDDEN', 'Only resellers issue licenses this way.');
  const limit = await consumeRateLimit('resellerLicenseIssue', input.resellerId, reseller.resellerHourlyQuota ?? undefined);
  if (!limit.allowed) {
    const minutes = Math.ceil(limit.retryAfterSeconds / 60);
    throw new AppError('LIMIT_REACHED', `You have issued ${limit.limit} license${limit.limit === 1 ? '' : 's'} in the last hour, your quota. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  }
  return issueLicense(db, { customerId: input.customerId, planId: input.planId, issuedVia: 'RESELLER', issuedById: input.resellerId }, context.actor, context.meta);
}
