import type { Severity } from '@/generated/prisma/enums';
import type { AuditFilter } from '@/lib/schemas/audit';
import { Prisma, type DbOrTx } from '../db';
import { AppError } from '../errors';
import { securityPolicy } from '../security/policy';
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
export function actionPrefix(action: string): string | null {
  if (action.endsWith('*')) return action.slice(0, -1);
  return action.endsWith('.') ? action : null;
}

function conditions(filter: AuditFilter): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filter.from) where.push(Prisma.sql`"createdAt" >= ${filter.from}`);
  if (filter.to) where.push(Prisma.sql`"createdAt" < ${filter.to}`);
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
  const where = conditions(filter);
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

const DAY_MS = 24 * 60 * 60 * 1000;
/** The chart names this many actions and folds the rest into "other". */
const CHART_SERIES = 6;
export const OTHER_ACTIONS = 'other';

export type EventsPerDay = { from: Date; to: Date; series: string[]; points: { day: string; values: number[] }[] };

/**
 * Matching events per action per UTC day, for the chart: over the filter's range, by default
 * the last 30 days, and at most policy.audit.chartMaxDays.
 */
export async function auditEventsPerDay(db: DbOrTx, filter: AuditFilter, now = new Date()): Promise<EventsPerDay> {
  const to = filter.to ?? new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS);
  const earliest = new Date(to.getTime() - securityPolicy().audit.chartMaxDays * DAY_MS);
  const requested = filter.from ?? new Date(to.getTime() - 30 * DAY_MS);
  const from = requested < earliest ? earliest : requested;
  const rows = await db.$queryRaw<{ day: string; action: string; count: number }[]>`
    SELECT to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD') AS "day", "action", count(*)::int AS "count"
    FROM "AuditEvent" ${whereClause(conditions({ ...filter, from, to }))}
    GROUP BY 1, 2`;
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
