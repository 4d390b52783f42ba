import type { Db, DbOrTx } from '../db';
import { invalidateLicensePolicy } from './license-cache';

export type ActiveMachine = { id: string; fingerprint: string; activatedAt: Date };

export async function activeMachinesOf(db: DbOrTx, licenseId: string): Promise<ActiveMachine[]> {
  return db.machine.findMany({
    where: { licenseId, deactivatedAt: null },
    select: { id: true, fingerprint: true, activatedAt: true },
    orderBy: { activatedAt: 'asc' },
  });
}

export type ActivationOutcome =
  | { outcome: 'activated' | 'already_active'; machine: ActiveMachine; activeMachines: number }
  | { outcome: 'no_seat'; activeMachines: number };

/**
 * Activates a machine on a license unless its seats are full. The license row is locked for the
 * transaction, so concurrent activations on every instance queue and never exceed maxMachines.
 */
export async function activateMachine(
  db: Db,
  input: { licenseId: string; maxMachines: number | null; fingerprint: string; hostname?: string | null; platform?: string | null; now: Date },
): Promise<ActivationOutcome> {
  const outcome = await db.$transaction(async (tx): Promise<ActivationOutcome> => {
    await tx.$queryRaw`SELECT 1 FROM "License" WHERE "id" = ${input.licenseId} FOR UPDATE`;
    const active = await activeMachinesOf(tx, input.licenseId);
    const existing = active.find((machine) => machine.fingerprint === input.fingerprint);
    if (existing) {
      await tx.machine.update({ where: { id: existing.id }, data: { lastSeenAt: input.now, hostname: input.hostname ?? undefined, platform: input.platform ?? undefined } });
      return { outcome: 'already_active', machine: existing, activeMachines: active.length };
    }
    if (input.maxMachines !== null && active.length >= input.maxMachines) return { outcome: 'no_seat', activeMachines: active.length };
    const machine = await tx.machine.create({
      data: { licenseId: input.licenseId, fingerprint: input.fingerprint, hostname: input.hostname ?? null, platform: input.platform ?? null, activatedAt: input.now, lastSeenAt: input.now },
      select: { id: true, fingerprint: true, activatedAt: true },
    });
    return { outcome: 'activated', machine, activeMachines: active.length + 1 };
  });
  if (outcome.outcome === 'activated') invalidateLicensePolicy(input.licenseId);
  return outcome;
}

/** Frees the seat of an active machine; null when that fingerprint is not active on the license. */
export async function deactivateMachine(db: DbOrTx, input: { licenseId: string; fingerprint: string; now: Date }) {
  const machine = await db.machine.findFirst({
    where: { licenseId: input.licenseId, fingerprint: input.fingerprint, deactivatedAt: null },
    select: { id: true, fingerprint: true },
  });
  if (!machine) return null;
  const { count } = await db.machine.updateMany({ where: { id: machine.id, deactivatedAt: null }, data: { deactivatedAt: input.now } });
  if (count !== 1) return null;
  invalidateLicensePolicy(input.licenseId);
  return { ...machine, deactivatedAt: input.now };
}

/** Units of a metric reported for the license in the calendar month (UTC) of `now`. */
export async function usageThisMonth(db: DbOrTx, input: { licenseId: string; metric: string; now: Date }): Promise<number> {
  const start = new Date(Date.UTC(input.now.getUTCFullYear(), input.now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(input.now.getUTCFullYear(), input.now.getUTCMonth() + 1, 1));
  const result = await db.usageRecord.aggregate({
    where: { licenseId: input.licenseId, metric: input.metric, occurredAt: { gte: start, lt: end } },
    _sum: { quantity: true },
  });
  return result._sum.quantity ?? 0;
}
