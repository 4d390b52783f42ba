import { recordAuditEvent } from '../audit';
import type { Db } from '../db';
import { securityPolicy } from '../security/policy';
import { invalidateLicensePolicy, type LicensePolicy } from './license-cache';

/**
 * Anomaly detection (seed 000): a license is flagged, with its reason kept and a security alert
 * raised, when it validates from too many IPs, fails too often, or runs far above its own norm.
 * A plan may also suspend such a license at once.
 */

export type AnomalyFinding = { rule: 'license_many_ips' | 'license_failure_ratio' | 'license_rate_spike'; reason: string; detail: Record<string, number> };

const HOUR = 60 * 60 * 1000;

/**
 * The findings for every license used since `since`, in three aggregate queries over the
 * validation log (not a query per license per request).
 */
export async function detectAnomalies(db: Db, since: Date, now = new Date()): Promise<Map<string, AnomalyFinding[]>> {
  const policy = securityPolicy().anomalies;
  const dayAgo = new Date(now.getTime() - 24 * HOUR);
  const hourAgo = new Date(now.getTime() - HOUR);
  const weekAgo = new Date(now.getTime() - 7 * 24 * HOUR);
  const [manyIps, lastHour] = await Promise.all([
    db.$queryRaw<{ licenseId: string; ips: number }[]>`
      SELECT "licenseId", COUNT(DISTINCT "ip")::int AS "ips" FROM "LicenseValidation"
      WHERE "createdAt" >= ${dayAgo} AND "licenseId" IN (
        SELECT DISTINCT "licenseId" FROM "LicenseValidation" WHERE "createdAt" >= ${since} AND "licenseId" IS NOT NULL)
      GROUP BY "licenseId" HAVING COUNT(DISTINCT "ip") > ${policy.maxDistinctIpsPer24h}`,
    db.$queryRaw<{ licenseId: string; total: number; failed: number }[]>`
      SELECT "licenseId", COUNT(*)::int AS "total", (COUNT(*) FILTER (WHERE NOT "success"))::int AS "failed" FROM "LicenseValidation"
      WHERE "createdAt" >= ${hourAgo} AND "licenseId" IN (
        SELECT DISTINCT "licenseId" FROM "LicenseValidation" WHERE "createdAt" >= ${since} AND "licenseId" IS NOT NULL)
      GROUP BY "licenseId"`,
  ]);
  const findings = new Map<string, AnomalyFinding[]>();
  const add = (licenseId: string, finding: AnomalyFinding) => findings.set(licenseId, [...(findings.get(licenseId) ?? []), finding]);

  for (const row of manyIps) {
    add(row.licenseId, { rule: 'license_many_ips', reason: `Validated from ${row.ips} IP addresses in 24 hours (more than ${policy.maxDistinctIpsPer24h}).`, detail: { distinctIps: row.ips } });
  }
  for (const row of lastHour) {
    if (row.total >= policy.minAttemptsForFailureRatio && row.failed / row.total > policy.maxFailureRatio) {
      add(row.licenseId, {
        rule: 'license_failure_ratio',
        reason: `${Math.round((row.failed / row.total) * 100)}% of ${row.total} attempts failed in the last hour.`,
        detail: { failed: row.failed, total: row.total },
      });
    }
  }
  // The rate spike compares a busy license with its own previous week; only busy ones are read.
  const busy = lastHour.filter((row) => row.total > policy.rateSpikeFloorPerHour);
  if (busy.length > 0) {
    const weekly = await db.licenseValidation.groupBy({
      by: ['licenseId'],
      where: { licenseId: { in: busy.map((row) => row.licenseId) }, createdAt: { gte: weekAgo, lt: hourAgo } },
      _count: { _all: true },
    });
    const weeklyCount = new Map(weekly.map((row) => [row.licenseId, row._count._all]));
    for (const row of busy) {
      const averageHour = (weeklyCount.get(row.licenseId) ?? 0) / (7 * 24 - 1);
      if (row.total > averageHour * policy.rateSpikeMultiplier) {
        add(row.licenseId, {
          rule: 'license_rate_spike',
          reason: `${row.total} attempts in the last hour, against ${averageHour.toFixed(1)} an hour over the previous week.`,
          detail: { lastHour: row.total, averagePerHour: Math.round(averageHour * 10) / 10 },
        });
      }
    }
  }
  return findings;
}

/** Flags the license for the first finding (once), raises an alert per new finding, and suspends it when its plan says so. */
export async function flagLicenseForAnomalies(db: Db, license: Pick<LicensePolicy, 'id' | 'customerId' | 'autoSuspendOnAnomaly'>, findings: AnomalyFinding[], now = new Date()) {
  if (findings.length === 0) return false;
  const flagged = await db.$transaction(async (tx) => {
    const current = await tx.license.findUnique({ where: { id: license.id }, select: { suspicious: true, status: true } });
    if (!current || current.suspicious) return false;
    const reason = findings.map((finding) => finding.reason).join(' ');
    const suspend = license.autoSuspendOnAnomaly && current.status === 'ACTIVE';
    await tx.license.update({
      where: { id: license.id },
      data: { suspicious: true, suspiciousReason: reason, flaggedAt: now, ...(suspend ? { status: 'SUSPENDED', suspendedAt: now } : {}) },
    });
    for (const finding of findings) {
      await tx.securityAlert.create({
        data: { rule: finding.rule, severity: 'WARNING', title: finding.reason, detail: finding.detail, licenseId: license.id, customerId: license.customerId, createdAt: now },
      });
    }
    const actor = { type: 'system' as const, label: 'anomaly detection' };
    await recordAuditEvent(tx, { actor, action: 'license.flag', target: { type: 'license', id: license.id }, customerId: license.customerId, severity: 'WARNING', metadata: { reason, rules: findings.map((finding) => finding.rule) } });
    if (suspend) {
      await recordAuditEvent(tx, { actor, action: 'license.suspend', target: { type: 'license', id: license.id }, customerId: license.customerId, severity: 'WARNING', metadata: { reason: 'automatic suspension on anomaly (plan policy)' } });
    }
    return true;
  });
  if (flagged) invalidateLicensePolicy(license.id);
  return flagged;
}

/** Detects and flags every license used since the last sweep; returns the licenses flagged. */
export async function sweepLicenseAnomalies(db: Db, since: Date, now = new Date()): Promise<string[]> {
  const findings = await detectAnomalies(db, since, now);
  if (findings.size === 0) return [];
  const licenses = await db.license.findMany({
    where: { id: { in: [...findings.keys()] }, suspicious: false },
    select: { id: true, customerId: true, plan: { select: { autoSuspendOnAnomaly: true } } },
  });
  const flagged: string[] = [];
  for (const license of licenses) {
    const made = await flagLicenseForAnomalies(db, { id: license.id, customerId: license.customerId, autoSuspendOnAnomaly: license.plan.autoSuspendOnAnomaly }, findings.get(license.id)!, now);
    if (made) flagged.push(license.id);
  }
  return flagged;
}

let sweeping: NodeJS.Timeout | null = null;

/**
 * Starts this instance's periodic sweep (once), on the first use of the license API: the API's
 * latency never includes the detection queries. Several instances may sweep; flagging is
 * idempotent (a flagged license is skipped).
 */
export function scheduleAnomalySweeps(db: Db): void {
  if (sweeping) return;
  const everyMs = securityPolicy().anomalies.sweepEverySeconds * 1000;
  let since = new Date(Date.now() - everyMs);
  sweeping = setInterval(() => {
    const now = new Date();
    void sweepLicenseAnomalies(db, since, now)
      .then(() => {
        since = now;
      })
      .catch((error: unknown) => console.error('Anomaly sweep failed:', error instanceof Error ? error.message : error));
  }, everyMs);
  sweeping.unref();
}
