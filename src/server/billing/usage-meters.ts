import type Stripe from 'stripe';
import type { Db } from '../db';
import { securityPolicy } from '../security/policy';

/**
 * Usage records go to Stripe billing meters for plans that name one: a record belongs to the
 * plan of its license or, without a license, of the customer's live subscription. Each record
 * is one meter event whose identifier is derived from the record, so Stripe counts it once
 * however often it is sent; pushedToStripeAt marks it done. Failures stay unpushed and are
 * retried by the next run.
 */

type PendingUsage = { id: bigint; quantity: number; occurredAt: Date; stripeCustomerId: string; eventName: string };

// Stripe accepts meter events up to 35 days old (the usage API's own limit too).
const MAX_AGE_MS = 35 * 24 * 60 * 60 * 1000;

export const meterEventIdentifier = (usageRecordId: bigint) => `licensor-usage-${usageRecordId}`;

async function pendingUsage(db: Db, limit: number, now: Date): Promise<PendingUsage[]> {
  return db.$queryRaw<PendingUsage[]>`
    SELECT u."id", u."quantity", u."occurredAt", c."stripeCustomerId", p."stripeMeterEventName" AS "eventName"
    FROM "UsageRecord" u
    JOIN "Customer" c ON c."id" = u."customerId"
    JOIN "Plan" p ON p."id" = COALESCE(
      (SELECT l."planId" FROM "License" l WHERE l."id" = u."licenseId"),
      (SELECT s."planId" FROM "Subscription" s WHERE s."customerId" = u."customerId" AND s."status" IN ('active', 'trialing', 'past_due') ORDER BY s."createdAt" DESC LIMIT 1)
    )
    WHERE u."pushedToStripeAt" IS NULL AND c."stripeCustomerId" IS NOT NULL AND p."stripeMeterEventName" IS NOT NULL
      AND u."occurredAt" > ${new Date(now.getTime() - MAX_AGE_MS)}
    ORDER BY u."id"
    LIMIT ${limit}`;
}

/** Runs `work` over the items with at most `concurrency` in flight. */
async function eachWithConcurrency<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

/** Pushes pending usage in batches until none is left or a batch fails entirely. */
export async function pushUsageToStripeMeters(db: Db, stripe: Stripe, now = new Date()) {
  const { meterPushBatchSize, meterPushConcurrency } = securityPolicy().billing;
  let pushed = 0;
  let failed = 0;
  const failures: string[] = [];
  for (;;) {
    const batch = await pendingUsage(db, meterPushBatchSize, now);
    if (batch.length === 0) break;
    const done: bigint[] = [];
    await eachWithConcurrency(batch, meterPushConcurrency, async (usage) => {
      const identifier = meterEventIdentifier(usage.id);
      try {
        await stripe.billing.meterEvents.create(
          {
            event_name: usage.eventName,
            identifier,
            timestamp: Math.floor(usage.occurredAt.getTime() / 1000),
            payload: { stripe_customer_id: usage.stripeCustomerId, value: String(usage.quantity) },
          },
          { idempotencyKey: identifier },
        );
        done.push(usage.id);
      } catch (error) {
        failed += 1;
        if (failures.length < 5) failures.push(`${identifier}: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    if (done.length > 0) await db.usageRecord.updateMany({ where: { id: { in: done }, pushedToStripeAt: null }, data: { pushedToStripeAt: now } });
    pushed += done.length;
    // What failed stays pending; the next run tries it again rather than this loop spinning on it.
    if (done.length < batch.length) break;
  }
  return { pushed, failed, failures };
}
