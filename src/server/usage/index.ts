import { z } from 'zod';
import type { AuthenticatedApiKey } from '../apikeys';
import type { Db, DbOrTx } from '../db';
import { normaliseLicenseKey } from '../licensing/keys';
import { securityPolicy } from '../security/policy';
import { consumeRateLimit, type RateLimitResult } from '../security/rate-limit';

/** POST /api/v1/usage (PROTOCOL.md section 4), after the API key has been authenticated. */

const UsageReport = z.strictObject({
  licenseKey: z.string().max(64).optional(),
  metric: z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/),
  // A JSON number with an integer value (2.0 is 2), from 1 to 1,000,000,000.
  quantity: z.number().int().min(1).max(1_000_000_000),
  occurredAt: z.iso.datetime({ offset: false }).optional(),
  idempotencyKey: z.string().regex(/^[\x20-\x7E]{1,128}$/),
});

export type UsageOutcome =
  | { status: 202; body: { accepted: true; duplicate: boolean } }
  | { status: 400 | 403; body: { error: 'BAD_REQUEST' | 'FORBIDDEN'; message: string } }
  | { status: 429; body: { error: 'RATE_LIMITED'; message: string }; rateLimit: RateLimitResult };

export async function reportUsage(db: Db, input: { apiKey: AuthenticatedApiKey; json: unknown; now?: Date }): Promise<UsageOutcome> {
  const now = input.now ?? new Date();
  const parsed = UsageReport.safeParse(input.json);
  const policy = securityPolicy().apiKeys;
  const occurredAt = parsed.success && parsed.data.occurredAt ? new Date(parsed.data.occurredAt) : now;
  const tooNew = occurredAt.getTime() > now.getTime() + policy.usageMaxFutureSeconds * 1000;
  const tooOld = occurredAt.getTime() < now.getTime() - policy.usageMaxAgeDays * 24 * 60 * 60 * 1000;
  if (!parsed.success || tooNew || tooOld) return { status: 400, body: { error: 'BAD_REQUEST', message: 'The request is malformed.' } };
  const customerId = input.apiKey.customerId;
  if (!customerId) return { status: 403, body: { error: 'FORBIDDEN', message: 'Usage is reported with a customer key.' } };

  const limit = await consumeRateLimit('usagePerCustomer', customerId);
  if (!limit.allowed) return { status: 429, body: { error: 'RATE_LIMITED', message: 'Too many usage reports. Retry after the time in the Retry-After header.' }, rateLimit: limit };

  let licenseId: string | null = null;
  if (parsed.data.licenseKey !== undefined) {
    // Unknown and foreign licenses are not told apart.
    const license = await db.license.findUnique({ where: { key: normaliseLicenseKey(parsed.data.licenseKey) }, select: { id: true, customerId: true } });
    if (!license || license.customerId !== customerId) return { status: 403, body: { error: 'FORBIDDEN', message: 'The license is not one of this customer\'s.' } };
    licenseId = license.id;
  }
  const inserted = await db.$queryRaw<{ id: bigint }[]>`
    INSERT INTO "UsageRecord" ("customerId", "licenseId", "apiKeyId", "metric", "quantity", "occurredAt", "receivedAt", "idempotencyKey")
    VALUES (${customerId}, ${licenseId}, ${input.apiKey.id}, ${parsed.data.metric}, ${parsed.data.quantity}, ${occurredAt}, ${now}, ${parsed.data.idempotencyKey})
    ON CONFLICT ("customerId", "idempotencyKey") DO NOTHING
    RETURNING "id"`;
  return { status: 202, body: { accepted: true, duplicate: inserted.length === 0 } };
}

/** Usage per metric per day (UTC) for a customer (or every customer), for the usage pages. */
export async function usageByMetricPerDay(db: DbOrTx, input: { customerId?: string; days?: number }, now = new Date()) {
  const days = input.days ?? 30;
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days + 1));
  const rows = input.customerId
    ? await db.$queryRaw<{ day: Date; metric: string; quantity: bigint }[]>`
        SELECT date_trunc('day', "occurredAt") AS "day", "metric", SUM("quantity")::bigint AS "quantity"
        FROM "UsageRecord" WHERE "customerId" = ${input.customerId} AND "occurredAt" >= ${since}
        GROUP BY 1, 2 ORDER BY 1, 2`
    : await db.$queryRaw<{ day: Date; metric: string; quantity: bigint }[]>`
        SELECT date_trunc('day', "occurredAt") AS "day", "metric", SUM("quantity")::bigint AS "quantity"
        FROM "UsageRecord" WHERE "occurredAt" >= ${since}
        GROUP BY 1, 2 ORDER BY 1, 2`;
  return rows.map((row) => ({ day: row.day.toISOString().slice(0, 10), metric: row.metric, quantity: Number(row.quantity) }));
}
