import type { z } from 'zod';
import type { LicenseIssuer } from '@/generated/prisma/enums';
import { IssueLicenseInput } from '@/lib/schemas/licensing';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { RequestMeta } from '../auth';
import { encryptSecret } from '../crypto/secretbox';
import type { Db, DbOrTx, Prisma, Tx } from '../db';
import { getEnv } from '../env';
import { AppError } from '../errors';
import { parseInput } from './input';
import { generateLicenseKey, generateSigningSecret, keyLast4 } from './keys';

const DAY_MS = 24 * 60 * 60 * 1000;

export type IssueLicenseParams = z.input<typeof IssueLicenseInput> & {
  /** Who issued it; set by the caller from the session, never from a form. */
  issuedVia: LicenseIssuer;
  issuedById?: string | null;
};

/**
 * Joins the caller's transaction (e.g. a Stripe webhook creating a subscription) or opens one.
 * Only the root client has $connect: transaction clients have a nested $transaction too.
 */
function inTransaction<T>(client: DbOrTx, work: (tx: Tx) => Promise<T>): Promise<T> {
  return typeof (client as Db).$connect === 'function' ? (client as Db).$transaction(work) : work(client as Tx);
}

/**
 * Issues a license on a plan: copies the plan's policy (features, quotas, machine limit and
 * expiry, unless `expiresAt` overrides it), generates the key and the request-signing secret,
 * stores the key normalised and the secret encrypted, and records `license.issue`, all in one
 * transaction. The returned key and secret are shown once; the secret cannot be read back.
 */
export async function issueLicense(db: DbOrTx, params: IssueLicenseParams, actor: AuditActor, meta: RequestMeta = {}) {
  const { customerId, planId, expiresAt } = parseInput(IssueLicenseInput, params);
  const { issuedVia, issuedById = null } = params;
  const keyCheckSecret = getEnv().secrets.LICENSE_KEY_CHECK_SECRET;
  return inTransaction(db, async (tx) => {
    const plan = await tx.plan.findUnique({ where: { id: planId }, include: { product: { select: { keyPrefix: true } } } });
    if (!plan) throw new AppError('NOT_FOUND', 'Plan not found.', { field: 'planId' });
    if (plan.archivedAt) throw new AppError('CONFLICT', 'This plan is archived; choose a current plan.', { field: 'planId' });
    const customer = await tx.customer.findUnique({ where: { id: customerId }, select: { resellerId: true, anonymizedAt: true } });
    // A reseller issues only to its own customers; another reseller's customer does not exist for it.
    const outOfReach = issuedVia === 'RESELLER' && (issuedById === null || customer?.resellerId !== issuedById);
    if (!customer || customer.anonymizedAt || outOfReach) throw new AppError('NOT_FOUND', 'Customer not found.', { field: 'customerId' });

    const issuedAt = new Date();
    const licenseKey = generateLicenseKey(plan.product.keyPrefix, keyCheckSecret);
    const signingSecret = generateSigningSecret();
    const license = await tx.license.create({
      data: {
        key: licenseKey,
        keyLast4: keyLast4(licenseKey),
        productId: plan.productId,
        planId: plan.id,
        customerId,
        expiresAt: expiresAt ?? (plan.durationDays === null ? null : new Date(issuedAt.getTime() + plan.durationDays * DAY_MS)),
        maxMachines: plan.maxMachines,
        features: plan.features,
        quotas: (plan.quotas ?? {}) as Prisma.InputJsonObject,
        encryptedSigningSecret: encryptSecret(signingSecret),
        issuedVia,
        issuedById,
        createdAt: issuedAt,
      },
      omit: { encryptedSigningSecret: true },
    });
    await recordAuditEvent(tx, {
      actor,
      action: 'license.issue',
      target: { type: 'license', id: license.id },
      customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: {
        keyLast4: license.keyLast4,
        productId: license.productId,
        planId: license.planId,
        expiresAt: license.expiresAt,
        issuedVia,
      },
    });
    return { license, licenseKey, signingSecret };
  });
}

export type IssuedLicense = Awaited<ReturnType<typeof issueLicense>>;
