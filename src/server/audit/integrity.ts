import type { KeyObject } from 'node:crypto';
import type { DbOrTx } from '../db';
import { serverSigningKey, verifyWithPublicKey } from '../licensing/signing';
import { verifyAuditChain } from './chain';
import { checkpointMessage, verifyCheckpointsAgainstTable, type CheckpointProblem } from './checkpoints';

export type AuditIntegrityReport = {
  ok: boolean;
  /** Events whose links were checked. */
  checkedEvents: number;
  headSequence: bigint | null;
  /** Where the remaining chain starts: the signed retention checkpoint before the first event, or the genesis. */
  start: { sequence: bigint; hash: string } | null;
  checkpoints: { matched: number; retired: number; problems: CheckpointProblem[] };
  /** The first broken link, when there is one. */
  brokenAt: bigint | null;
  reason: string | null;
};

/**
 * The whole check behind "Verify chain" and `audit:verify`: the chain from its start (the genesis,
 * or after retention the signed checkpoint at the cut), and every stored checkpoint against the
 * table. The first problem by sequence is reported as the broken link.
 */
export async function verifyAuditIntegrity(db: DbOrTx, options: { publicKey?: KeyObject; batchSize?: number } = {}): Promise<AuditIntegrityReport> {
  const publicKey = options.publicKey ?? serverSigningKey();
  const [first] = await db.$queryRaw<{ sequence: bigint | null }[]>`SELECT min("sequence") AS "sequence" FROM "AuditEvent"`;
  const firstRemaining = first?.sequence ?? null;
  const stored = await db.auditCheckpoint.findMany({ orderBy: { sequence: 'asc' } });
  const checkpoints = await verifyCheckpointsAgainstTable(db, stored, publicKey);
  // Only a signed retention checkpoint may explain missing events: its reason is part of what was signed.
  const signedCut = (sequence: bigint) =>
    stored.find(
      (checkpoint) =>
        checkpoint.sequence === sequence && checkpoint.reason === 'retention' && verifyWithPublicKey(checkpointMessage(checkpoint), checkpoint.signature, publicKey),
    );

  let start: { sequence: bigint; hash: string } | null = null;
  let startProblem: CheckpointProblem | null = null;
  if (firstRemaining !== null && firstRemaining > 1n) {
    const cut = signedCut(firstRemaining - 1n);
    if (cut) {
      start = { sequence: cut.sequence, hash: cut.hash };
    } else {
      // The last legitimate cut (if any) is where the unexplained gap begins.
      const earlierCut = [...stored].reverse().find((checkpoint) => checkpoint.sequence < firstRemaining && signedCut(checkpoint.sequence));
      const missingFrom = (earlierCut?.sequence ?? 0n) + 1n;
      startProblem = {
        sequence: missingFrom,
        reason: `events ${missingFrom} to ${firstRemaining - 1n} are missing (deleted) and no signed retention checkpoint marks a cut at ${firstRemaining - 1n}`,
      };
    }
  }

  const chain = await verifyAuditChain(db, { start: start ?? undefined, batchSize: options.batchSize });
  const problems: CheckpointProblem[] = [...checkpoints.problems];
  if (startProblem) problems.push(startProblem);
  else if (!chain.ok) problems.push({ sequence: chain.brokenAt, reason: `event ${chain.brokenAt}: ${chain.reason}` });
  problems.sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
  const firstProblem = problems[0] ?? null;
  return {
    ok: firstProblem === null,
    checkedEvents: chain.checked,
    headSequence: chain.ok ? chain.headSequence : null,
    start,
    checkpoints: { matched: checkpoints.matched, retired: checkpoints.retired, problems: checkpoints.problems },
    brokenAt: firstProblem?.sequence ?? null,
    reason: firstProblem?.reason ?? null,
  };
}
