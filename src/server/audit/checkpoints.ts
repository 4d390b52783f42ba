import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Db, DbOrTx, Tx } from '../db';
import { publicKeyDocument, signAuditCheckpoint, signingKeyId, verifyWithPublicKey, type PublicKeyDocument } from '../licensing/signing';

/**
 * Signed checkpoints: the chain head (sequence and hash) signed with the server's Ed25519 key.
 * Anyone holding an exported set and the public key can later check that the table still has
 * those hashes at those sequences, so even a rewrite of the whole table (every row re-hashed
 * consistently, which the chain alone cannot reveal) is detected.
 */

export type CheckpointReason = 'every_n_events' | 'hourly' | 'retention' | 'manual';

const CHECKPOINT_FORMAT = 'licensor-audit-checkpoints/v1';

/**
 * The signed text: a fixed first line, then the sequence, the hash, the time and the reason, one
 * per line. The reason is signed so that only a real retention cut can start the remaining chain.
 */
export function checkpointMessage(checkpoint: { sequence: bigint; hash: string; createdAt: Date; reason: string }): string {
  return [
    'licensor-audit-checkpoint/v1',
    `sequence=${checkpoint.sequence}`,
    `hash=${checkpoint.hash}`,
    `createdAt=${checkpoint.createdAt.toISOString()}`,
    `reason=${checkpoint.reason}`,
  ].join('\n');
}

/**
 * Signs and stores a checkpoint of the event `sequence` with hash `hash`, in the caller's
 * transaction (the append that reached it, or the retention cut).
 */
export async function insertCheckpoint(tx: DbOrTx, at: { sequence: bigint; hash: string }, reason: CheckpointReason, now = new Date()) {
  const createdAt = new Date(now);
  return tx.auditCheckpoint.create({
    data: {
      sequence: at.sequence,
      hash: at.hash,
      keyId: signingKeyId(),
      signature: signAuditCheckpoint(checkpointMessage({ ...at, createdAt, reason })),
      reason,
      createdAt,
    },
  });
}

/** Signs the current chain head, unless it is already the newest checkpoint. */
export async function checkpointChainHead(tx: Tx, reason: CheckpointReason, now = new Date()) {
  // The head row lock orders this with appends: the head cannot move while it is signed.
  const [head] = await tx.$queryRaw<{ sequence: bigint; hash: string }[]>`
    SELECT "sequence", "hash" FROM "AuditChainHead" WHERE "id" = 1 FOR UPDATE`;
  if (!head || head.sequence === 0n) return null;
  const latest = await tx.auditCheckpoint.findFirst({ orderBy: { sequence: 'desc' }, select: { sequence: true } });
  if (latest && latest.sequence >= head.sequence) return null;
  return insertCheckpoint(tx, head, reason, now);
}

/**
 * The hourly checkpoint: the head is signed when events were written since the newest
 * checkpoint and that one is older than `everySeconds`.
 */
export async function checkpointIfDue(db: Db, everySeconds: number, now = new Date()) {
  return db.$transaction(async (tx) => {
    const latest = await tx.auditCheckpoint.findFirst({ orderBy: { sequence: 'desc' }, select: { createdAt: true } });
    if (latest && now.getTime() - latest.createdAt.getTime() < everySeconds * 1000) return null;
    return checkpointChainHead(tx, 'hourly', now);
  });
}

const ExportedCheckpoint = z.object({
  sequence: z.string().regex(/^\d{1,19}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.iso.datetime(),
  keyId: z.string().min(1),
  signature: z.string().min(1),
  reason: z.string(),
});
export type ExportedCheckpoint = z.infer<typeof ExportedCheckpoint>;

/** The file `audit:verify --checkpoints` reads: every checkpoint, and the key that signed them. */
export const CheckpointExport = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  exportedAt: z.iso.datetime(),
  publicKey: z.object({ keyId: z.string(), publicKeyPem: z.string() }).loose(),
  checkpoints: z.array(ExportedCheckpoint),
});
export type CheckpointExport = z.infer<typeof CheckpointExport>;

export async function exportCheckpoints(db: DbOrTx, now = new Date()): Promise<CheckpointExport & { publicKey: PublicKeyDocument }> {
  const rows = await db.auditCheckpoint.findMany({ orderBy: [{ sequence: 'asc' }, { createdAt: 'asc' }] });
  return {
    format: CHECKPOINT_FORMAT,
    exportedAt: now.toISOString(),
    publicKey: publicKeyDocument(),
    checkpoints: rows.map((row) => ({
      sequence: row.sequence.toString(),
      hash: row.hash,
      createdAt: row.createdAt.toISOString(),
      keyId: row.keyId,
      signature: row.signature,
      reason: row.reason,
    })),
  };
}

export type CheckpointProblem = { sequence: bigint; reason: string };
export type CheckpointReport = {
  ok: boolean;
  /** Checkpoints whose signature and hash at that sequence both hold. */
  matched: number;
  /** Checkpoints below the first remaining event: their events were removed by retention. */
  retired: number;
  problems: CheckpointProblem[];
};

/** A public key given as a PEM, a public-key document (JSON with publicKeyPem), or a key object. */
export function parsePublicKey(input: KeyObject | string): KeyObject {
  if (typeof input !== 'string') return input.type === 'public' ? input : createPublicKey(input);
  const text = input.trim();
  if (text.startsWith('{')) {
    const document = z.object({ publicKeyPem: z.string() }).loose().parse(JSON.parse(text));
    return createPublicKey(document.publicKeyPem);
  }
  return createPublicKey(text);
}

/**
 * Checks each checkpoint's signature with `publicKey` and that the table's event at its
 * sequence still has the signed hash. Checkpoints of events removed by retention are counted
 * as retired; whether that removal itself was legitimate is the chain's start check
 * (verifyAuditIntegrity).
 */
export async function verifyCheckpointsAgainstTable(
  db: DbOrTx,
  checkpoints: { sequence: bigint; hash: string; createdAt: Date; keyId: string; signature: string; reason: string }[],
  publicKey: KeyObject,
): Promise<CheckpointReport> {
  const keyId = signingKeyId(publicKey);
  const [bounds] = await db.$queryRaw<{ first: bigint | null }[]>`SELECT min("sequence") AS "first" FROM "AuditEvent"`;
  const firstRemaining = bounds?.first ?? null;
  const sorted = [...checkpoints].sort((a, b) => (a.sequence < b.sequence ? -1 : a.sequence > b.sequence ? 1 : 0));
  const present = new Map<bigint, string>();
  const wanted = sorted.filter((checkpoint) => firstRemaining !== null && checkpoint.sequence >= firstRemaining).map((checkpoint) => checkpoint.sequence);
  // In slices, so that a long history of checkpoints is a few queries, not one per checkpoint.
  for (let index = 0; index < wanted.length; index += 1000) {
    const rows = await db.auditEvent.findMany({ where: { sequence: { in: wanted.slice(index, index + 1000) } }, select: { sequence: true, hash: true } });
    for (const row of rows) present.set(row.sequence, row.hash);
  }
  const report: CheckpointReport = { ok: true, matched: 0, retired: 0, problems: [] };
  for (const checkpoint of sorted) {
    const signed = checkpoint.keyId === keyId && verifyWithPublicKey(checkpointMessage(checkpoint), checkpoint.signature, publicKey);
    if (!signed) {
      const reason =
        checkpoint.keyId === keyId
          ? 'its signature does not verify: the checkpoint was forged or altered'
          : `it was signed by another key (${checkpoint.keyId}); verify it with that key`;
      report.problems.push({ sequence: checkpoint.sequence, reason: `checkpoint of event ${checkpoint.sequence} from ${checkpoint.createdAt.toISOString()}: ${reason}` });
      continue;
    }
    if (firstRemaining === null || checkpoint.sequence < firstRemaining) {
      report.retired += 1;
      continue;
    }
    const hash = present.get(checkpoint.sequence);
    if (hash === undefined) {
      report.problems.push({ sequence: checkpoint.sequence, reason: `event ${checkpoint.sequence}, signed at ${checkpoint.createdAt.toISOString()}, is missing (deleted)` });
    } else if (hash !== checkpoint.hash) {
      report.problems.push({
        sequence: checkpoint.sequence,
        reason: `event ${checkpoint.sequence} no longer has the hash signed at ${checkpoint.createdAt.toISOString()} (the events up to it were rewritten)`,
      });
    } else {
      report.matched += 1;
    }
  }
  report.ok = report.problems.length === 0;
  return report;
}

/** Parses an exported file's checkpoints into the shape verifyCheckpointsAgainstTable takes. */
export function checkpointsFromExport(file: CheckpointExport) {
  return file.checkpoints.map((checkpoint) => ({ ...checkpoint, sequence: BigInt(checkpoint.sequence), createdAt: new Date(checkpoint.createdAt) }));
}
