import type { Severity } from '@/generated/prisma/enums';
import type { AuditFilter } from '@/lib/schemas/audit';
import { Prisma, type Db, type DbOrTx } from '../db';
import { AppError } from '../errors';
import { securityPolicy } from '../security/policy';
import { coveredRange, DAY_MS, refreshRollup, type RollupSpec } from '../security/rollups';
import { redactSecrets } from './redact';

/**
 * The audit explorer: filtered pages by keyset on the sequence (newest first), one event, the
 * events per action per day, and the batches an export streams. Every query is built from the
 * same filter SQL, so the list, the chart and the export always agree.
 */

export type AuditEventView = {
  sequence: string;
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
  metadata: Record<string, unknown>;
  prevHash: string;
  hash: string;
};

type AuditRow = Omit<AuditEventView, 'sequence' | 'metadata'> & { sequence: bigint; metadata: unknown };

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

/** `license.*` and `license.` are prefixes; anything else is one action. */
function actionPrefix(action: string): string | null {
  if (action.endsWith('*')) return action.slice(0, -1);
  return action.endsWith('.') ? action : null;
}

type SequenceBounds = { first?: bigint; last?: bigint };

/**
 * An append never goes back in time, so a time range is a range of sequences: found with two
 * probes of the time index, it lets every other filter read events in sequence order without
 * walking through the newer events first. Null when no event can be in the range.
 */
async function sequenceBounds(db: DbOrTx, filter: AuditFilter): Promise<SequenceBounds | null> {
  const [first, last] = await Promise.all([
    filter.from
      ? db.$queryRaw<{ sequence: bigint }[]>`SELECT "sequence" FROM "AuditEvent" WHERE "createdAt" >= ${filter.from} ORDER BY "createdAt", "sequence" LIMIT 1`
      : null,
    filter.to
      ? db.$queryRaw<{ sequence: bigint }[]>`SELECT "sequence" FROM "AuditEvent" WHERE "createdAt" < ${filter.to} ORDER BY "createdAt" DESC, "sequence" DESC LIMIT 1`
      : null,
  ]);
  if ((first && first.length === 0) || (last && last.length === 0)) return null;
  return { first: first?.[0]?.sequence, last: last?.[0]?.sequence };
}

function conditions(filter: AuditFilter, bounds: SequenceBounds = {}): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filter.from) where.push(Prisma.sql`"createdAt" >= ${filter.from}`);
  if (filter.to) where.push(Prisma.sql`"createdAt" < ${filter.to}`);
  if (bounds.first !== undefined) where.push(Prisma.sql`"sequence" >= ${bounds.first}`);
  if (bounds.last !== undefined) where.push(Prisma.sql`"sequence" <= ${bounds.last}`);
  if (filter.actor) where.push(Prisma.sql`("actorId" = ${filter.actor} OR "actorLabel" = ${filter.actor})`);
  if (filter.action) {
    const prefix = actionPrefix(filter.action);
    where.push(prefix === null ? Prisma.sql`"action" = ${filter.action}` : Prisma.sql`"action" LIKE ${`${escapeLike(prefix)}%`}`);
  }
  if (filter.targetType) where.push(Prisma.sql`"targetType" = ${filter.targetType}`);
  if (filter.targetId) where.push(Prisma.sql`"targetId" = ${filter.targetId}`);
  if (filter.customerId) where.push(Prisma.sql`"customerId" = ${filter.customerId}`);
  if (filter.ip) where.push(Prisma.sql`"ip" = ${filter.ip}`);
  if (filter.severity) where.push(Prisma.sql`"severity" = ${filter.severity}::"Severity"`);
  return where;
}

const whereClause = (where: Prisma.Sql[]) => (where.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(where, ' AND ')}`);

function toView(row: AuditRow): AuditEventView {
  const metadata = row.metadata !== null && typeof row.metadata === 'object' && !Array.isArray(row.metadata) ? (row.metadata as Record<string, unknown>) : {};
  // Stored metadata was redacted when written; redacting again on the way out costs little and
  // covers anything written before a redaction rule existed.
  return { ...row, sequence: row.sequence.toString(), metadata: redactSecrets(metadata) };
}

async function selectEvents(db: DbOrTx, filter: AuditFilter, page: { after?: bigint; before?: bigint; limit: number; order: 'asc' | 'desc' }): Promise<AuditRow[]> {
  const bounds = filter.from || filter.to ? await sequenceBounds(db, filter) : {};
  if (bounds === null) return [];
  const where = conditions(filter, bounds);
  if (page.before !== undefined) where.push(Prisma.sql`"sequence" < ${page.before}`);
  if (page.after !== undefined) where.push(Prisma.sql`"sequence" > ${page.after}`);
  return db.$queryRaw<AuditRow[]>`
    SELECT "sequence", "createdAt", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "customerId", "ip",
           "userAgent", "severity"::text AS "severity", "metadata", "prevHash", "hash"
    FROM "AuditEvent" ${whereClause(where)}
    ORDER BY "sequence" ${page.order === 'asc' ? Prisma.sql`ASC` : Prisma.sql`DESC`}
    LIMIT ${page.limit}`;
}

export type AuditEventPage = { items: AuditEventView[]; nextCursor: string | null };

/** One page, newest first; the cursor is the last sequence shown. */
export async function listAuditEvents(db: DbOrTx, filter: AuditFilter, page: { cursor?: string | null; limit?: number } = {}): Promise<AuditEventPage> {
  const limit = page.limit ?? securityPolicy().audit.pageSize;
  const rows = await selectEvents(db, filter, { before: page.cursor ? BigInt(page.cursor) : undefined, limit: limit + 1, order: 'desc' });
  const items = rows.slice(0, limit).map(toView);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.sequence : null };
}

export async function getAuditEvent(db: DbOrTx, sequence: string): Promise<AuditEventView> {
  const [row] = await db.$queryRaw<AuditRow[]>`
    SELECT "sequence", "createdAt", "actorType", "actorId", "actorLabel", "action", "targetType", "targetId", "customerId", "ip",
           "userAgent", "severity"::text AS "severity", "metadata", "prevHash", "hash"
    FROM "AuditEvent" WHERE "sequence" = ${BigInt(sequence)}`;
  if (!row) throw new AppError('NOT_FOUND', `There is no audit event ${sequence}.`);
  return toView(row);
}

/** Every matching event, oldest first, in batches read by keyset: what an export streams. */
export async function* auditEventBatches(db: DbOrTx, filter: AuditFilter, batchSize = securityPolicy().audit.exportBatchSize): AsyncGenerator<AuditEventView[]> {
  let after = 0n;
  for (;;) {
    const rows = await selectEvents(db, filter, { after, limit: batchSize, order: 'asc' });
    if (rows.length === 0) return;
    yield rows.map(toView);
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.sequence;
  }
}

/** Audit events per UTC day per action and severity: ended days are counted once. */
const AUDIT_DAYS: RollupSpec = {
  name: 'audit_day',
  unitMs: DAY_MS,
  lookbackMs: 100 * DAY_MS,
  oldest: async (db) => (await db.auditEvent.findFirst({ orderBy: { sequence: 'asc' }, select: { createdAt: true } }))?.createdAt ?? null,
  write: (db, from, to) => db.$executeRaw`
    INSERT INTO "AuditActionDay" ("day", "action", "severity", "count")
    SELECT date_trunc('day', "createdAt"), "action", "severity", count(*)::int FROM "AuditEvent"
    WHERE "createdAt" >= ${from} AND "createdAt" < ${to}
    GROUP BY 1, 2, 3
    ON CONFLICT DO NOTHING`,
};

export const refreshAuditRollup = (db: Db, now = new Date()) => refreshRollup(db, AUDIT_DAYS, now);

/** The chart names this many actions and folds the rest into "other". */
const CHART_SERIES = 6;
const OTHER_ACTIONS = 'other';

export type EventsPerDay = { from: Date; to: Date; series: string[]; points: { day: string; values: number[] }[] };

/** Counts per day and action of the events matching the filter, from the daily rollup where it can answer. */
async function countPerDay(db: DbOrTx, filter: AuditFilter & { from: Date; to: Date }) {
  // The rollup keeps the action and the severity: other filters need the events themselves.
  const rollupAnswers = !filter.actor && !filter.targetType && !filter.targetId && !filter.customerId && !filter.ip;
  const covered = rollupAnswers ? await coveredRange(db, AUDIT_DAYS, filter.from) : null;
  if (!covered || covered.start >= filter.to) {
    return db.$queryRaw<{ day: string; action: string; count: number }[]>`
      SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS "day", "action", count(*)::int AS "count"
      FROM "AuditEvent" ${whereClause(conditions(filter))}
      GROUP BY 1, 2`;
  }
  const coveredEnd = covered.end < filter.to ? covered.end : filter.to;
  const rollupWhere = conditions({ action: filter.action, severity: filter.severity });
  rollupWhere.push(Prisma.sql`"day" >= ${covered.start}`, Prisma.sql`"day" < ${coveredEnd}`);
  const rawWhere = conditions(filter);
  rawWhere.push(Prisma.sql`("createdAt" < ${covered.start} OR "createdAt" >= ${coveredEnd})`);
  return db.$queryRaw<{ day: string; action: string; count: number }[]>`
    SELECT "day", "action", sum("count")::int AS "count" FROM (
      SELECT to_char("day", 'YYYY-MM-DD') AS "day", "action", "count" FROM "AuditActionDay" ${whereClause(rollupWhere)}
      UNION ALL
      SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD'), "action", count(*)::int FROM "AuditEvent" ${whereClause(rawWhere)} GROUP BY 1, 2
    ) AS "counts"
    GROUP BY 1, 2`;
}

/**
 * Matching events per action per UTC day, for the chart: over the filter's range, by default
 * the last 30 days, and at most policy.audit.chartMaxDays.
 */
export async function auditEventsPerDay(db: DbOrTx, filter: AuditFilter, now = new Date()): Promise<EventsPerDay> {
  const to = filter.to ?? new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  const earliest = new Date(to.getTime() - securityPolicy().audit.chartMaxDays * DAY_MS);
  const requested = filter.from ?? new Date(to.getTime() - 30 * DAY_MS);
  const from = requested < earliest ? earliest : requested;
  const rows = await countPerDay(db, { ...filter, from, to });
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.action, (totals.get(row.action) ?? 0) + row.count);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([action]) => action);
  const named = ranked.length <= CHART_SERIES ? ranked : ranked.slice(0, CHART_SERIES - 1);
  const series = ranked.length > named.length ? [...named, OTHER_ACTIONS] : named;
  const days: string[] = [];
  for (let day = Math.floor(from.getTime() / DAY_MS) * DAY_MS; day < to.getTime(); day += DAY_MS) days.push(new Date(day).toISOString().slice(0, 10));
  const index = new Map(days.map((day, position) => [day, position]));
  const points = days.map((day) => ({ day, values: series.map(() => 0) }));
  for (const row of rows) {
    const point = points[index.get(row.day) ?? -1];
    if (!point) continue;
    const position = named.indexOf(row.action);
    point.values[position === -1 ? series.length - 1 : position]! += row.count;
  }
  return { from, to, series, points };
}

export type CustomerActivityItem = {
  sequence: string;
  createdAt: Date;
  action: string;
  actor: string;
  /** Only for events by the organisation's own users and keys. */
  ip: string | null;
  targetType: string | null;
  targetId: string | null;
  severity: Severity;
  metadata: Record<string, unknown> | null;
};

/**
 * A customer organisation's own activity. Its own users and API keys are named, with their IP
 * and details; the vendor's staff and the system are named by role only, without their IP or
 * internal notes.
 */
export async function listCustomerActivity(db: DbOrTx, customerId: string, page: { cursor?: string | null; limit?: number } = {}) {
  const [events, users, keys] = await Promise.all([
    listAuditEvents(db, { customerId }, page),
    db.user.findMany({ where: { customerId }, select: { id: true } }),
    db.apiKey.findMany({ where: { customerId }, select: { id: true } }),
  ]);
  const own = new Set([...users.map((user) => user.id), ...keys.map((key) => key.id)]);
  const items: CustomerActivityItem[] = events.items.map((event) => {
    const isOwn = event.actorId !== null && own.has(event.actorId);
    return {
      sequence: event.sequence,
      createdAt: event.createdAt,
      action: event.action,
      actor: isOwn ? (event.actorLabel ?? event.actorType) : event.actorType === 'system' ? 'Licensor (automatic)' : 'Vendor staff',
      ip: isOwn ? event.ip : null,
      targetType: event.targetType,
      targetId: event.targetId,
      severity: event.severity,
      metadata: isOwn ? event.metadata : null,
    };
  });
  return { items, nextCursor: events.nextCursor };
}
