import type { Db, DbOrTx } from '../db';

/**
 * Rollups: per-hour and per-day counts of periods that have ended, written once and read by the
 * dashboards instead of millions of source rows. Each rollup records the period it covers; a
 * reader takes the covered part from the rollup and counts the source rows for the rest, so its
 * answer is the same whether or not the rollups are up to date (only faster when they are).
 */

export const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
/** A period is rolled up this long after it ends: validation attempts settle within seconds, and instance clocks differ by less. */
const SETTLE_MS = 5 * 60 * 1000;
/** At most this many periods per statement, so a first run over a long history stays a series of short statements. */
const PERIODS_PER_STATEMENT = 24;

const floorTo = (ms: number, unitMs: number) => Math.floor(ms / unitMs) * unitMs;
const ceilTo = (ms: number, unitMs: number) => Math.ceil(ms / unitMs) * unitMs;

export type RollupSpec = {
  name: string;
  unitMs: number;
  /** How far back a first run starts (the longest period a reader asks for, with room to spare). */
  lookbackMs: number;
  /** The oldest source row's time, where a first run may start instead. */
  oldest: (db: DbOrTx) => Promise<Date | null>;
  /** Writes the counts of [from, to), both on unit boundaries; rows already there are kept (ON CONFLICT DO NOTHING). */
  write: (db: DbOrTx, from: Date, to: Date) => Promise<unknown>;
};

/**
 * Rolls up every ended period not yet covered, in short statements. Several instances may run
 * this at once: the counts of an ended period are the same whoever writes them, the inserts
 * skip rows that exist, and the coverage only moves forward.
 */
export async function refreshRollup(db: Db, spec: RollupSpec, now = new Date()) {
  const coverage = await db.rollupCoverage.findUnique({ where: { name: spec.name } });
  const end = floorTo(now.getTime() - SETTLE_MS, spec.unitMs);
  let from = coverage?.throughAt.getTime();
  let fromAt = coverage?.fromAt;
  if (from === undefined) {
    const oldest = await spec.oldest(db);
    from = Math.max(floorTo((oldest ?? now).getTime(), spec.unitMs), floorTo(now.getTime() - spec.lookbackMs, spec.unitMs));
    fromAt = new Date(from);
  }
  let periods = 0;
  while (from < end) {
    const to = Math.min(end, from + PERIODS_PER_STATEMENT * spec.unitMs);
    await spec.write(db, new Date(from), new Date(to));
    periods += (to - from) / spec.unitMs;
    from = to;
    await db.$executeRaw`
      INSERT INTO "RollupCoverage" ("name", "fromAt", "throughAt") VALUES (${spec.name}, ${fromAt}, ${new Date(from)})
      ON CONFLICT ("name") DO UPDATE SET "throughAt" = GREATEST("RollupCoverage"."throughAt", EXCLUDED."throughAt")`;
  }
  if (!coverage && periods === 0) {
    await db.rollupCoverage.upsert({ where: { name: spec.name }, create: { name: spec.name, fromAt: new Date(from), throughAt: new Date(from) }, update: {} });
  }
  return { periods };
}

export type CoveredRange = { start: Date; end: Date };

/** The whole periods of [since, ∞) that the rollup covers, or null when it covers none of them. */
export async function coveredRange(db: DbOrTx, spec: Pick<RollupSpec, 'name' | 'unitMs'>, since: Date): Promise<CoveredRange | null> {
  const coverage = await db.rollupCoverage.findUnique({ where: { name: spec.name } });
  if (!coverage) return null;
  const start = Math.max(ceilTo(since.getTime(), spec.unitMs), coverage.fromAt.getTime());
  return start < coverage.throughAt.getTime() ? { start: new Date(start), end: coverage.throughAt } : null;
}

export const VALIDATION_HOURS: RollupSpec = {
  name: 'validation_hour',
  unitMs: HOUR_MS,
  lookbackMs: 8 * DAY_MS,
  oldest: async (db) => (await db.licenseValidation.findFirst({ orderBy: { createdAt: 'asc' }, select: { createdAt: true } }))?.createdAt ?? null,
  write: (db, from, to) => db.$executeRaw`
    INSERT INTO "ValidationHourStat" ("hour", "success", "code", "count")
    SELECT date_trunc('hour', "createdAt"), "success", "code", count(*)::int FROM "LicenseValidation"
    WHERE "createdAt" >= ${from} AND "createdAt" < ${to}
    GROUP BY 1, 2, 3
    ON CONFLICT DO NOTHING`,
};

export const VALIDATION_DAYS: RollupSpec = {
  name: 'validation_day',
  unitMs: DAY_MS,
  lookbackMs: 8 * DAY_MS,
  oldest: VALIDATION_HOURS.oldest,
  write: (db, from, to) => db.$executeRaw`
    INSERT INTO "ValidationDayPair" ("day", "licenseId", "ip", "total", "failed")
    SELECT date_trunc('day', "createdAt"), coalesce("licenseId", ''), "ip", count(*)::int, (count(*) FILTER (WHERE NOT "success"))::int
    FROM "LicenseValidation"
    WHERE "createdAt" >= ${from} AND "createdAt" < ${to}
    GROUP BY 1, 2, 3
    ON CONFLICT DO NOTHING`,
};

/** The rollups the security dashboard and the alert rules read. */
export async function refreshValidationRollups(db: Db, now = new Date()) {
  await refreshRollup(db, VALIDATION_HOURS, now);
  await refreshRollup(db, VALIDATION_DAYS, now);
}
