import { createHash } from 'node:crypto';
import type { Db, DbOrTx, Tx } from '../db';
import type { Severity } from '@/generated/prisma/enums';
import { securityPolicy } from '../security/policy';
import { insertCheckpoint } from './checkpoints';
import { redactSecrets, storableText } from './redact';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditActor =
  | { type: 'user'; id: string; label?: string }
  | { type: 'api_key'; id: string; label?: string }
  | { type: 'cli'; label?: string }
  | { type: 'system'; label?: string };

export type AuditEventInput = {
  actor: AuditActor;
  /** Dotted verb, e.g. `license.suspend`, `auth.sign_in`. */
  action: string;
  target?: { type: string; id: string };
  /** The customer organisation the event concerns, so its users can see it. */
  customerId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  severity?: Severity;
  metadata?: Record<string, unknown>;
};

/** The fields a hash covers, in the form they are stored. */
export type ChainedFields = {
  sequence: bigint;
  createdAt: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  customerId: string | null;
  ip: string | null;
  userAgent: string | null;
  severity: Severity;
  metadata: unknown;
  prevHash: string;
};

/** JSON with object keys sorted at every depth, so PostgreSQL's jsonb key order cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

export function hashAuditEvent(fields: ChainedFields): string {
  const canonical = canonicalJson({
    sequence: fields.sequence.toString(),
    createdAt: fields.createdAt.toISOString(),
    actorType: fields.actorType,
    actorId: fields.actorId,
    actorLabel: fields.actorLabel,
    action: fields.action,
    targetType: fields.targetType,
    targetId: fields.targetId,
    customerId: fields.customerId,
    ip: fields.ip,
    userAgent: fields.userAgent,
    severity: fields.severity,
    metadata: fields.metadata,
    prevHash: fields.prevHash,
  });
  return createHash('sha256').update(canonical).digest('hex');
}

// Prisma 7 transaction clients have $transaction too (nested, through savepoints, which the
// PGlite adapter lacks); only the root client has $connect.
function isRootClient(client: DbOrTx): client is Db {
  return typeof (client as Db).$connect === 'function';
}

const storable = (value: string | null | undefined) => (value === undefined || value === null ? null : storableText(value));

async function appendInTransaction(tx: Tx, input: AuditEventInput) {
  // The single chain-head row is the lock: writers on every server instance queue here, in the
  // caller's transaction, so the event commits (or rolls back) together with the change it records.
  const [head] = await tx.$queryRaw<{ sequence: bigint; hash: string; createdAt: Date | null }[]>`
    SELECT "sequence", "hash", "createdAt" FROM "AuditChainHead" WHERE "id" = 1 FOR UPDATE`;
  if (!head) throw new Error('The audit chain head is missing: run the migrations.');
  const now = new Date();
  const fields: ChainedFields = {
    sequence: head.sequence + 1n,
    // Never before the previous event (an instance whose clock is behind): times grow with the
    // sequence, so a time range is a range of sequences (the explorer relies on it).
    createdAt: head.createdAt && head.createdAt > now ? head.createdAt : now,
    actorType: input.actor.type,
    actorId: 'id' in input.actor ? storable(input.actor.id) : null,
    actorLabel: storable(input.actor.label),
    action: storableText(input.action),
    targetType: storable(input.target?.type),
    targetId: storable(input.target?.id),
    customerId: storable(input.customerId),
    ip: storable(input.ip),
    userAgent: input.userAgent ? storable(input.userAgent.slice(0, 512)) : null,
    severity: input.severity ?? 'INFO',
    metadata: JSON.parse(canonicalJson(redactSecrets(input.metadata ?? {}))),
    prevHash: head.hash,
  };
  const hash = hashAuditEvent(fields);
  const event = await tx.auditEvent.create({ data: { ...fields, metadata: fields.metadata as object, hash } });
  await tx.auditChainHead.update({ where: { id: 1 }, data: { sequence: fields.sequence, hash, createdAt: fields.createdAt } });
  // Every N events the head is signed in the same transaction: the checkpoint exists exactly when the event does.
  if (fields.sequence % BigInt(securityPolicy().audit.checkpointEveryEvents) === 0n) {
    await insertCheckpoint(tx, { sequence: fields.sequence, hash }, 'every_n_events', fields.createdAt);
  }
  return event;
}

/**
 * Appends a hash-chained audit event. Pass the transaction that makes the change being recorded;
 * given the root client it opens a transaction of its own.
 */
export async function recordAuditEvent(client: DbOrTx, input: AuditEventInput) {
  // Appends queue on the chain head; under load a writer may wait its turn longer than Prisma's defaults.
  if (isRootClient(client)) return client.$transaction((tx) => appendInTransaction(tx, input), { maxWait: 10_000, timeout: 20_000 });
  return appendInTransaction(client, input);
}

export type AuditChainReport =
  | { ok: true; checked: number; headSequence: bigint }
  | { ok: false; checked: number; brokenAt: bigint; reason: string };

/**
 * Walks the chain in sequence order and reports the first broken link: a row whose content no
 * longer matches its hash (modified), a gap (deleted), a row whose previous hash is not its
 * predecessor's hash (inserted or reordered), or a head that disagrees with the last row.
 * `start` is where the remaining chain begins after retention removed older events.
 */
export async function verifyAuditChain(
  db: DbOrTx,
  options: { start?: { sequence: bigint; hash: string }; batchSize?: number } = {},
): Promise<AuditChainReport> {
  const batchSize = options.batchSize ?? 5000;
  let expectedSequence = (options.start?.sequence ?? 0n) + 1n;
  let expectedPrevHash = options.start?.hash ?? GENESIS_HASH;
  let checked = 0;
  let head: { sequence: bigint; hash: string } | null | undefined;
  for (;;) {
    const rows = await db.auditEvent.findMany({
      where: { sequence: { gte: expectedSequence } },
      orderBy: { sequence: 'asc' },
      take: batchSize,
    });
    for (const row of rows) {
      const broken = (reason: string): AuditChainReport => ({ ok: false, checked, brokenAt: row.sequence, reason });
      if (row.sequence !== expectedSequence) {
        return { ok: false, checked, brokenAt: expectedSequence, reason: `event ${expectedSequence} is missing (deleted)` };
      }
      if (row.prevHash !== expectedPrevHash) return broken('its previous hash does not match the event before it (inserted or reordered)');
      if (hashAuditEvent(row) !== row.hash) return broken('its content does not match its hash (modified)');
      expectedPrevHash = row.hash;
      expectedSequence += 1n;
      checked += 1;
    }
    if (rows.length === batchSize) continue;
    // Caught up with the events. An append that committed after the read above has moved the
    // head on: read on. Only a head that stays ahead of the last event means events are gone.
    const previousHead = head;
    head = await db.auditChainHead.findUnique({ where: { id: 1 } });
    if (head && head.sequence >= expectedSequence && head.sequence !== previousHead?.sequence) continue;
    break;
  }
  const lastSequence = expectedSequence - 1n;
  if (!head || head.sequence !== lastSequence || head.hash !== expectedPrevHash) {
    const headSequence = head?.sequence ?? 0n;
    const brokenAt = headSequence > lastSequence ? lastSequence + 1n : lastSequence;
    return { ok: false, checked, brokenAt, reason: `the chain head (event ${headSequence}) does not match the last event (${lastSequence})` };
  }
  return { ok: true, checked, headSequence: head.sequence };
}
