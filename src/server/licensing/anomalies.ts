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

export async function detectLicenseAnomalies(db: Db, licenseId: string, now = new Date()): Promise<AnomalyFinding[]> {
  const policy = securityPolicy().anomalies;
  const [ips, lastHour, previousWeek] = await Promise.all([
    db.licenseValidation.findMany({
      where: { licenseId, createdAt: { gte: new Date(now.getTime() - 24 * HOUR) } },
      distinct: ['ip'],
      select: { ip: true },
      take: policy.maxDistinctIpsPer24h + 1,
    }),
    db.licenseValidation.groupBy({ by: ['success'], where: { licenseId, createdAt: { gte: new Date(now.getTime() - HOUR) } }, _count: { _all: true } }),
    db.licenseValidation.count({ where: { licenseId, createdAt: { gte: new Date(now.getTime() - 7 * 24 * HOUR), lt: new Date(now.getTime() - HOUR) } } }),
  ]);
  const findings: AnomalyFinding[] = [];
  if (ips.length > policy.maxDistinctIpsPer24h) {
    findings.push({ rule: 'license_many_ips', reason: `Validated from more than ${policy.maxDistinctIpsPer24h} IP addresses in 24 hours.`, detail: { distinctIps: ips.length } });
  }
  const failed = lastHour.find((group) => !group.success)?._count._all ?? 0;
  const total = lastHour.reduce((sum, group) => sum + group._count._all, 0);
  if (total >= policy.minAttemptsForFailureRatio && failed / total > policy.maxFailureRatio) {
    findings.push({
      rule: 'license_failure_ratio',
      reason: `${Math.round((failed / total) * 100)}% of ${total} attempts failed in the last hour.`,
      detail: { failed, total },
    });
  }
  const averageHour = previousWeek / (7 * 24 - 1);
  const threshold = Math.max(policy.rateSpikeFloorPerHour, averageHour * policy.rateSpikeMultiplier);
  if (total > threshold) {
    findings.push({
      rule: 'license_rate_spike',
      reason: `${total} attempts in the last hour, against ${averageHour.toFixed(1)} an hour over the previous week.`,
      detail: { lastHour: total, averagePerHour: Math.round(averageHour * 10) / 10 },
    });
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

const lastEvaluated = new Map<string, number>();

/**
 * Called after each attempt on a license: evaluates it in the background, at most once a minute
 * per license and instance, so the API's latency never includes the detection queries.
 */
export function noteLicenseAttempt(db: Db, license: LicensePolicy, now = new Date()): void {
  if (license.suspicious) return;
  const everyMs = securityPolicy().anomalies.evaluateEverySeconds * 1000;
  const last = lastEvaluated.get(license.id) ?? 0;
  if (now.getTime() - last < everyMs) return;
  lastEvaluated.set(license.id, now.getTime());
  if (lastEvaluated.size > 50_000) lastEvaluated.clear();
  void detectLicenseAnomalies(db, license.id, now)
    .then((findings) => flagLicenseForAnomalies(db, license, findings, now))
    .catch((error: unknown) => console.error('Anomaly detection failed:', error instanceof Error ? error.message : error));
}
