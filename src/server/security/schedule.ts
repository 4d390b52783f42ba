import { applyAuditRetention, checkpointIfDue, refreshAuditRollup } from '../audit';
import type { Db } from '../db';
import { runAlertEvaluation } from './alerts';
import { securityPolicy } from './policy';
import { refreshValidationRollups } from './rollups';

/**
 * Each server instance, every minute: the rollups of ended hours and days, the alert rules (and
 * delivery of pending alerts), the hourly audit checkpoint when one is due, and hourly the
 * retention of old audit events. All are safe on several instances at once (idempotent rollups,
 * an advisory lock, the chain-head lock).
 */
export function startSecurityOperations(getDb: () => Promise<Db>): () => void {
  const policy = securityPolicy();
  let running = false;
  let lastRetention = 0;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const db = await getDb();
      const now = new Date();
      await refreshValidationRollups(db, now);
      await refreshAuditRollup(db, now);
      await runAlertEvaluation(db, { now });
      await checkpointIfDue(db, policy.audit.checkpointEverySeconds, now);
      if (now.getTime() - lastRetention >= policy.audit.retentionEverySeconds * 1000) {
        lastRetention = now.getTime();
        await applyAuditRetention(db, { now });
      }
    } catch (error) {
      console.error('Security operations failed:', error instanceof Error ? error.message : error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), policy.alerts.evaluateEverySeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
