import type { Db } from '../db';
import { securityPolicy } from '../security/policy';
import { recordAuditEvent } from './chain';
import { insertCheckpoint } from './checkpoints';

const DAY_MS = 24 * 60 * 60 * 1000;

export type RetentionRun = { removed: number; removedThrough: bigint | null; cutoff: Date };

/**
 * The one path that removes audit events: those older than the retention period (7 years by
 * default), oldest first, in transactions of at most `batchSize` events. Each transaction first
 * signs a checkpoint of the last event it removes, then deletes through it (the database trigger
 * allows DELETE only with licensor.audit_retention set for the transaction), then records what it
 * did. The remaining chain verifies from that checkpoint (verifyAuditIntegrity).
 */
export async function applyAuditRetention(
  db: Db,
  options: { now?: Date; retentionDays?: number; batchSize?: number } = {},
): Promise<RetentionRun> {
  const policy = securityPolicy().audit;
  const now = options.now ?? new Date();
  const retentionDays = options.retentionDays ?? policy.retentionDays;
  const batchSize = BigInt(options.batchSize ?? policy.retentionBatchSize);
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const run: RetentionRun = { removed: 0, removedThrough: null, cutoff };
  for (;;) {
    const batch = await db.$transaction(async (tx) => {
      // The head lock keeps appends (and another instance's retention) out until this commits.
      await tx.$queryRaw`SELECT "sequence" FROM "AuditChainHead" WHERE "id" = 1 FOR UPDATE`;
      const [bounds] = await tx.$queryRaw<{ first: bigint | null }[]>`SELECT min("sequence") AS "first" FROM "AuditEvent"`;
      if (bounds?.first == null) return null;
      const [cut] = await tx.$queryRaw<{ sequence: bigint; hash: string }[]>`
        SELECT "sequence", "hash" FROM "AuditEvent"
        WHERE "sequence" >= ${bounds.first} AND "sequence" < ${bounds.first + batchSize} AND "createdAt" < ${cutoff}
        ORDER BY "sequence" DESC LIMIT 1`;
      if (!cut) return null;
      await insertCheckpoint(tx, cut, 'retention', now);
      await tx.$queryRaw`SELECT set_config('licensor.audit_retention', 'on', true)`;
      const removed = await tx.$executeRaw`DELETE FROM "AuditEvent" WHERE "sequence" <= ${cut.sequence}`;
      await tx.$queryRaw`SELECT set_config('licensor.audit_retention', 'off', true)`;
      await recordAuditEvent(tx, {
        actor: { type: 'system', label: 'audit retention' },
        action: 'audit.retention',
        severity: 'WARNING',
        metadata: { removed, removedThrough: cut.sequence.toString(), removedThroughHash: cut.hash, cutoff, retentionDays },
      });
      return { removed, through: cut.sequence };
    });
    if (!batch) return run;
    run.removed += batch.removed;
    run.removedThrough = batch.through;
    if (BigInt(batch.removed) < batchSize) return run;
  }
}
