import { WINDOW_SECONDS, type ListSignInAttemptsInput, type ListValidationAttemptsInput, type ListWebhookFailuresInput, type SecurityWindow, type ValidationOutcome } from '@/lib/schemas/security';
import { Prisma, type DbOrTx } from '../db';
import { coveredRange, VALIDATION_DAYS, VALIDATION_HOURS, type CoveredRange } from './rollups';

/**
 * The security dashboard's queries (seed 000's monitoring queries, seeds 001 and 004's metrics)
 * over a window, and the lists behind its tiles. Validation counts come from rollups of ended
 * hours and days plus the newest attempts, so a week of millions of attempts reads thousands of
 * rows (bench/dashboard.ts measures every query).
 */

/** PROTOCOL.md's 401 and 403 codes: requests refused as unauthenticated or forbidden. */
export const UNAUTHORISED_CODES = ['BAD_SIGNATURE', 'STALE_TIMESTAMP', 'REPLAYED_NONCE', 'UNAUTHORIZED', 'FORBIDDEN', 'IP_BLOCKED'] as const;
export const RATE_LIMITED_CODE = 'RATE_LIMITED';

/** Seed 000: an IP with more than 100 attempts in the window is suspicious. */
export const SUSPICIOUS_IP_ATTEMPTS = 100;
/** Seed 000: a license seen from more than 5 IPs. */
export const MANY_IPS_PER_LICENSE = 5;

const unauthorisedList = Prisma.join(UNAUTHORISED_CODES.map((code) => Prisma.sql`${code}`));
const UNAUTHORISED = new Set<string>(UNAUTHORISED_CODES);

/** How an attempt ended, as the dashboard groups them (outcomeCondition below is the same in SQL, for the lists). */
function outcomeOf(success: boolean, code: string): ValidationOutcome {
  if (success) return 'succeeded';
  if (code === RATE_LIMITED_CODE) return 'rate_limited';
  return UNAUTHORISED.has(code) ? 'unauthorised' : 'failed';
}

function outcomeCondition(outcome: ValidationOutcome): Prisma.Sql {
  switch (outcome) {
    case 'succeeded':
      return Prisma.sql`"success"`;
    case 'rate_limited':
      return Prisma.sql`"code" = ${RATE_LIMITED_CODE}`;
    case 'unauthorised':
      return Prisma.sql`"code" IN (${unauthorisedList})`;
    case 'failed':
      // Every refusal: the success-rate tile's complement.
      return Prisma.sql`NOT "success"`;
  }
}

export function windowStart(window: SecurityWindow, now = new Date()): Date {
  return new Date(now.getTime() - WINDOW_SECONDS[window] * 1000);
}

/** Source rows of the window that the rollup does not cover: before its start, or from its end on. */
function uncovered(since: Date, covered: CoveredRange | null): Prisma.Sql {
  return covered ? Prisma.sql`(("createdAt" >= ${since} AND "createdAt" < ${covered.start}) OR "createdAt" >= ${covered.end})` : Prisma.sql`"createdAt" >= ${since}`;
}

/** Chart buckets: 5 minutes over an hour, an hour over a day, 6 hours over a week. */
const BUCKETS: Record<SecurityWindow, { sql: string; ms: number }> = {
  '1h': { sql: '5 minutes', ms: 5 * 60 * 1000 },
  '24h': { sql: '1 hour', ms: 60 * 60 * 1000 },
  '7d': { sql: '6 hours', ms: 6 * 60 * 60 * 1000 },
};

type CodeCount = { success: boolean; code: string; count: number };

/** Attempts of the window per outcome code: ended hours from the hourly rollup, the rest from the attempts. */
export async function validationCodeCounts(db: DbOrTx, since: Date): Promise<CodeCount[]> {
  const covered = await coveredRange(db, VALIDATION_HOURS, since);
  return db.$queryRaw<CodeCount[]>`
    SELECT "success", "code", sum("count")::int AS "count" FROM (
      SELECT "success", "code", "count" FROM "ValidationHourStat" WHERE "hour" >= ${covered?.start ?? since} AND "hour" < ${covered?.end ?? since}
      UNION ALL
      SELECT "success", "code", count(*)::int FROM "LicenseValidation" WHERE ${uncovered(since, covered)} GROUP BY 1, 2
    ) AS "counts"
    GROUP BY 1, 2`;
}

type ValidationSummary = { total: number; succeeded: number; failed: number; rateLimited: number; unauthorised: number };

/** Success rate (seed 000), rate-limit hits and 401/403 answers (seed 001). */
function summarise(counts: CodeCount[]): ValidationSummary {
  const summary: ValidationSummary = { total: 0, succeeded: 0, failed: 0, rateLimited: 0, unauthorised: 0 };
  for (const row of counts) {
    summary.total += row.count;
    const outcome = outcomeOf(row.success, row.code);
    if (outcome === 'succeeded') summary.succeeded += row.count;
    else summary.failed += row.count;
    if (outcome === 'rate_limited') summary.rateLimited += row.count;
    if (outcome === 'unauthorised') summary.unauthorised += row.count;
  }
  return summary;
}

export async function validationSummary(db: DbOrTx, since: Date): Promise<ValidationSummary> {
  return summarise(await validationCodeCounts(db, since));
}

/** Why validations failed: each refusal code and how often, most frequent first. */
function failureReasons(counts: CodeCount[], limit = 15) {
  const byCode = new Map<string, number>();
  for (const row of counts) if (!row.success) byCode.set(row.code, (byCode.get(row.code) ?? 0) + row.count);
  return [...byCode.entries()]
    .map(([code, count]) => ({ code, count }))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
    .slice(0, limit);
}

type OutcomePoint = { at: Date } & Record<ValidationOutcome, number>;

/** Validations over time by outcome: one point per bucket, empty buckets included. */
export async function validationsOverTime(db: DbOrTx, window: SecurityWindow, now = new Date()): Promise<OutcomePoint[]> {
  const bucket = BUCKETS[window];
  const since = windowStart(window, now);
  const covered = await coveredRange(db, VALIDATION_HOURS, since);
  const rows = await db.$queryRaw<{ bucket: Date; success: boolean; code: string; count: number }[]>`
    SELECT date_bin(${bucket.sql}::interval, "at", TIMESTAMP '2000-01-01') AS "bucket", "success", "code", sum("count")::int AS "count" FROM (
      SELECT "hour" AS "at", "success", "code", "count" FROM "ValidationHourStat" WHERE "hour" >= ${covered?.start ?? since} AND "hour" < ${covered?.end ?? since}
      UNION ALL
      SELECT "createdAt", "success", "code", 1 FROM "LicenseValidation" WHERE ${uncovered(since, covered)}
    ) AS "attempts"
    GROUP BY 1, 2, 3`;
  const first = Math.floor(since.getTime() / bucket.ms) * bucket.ms;
  const points = new Map<number, OutcomePoint>();
  for (let at = first; at <= now.getTime(); at += bucket.ms) points.set(at, { at: new Date(at), succeeded: 0, failed: 0, rate_limited: 0, unauthorised: 0 });
  for (const row of rows) {
    const point = points.get(row.bucket.getTime());
    if (point) point[outcomeOf(row.success, row.code)] += row.count;
  }
  return [...points.values()];
}

type LicenseLabel = { id: string; keyLast4: string; suspicious: boolean; customer: { id: string; name: string } };

async function licenseLabels(db: DbOrTx, ids: string[]): Promise<Map<string, LicenseLabel>> {
  if (ids.length === 0) return new Map();
  const licenses = await db.license.findMany({
    where: { id: { in: ids } },
    select: { id: true, keyLast4: true, suspicious: true, customer: { select: { id: true, name: true } } },
  });
  return new Map(licenses.map((license) => [license.id, license]));
}

type ActivityRow = { kind: 'license' | 'ip' | 'many_ips'; key: string; total: number; failed: number; ips: number };

/**
 * Seed 000's license and address queries in one statement over the (license, address) pairs of
 * the window: the most validated licenses, addresses with more than 100 attempts, and licenses
 * seen from more than 5 addresses. Ended days come from the daily rollup.
 */
export async function licenseAndIpActivity(db: DbOrTx, since: Date, now = new Date(), limits = { licenses: 10, ips: 20, manyIps: 20 }) {
  const covered = await coveredRange(db, VALIDATION_DAYS, since);
  const rows = await db.$queryRaw<ActivityRow[]>`
    WITH "pairs" AS MATERIALIZED (
      SELECT "licenseId", "ip", sum("total")::int AS "total", sum("failed")::int AS "failed" FROM (
        SELECT "licenseId", "ip", "total", "failed" FROM "ValidationDayPair" WHERE "day" >= ${covered?.start ?? since} AND "day" < ${covered?.end ?? since}
        UNION ALL
        SELECT coalesce("licenseId", ''), "ip", count(*)::int, (count(*) FILTER (WHERE NOT "success"))::int FROM "LicenseValidation"
        WHERE ${uncovered(since, covered)} GROUP BY 1, 2
      ) AS "parts"
      GROUP BY 1, 2
    )
    (SELECT 'license' AS "kind", "licenseId" AS "key", sum("total")::int AS "total", sum("failed")::int AS "failed", count(*)::int AS "ips"
     FROM "pairs" WHERE "licenseId" <> '' GROUP BY "licenseId" ORDER BY 3 DESC, 2 LIMIT ${limits.licenses})
    UNION ALL
    (SELECT 'ip', "ip", sum("total")::int, sum("failed")::int, 1 FROM "pairs" GROUP BY "ip" HAVING sum("total") > ${SUSPICIOUS_IP_ATTEMPTS} ORDER BY 3 DESC, 2 LIMIT ${limits.ips})
    UNION ALL
    (SELECT 'many_ips', "licenseId", sum("total")::int, sum("failed")::int, count(*)::int FROM "pairs" WHERE "licenseId" <> ''
     GROUP BY "licenseId" HAVING count(*) > ${MANY_IPS_PER_LICENSE} ORDER BY 5 DESC, 2 LIMIT ${limits.manyIps})`;
  const of = (kind: ActivityRow['kind']) => rows.filter((row) => row.kind === kind);
  const [labels, blocked] = await Promise.all([
    licenseLabels(db, [...new Set([...of('license'), ...of('many_ips')].map((row) => row.key))]),
    of('ip').length ? db.ipBlock.findMany({ where: { ip: { in: of('ip').map((row) => row.key) }, liftedAt: null, expiresAt: { gt: now } }, select: { ip: true } }) : [],
  ]);
  const blockedIps = new Set(blocked.map((block) => block.ip));
  const withLicense = (kind: 'license' | 'many_ips') =>
    of(kind).flatMap((row) => {
      const license = labels.get(row.key);
      return license ? [{ licenseId: row.key, total: row.total, failed: row.failed, ips: row.ips, license }] : [];
    });
  return {
    topLicenses: withLicense('license'),
    suspiciousIps: of('ip').map((row) => ({ ip: row.key, attempts: row.total, failed: row.failed, blocked: blockedIps.has(row.key) })),
    licensesOnManyIps: withLicense('many_ips'),
  };
}

/** Licenses flagged by anomaly detection and not yet cleared: how many, and the newest. */
export async function flaggedLicenses(db: DbOrTx, limit = 10) {
  const [count, newest] = await Promise.all([
    db.license.count({ where: { suspicious: true } }),
    db.license.findMany({
      where: { suspicious: true },
      orderBy: [{ flaggedAt: { sort: 'desc', nulls: 'last' } }, { id: 'desc' }],
      take: limit,
      select: { id: true, keyLast4: true, suspiciousReason: true, flaggedAt: true, customer: { select: { id: true, name: true } } },
    }),
  ]);
  return { count, newest };
}

/** Seed 004: failed sign-ins per hour (and all attempts, for their share). */
export async function signInFailuresPerHour(db: DbOrTx, since: Date) {
  const rows = await db.$queryRaw<{ hour: Date; failed: number; total: number }[]>`
    SELECT date_trunc('hour', "createdAt") AS "hour", (count(*) FILTER (WHERE NOT "success"))::int AS "failed", count(*)::int AS "total"
    FROM "SignInAttempt" WHERE "createdAt" >= ${since}
    GROUP BY 1 ORDER BY 1`;
  return { hours: rows, failed: rows.reduce((sum, row) => sum + row.failed, 0), total: rows.reduce((sum, row) => sum + row.total, 0) };
}

/** Seed 004: Stripe webhook events that failed processing in the window, out of all received. */
export async function webhookFailures(db: DbOrTx, since: Date) {
  const [failed, received] = await Promise.all([
    db.stripeEvent.count({ where: { status: 'FAILED', receivedAt: { gte: since } } }),
    db.stripeEvent.count({ where: { receivedAt: { gte: since } } }),
  ]);
  return { failed, received };
}

/** Seed 004: IPs blocked now, and blocks made in the window. */
export async function blockedIpCounts(db: DbOrTx, since: Date, now = new Date()) {
  const [active, createdInWindow] = await Promise.all([
    db.ipBlock.count({ where: { liftedAt: null, expiresAt: { gt: now } } }),
    db.ipBlock.count({ where: { createdAt: { gte: since } } }),
  ]);
  return { active, createdInWindow };
}

export async function openAlertCount(db: DbOrTx) {
  return db.securityAlert.count({ where: { status: { not: 'RESOLVED' } } });
}

/** Every tile of /admin/security for one window, read in parallel. */
export async function getSecurityDashboard(db: DbOrTx, window: SecurityWindow, now = new Date()) {
  const since = windowStart(window, now);
  const [codes, overTime, activity, flagged, signIns, webhooks, blocks, openAlerts] = await Promise.all([
    validationCodeCounts(db, since),
    validationsOverTime(db, window, now),
    licenseAndIpActivity(db, since, now),
    flaggedLicenses(db),
    signInFailuresPerHour(db, since),
    webhookFailures(db, since),
    blockedIpCounts(db, since, now),
    openAlertCount(db),
  ]);
  return { window, since, now, summary: summarise(codes), reasons: failureReasons(codes), overTime, ...activity, flagged, signIns, webhooks, blocks, openAlerts };
}

// ---------------------------------------------------------------------------
// The lists behind the tiles
// ---------------------------------------------------------------------------

const page = <Row>(rows: Row[], limit: number, cursorOf: (row: Row) => string) => {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? cursorOf(items[items.length - 1]!) : null };
};

const isSequentialId = (cursor: string | null | undefined): cursor is string => typeof cursor === 'string' && /^\d{1,19}$/.test(cursor);

/** Validation attempts of the window, newest first, filtered by outcome, code, IP or license. */
export async function listValidationAttempts(db: DbOrTx, input: Omit<ListValidationAttemptsInput, 'limit'> & { limit?: number }, now = new Date()) {
  const limit = input.limit ?? 50;
  const where: Prisma.Sql[] = [Prisma.sql`"createdAt" >= ${windowStart(input.window ?? '24h', now)}`];
  if (input.outcome) where.push(outcomeCondition(input.outcome));
  if (input.code) where.push(Prisma.sql`"code" = ${input.code}`);
  if (input.ip) where.push(Prisma.sql`"ip" = ${input.ip}`);
  if (input.licenseId) where.push(Prisma.sql`"licenseId" = ${input.licenseId}`);
  if (isSequentialId(input.cursor)) where.push(Prisma.sql`"id" < ${BigInt(input.cursor)}`);
  const rows = await db.$queryRaw<
    { id: bigint; licenseId: string | null; kind: string; success: boolean; code: string; ip: string; fingerprint: string | null; feature: string | null; createdAt: Date }[]
  >`
    SELECT "id", "licenseId", "kind", "success", "code", "ip", "fingerprint", "feature", "createdAt"
    FROM "LicenseValidation" WHERE ${Prisma.join(where, ' AND ')}
    ORDER BY "id" DESC LIMIT ${limit + 1}`;
  const labels = await licenseLabels(db, [...new Set(rows.flatMap((row) => (row.licenseId ? [row.licenseId] : [])))]);
  const result = page(rows, limit, (row) => row.id.toString());
  return {
    items: result.items.map((row) => ({ ...row, id: row.id.toString(), license: row.licenseId ? (labels.get(row.licenseId) ?? null) : null })),
    nextCursor: result.nextCursor,
  };
}

/** Sign-in attempts of the window, newest first. */
export async function listSignInAttempts(db: DbOrTx, input: Omit<ListSignInAttemptsInput, 'limit'> & { limit?: number }, now = new Date()) {
  const limit = input.limit ?? 50;
  const rows = await db.signInAttempt.findMany({
    where: {
      createdAt: { gte: windowStart(input.window ?? '24h', now) },
      ...(input.result ? { success: input.result === 'succeeded' } : {}),
      ...(input.ip ? { ip: input.ip } : {}),
      ...(isSequentialId(input.cursor) ? { id: { lt: BigInt(input.cursor) } } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit + 1,
    select: { id: true, email: true, userId: true, ip: true, success: true, reason: true, createdAt: true },
  });
  const result = page(rows, limit, (row) => row.id.toString());
  return { items: result.items.map((row) => ({ ...row, id: row.id.toString() })), nextCursor: result.nextCursor };
}

/** Stripe events that failed processing in the window, newest first; the cursor is `<receivedAt ISO>|<id>`. */
export async function listWebhookFailures(db: DbOrTx, input: Omit<ListWebhookFailuresInput, 'limit'> & { limit?: number }, now = new Date()) {
  const limit = input.limit ?? 50;
  const [at, id] = input.cursor?.split('|') ?? [];
  const cursorDate = at ? new Date(at) : null;
  const after = cursorDate && !Number.isNaN(cursorDate.getTime()) && id ? { receivedAt: cursorDate, id } : null;
  const rows = await db.stripeEvent.findMany({
    where: {
      status: 'FAILED',
      receivedAt: { gte: windowStart(input.window ?? '24h', now) },
      ...(after ? { OR: [{ receivedAt: { lt: after.receivedAt } }, { receivedAt: after.receivedAt, id: { lt: after.id } }] } : {}),
    },
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    select: { id: true, type: true, error: true, attempts: true, receivedAt: true, createdAt: true },
  });
  return page(rows, limit, (row) => `${row.receivedAt.toISOString()}|${row.id}`);
}
