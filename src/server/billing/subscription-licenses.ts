import type { LicenseStatus } from '@/generated/prisma/enums';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { Db, Tx } from '../db';
import { issueLicense } from '../licensing/issue';
import { invalidateLicensePolicy } from '../licensing/license-cache';
import { securityPolicy } from '../security/policy';

/**
 * How billing moves the licenses that subscriptions issued: expiry from the paid period plus the
 * grace days, OVERDUE after a failed payment's grace, SUSPENDED on refunds and disputes. Billing
 * never lifts a suspension or a revocation: those are decisions for an admin.
 */

export const STRIPE_ACTOR: AuditActor = { type: 'system', label: 'stripe webhook' };

/** Subscription statuses that keep the license working (past_due still has its grace). */
export const ENTITLED_STATUSES = new Set(['active', 'trialing', 'past_due']);
/** Statuses after every retry has failed, or with collection paused: the license is OVERDUE. */
export const LAPSED_STATUSES = new Set(['unpaid', 'paused']);
/** Final statuses: the license ends with the paid period. */
export const ENDED_STATUSES = new Set(['canceled', 'incomplete_expired']);

const DAY_MS = 24 * 60 * 60 * 1000;

export const graceMs = () => securityPolicy().billing.graceDays * DAY_MS;

export type LicenseBillingChange = { expiresAt?: Date | null; status?: LicenseStatus; overdueSince?: Date | null; suspendedAt?: Date };

/**
 * Applies a change to a license and audits what actually changed (nothing is written when
 * nothing differs). `touched` collects the licenses whose cached policy must be dropped.
 */
export async function changeSubscriptionLicense(
  tx: Tx,
  licenseId: string,
  change: LicenseBillingChange,
  context: { action: string; reason: string; eventId?: string; touched: Set<string> },
) {
  const current = await tx.license.findUniqueOrThrow({ where: { id: licenseId }, select: { customerId: true, status: true, expiresAt: true, overdueSince: true } });
  const from: Record<string, unknown> = {};
  const to: Omit<LicenseBillingChange, 'suspendedAt'> = {};
  const sameTime = (a: Date | null | undefined, b: Date | null | undefined) => (a?.getTime() ?? null) === (b?.getTime() ?? null);
  if (change.expiresAt !== undefined && !sameTime(change.expiresAt, current.expiresAt)) {
    from.expiresAt = current.expiresAt;
    to.expiresAt = change.expiresAt;
  }
  if (change.status !== undefined && change.status !== current.status) {
    from.status = current.status;
    to.status = change.status;
  }
  if (change.overdueSince !== undefined && !sameTime(change.overdueSince, current.overdueSince)) {
    from.overdueSince = current.overdueSince;
    to.overdueSince = change.overdueSince;
  }
  if (Object.keys(to).length === 0) return false;
  await tx.license.update({ where: { id: licenseId }, data: { ...to, ...(to.status === 'SUSPENDED' ? { suspendedAt: change.suspendedAt ?? new Date() } : {}) } });
  await recordAuditEvent(tx, {
    actor: STRIPE_ACTOR,
    action: context.action,
    target: { type: 'license', id: licenseId },
    customerId: current.customerId,
    severity: to.status === 'SUSPENDED' || to.status === 'OVERDUE' ? 'WARNING' : 'INFO',
    metadata: { reason: context.reason, eventId: context.eventId, from, to },
  });
  context.touched.add(licenseId);
  return true;
}

/** Issues the subscription's license on its plan (once: the subscription row is locked by the caller). */
export async function issueSubscriptionLicense(
  tx: Tx,
  subscription: { id: string; customerId: string; planId: string },
  expiresAt: Date,
  context: { eventId: string; now: Date; touched: Set<string> },
) {
  // The issue input refuses a past expiry; a replayed old event issues first and then sets it.
  const { license } = await issueLicense(
    tx,
    { customerId: subscription.customerId, planId: subscription.planId, issuedVia: 'SUBSCRIPTION', ...(expiresAt > context.now ? { expiresAt } : {}) },
    STRIPE_ACTOR,
  );
  if (expiresAt <= context.now) await tx.license.update({ where: { id: license.id }, data: { expiresAt, status: 'EXPIRED' } });
  await tx.subscription.update({ where: { id: subscription.id }, data: { licenseId: license.id } });
  context.touched.add(license.id);
  return license.id;
}

/** Suspends every working subscription license of a customer (a refunded or disputed charge names no subscription). */
export async function suspendSubscriptionLicenses(tx: Tx, customerId: string, reason: string, context: { eventId: string; now: Date; touched: Set<string> }) {
  const licenses = await tx.license.findMany({
    where: { customerId, issuedVia: 'SUBSCRIPTION', status: { in: ['ACTIVE', 'OVERDUE'] } },
    select: { id: true },
  });
  for (const license of licenses) {
    await changeSubscriptionLicense(tx, license.id, { status: 'SUSPENDED', suspendedAt: context.now }, { action: 'license.suspend', reason, eventId: context.eventId, touched: context.touched });
  }
  return licenses.map((license) => license.id);
}

/**
 * Moves ACTIVE licenses whose payment failed more than the grace days ago to OVERDUE. Called
 * after each webhook and on each instance's schedule; the conditional update makes concurrent
 * runs harmless.
 */
export async function markOverdueLicenses(db: Db, now = new Date()): Promise<string[]> {
  const cutoff = new Date(now.getTime() - graceMs());
  const due = await db.license.findMany({ where: { status: 'ACTIVE', overdueSince: { lte: cutoff } }, select: { id: true, customerId: true, overdueSince: true }, take: 500 });
  const moved: string[] = [];
  for (const license of due) {
    const changed = await db.$transaction(async (tx) => {
      const { count } = await tx.license.updateMany({ where: { id: license.id, status: 'ACTIVE', overdueSince: { lte: cutoff } }, data: { status: 'OVERDUE' } });
      if (count === 0) return false;
      await recordAuditEvent(tx, {
        actor: { type: 'system', label: 'billing grace' },
        action: 'license.overdue',
        target: { type: 'license', id: license.id },
        customerId: license.customerId,
        severity: 'WARNING',
        metadata: { overdueSince: license.overdueSince, graceDays: securityPolicy().billing.graceDays },
      });
      return true;
    });
    if (changed) {
      invalidateLicensePolicy(license.id);
      moved.push(license.id);
    }
  }
  return moved;
}
