import type { Db } from '../db';
import { securityPolicy } from '../security/policy';
import { stripeClientFromEnv } from './stripe-client';
import { markOverdueLicenses } from './subscription-licenses';
import { pushUsageToStripeMeters } from './usage-meters';

/**
 * Each server instance, every few minutes: licenses whose payment grace ran out become OVERDUE
 * even when no webhook arrives, and pending usage goes to Stripe meters. Both are safe to run on
 * several instances at once.
 */
export function startBillingSchedule(getDb: () => Promise<Db>): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const db = await getDb();
      await markOverdueLicenses(db);
      const stripe = stripeClientFromEnv();
      if (stripe) {
        const usage = await pushUsageToStripeMeters(db, stripe);
        if (usage.failed > 0) console.warn(`Stripe meter events: ${usage.failed} usage record(s) not pushed, retried next run. ${usage.failures.join('; ')}`);
      }
    } catch (error) {
      console.error('Billing schedule failed:', error instanceof Error ? error.message : error);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), securityPolicy().billing.scheduleEverySeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
