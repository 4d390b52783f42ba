import type { z } from 'zod';
import { ListFailedPaymentsInput, ListStripeEventsInput, ListSubscriptionsInput } from '@/lib/schemas/billing';
import type { DbOrTx, Prisma } from '../db';
import { parseInput } from '../licensing/input';
import { StripeInvoiceObject } from './stripe-objects';

/** What the billing pages read: subscriptions, recurring revenue and its trend, failed payments, the webhook log. */

const SUBSCRIPTION_ROW = {
  id: true,
  stripeSubscriptionId: true,
  status: true,
  currentPeriodEnd: true,
  cancelAtPeriodEnd: true,
  mrrCents: true,
  currency: true,
  startedAt: true,
  createdAt: true,
  customer: { select: { id: true, name: true } },
  plan: { select: { id: true, name: true, product: { select: { name: true } } } },
  license: { select: { id: true, keyLast4: true, status: true, expiresAt: true } },
} as const satisfies Prisma.SubscriptionSelect;

/** Subscriptions, newest first, optionally of one status (or of one customer, for the portal). */
export async function listSubscriptions(db: DbOrTx, input: z.input<typeof ListSubscriptionsInput>, scope: { customerId?: string } = {}) {
  const { status, cursor, limit } = parseInput(ListSubscriptionsInput, input);
  const rows = await db.subscription.findMany({
    where: { ...(status ? { status } : {}), ...(scope.customerId ? { customerId: scope.customerId } : {}) },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: SUBSCRIPTION_ROW,
  });
  const page = rows.slice(0, limit);
  return { items: page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
}

// Subscriptions that never started paying count for no month.
const NOT_REVENUE = ['incomplete', 'incomplete_expired'];

/**
 * Monthly recurring revenue per currency now, and at the end of each of the last 12 months (the
 * current month up to now): a subscription counts from its start until it ended, at its current
 * monthly amount.
 */
export async function recurringRevenue(db: DbOrTx, now = new Date()) {
  const rows = await db.$queryRaw<{ month: string; currency: string | null; cents: bigint | null }[]>`
    WITH months AS (
      SELECT m AS "start", LEAST(m + interval '1 month', ${now}::timestamp) AS "at"
      FROM generate_series(date_trunc('month', ${now}::timestamp) - interval '11 months', date_trunc('month', ${now}::timestamp), interval '1 month') AS m
    )
    SELECT to_char(months."start", 'YYYY-MM') AS "month", s."currency", SUM(s."mrrCents")::bigint AS "cents"
    FROM months
    LEFT JOIN "Subscription" s
      ON s."startedAt" <= months."at" AND (s."endedAt" IS NULL OR s."endedAt" > months."at") AND s."status" NOT IN (${NOT_REVENUE[0]}, ${NOT_REVENUE[1]})
    GROUP BY 1, 2
    ORDER BY 1, 2`;
  const months = [...new Set(rows.map((row) => row.month))];
  const currencies = [...new Set(rows.flatMap((row) => (row.currency ? [row.currency] : [])))].sort();
  const trend = months.map((month) => ({
    month,
    cents: Object.fromEntries(currencies.map((currency) => [currency, Number(rows.find((row) => row.month === month && row.currency === currency)?.cents ?? 0)])),
  }));
  const current = trend.at(-1)?.cents ?? {};
  return { currencies, current, trend };
}

/** Subscription counts by status, for the overview tiles. */
export async function subscriptionCounts(db: DbOrTx) {
  const groups = await db.subscription.groupBy({ by: ['status'], _count: { _all: true } });
  return Object.fromEntries(groups.map((group) => [group.status, group._count._all])) as Record<string, number>;
}

/** Failed invoice payments, newest first, read from the stored invoice.payment_failed events. */
export async function listFailedPayments(db: DbOrTx, input: z.input<typeof ListFailedPaymentsInput>) {
  const { cursor, limit } = parseInput(ListFailedPaymentsInput, input);
  const rows = await db.stripeEvent.findMany({
    where: { type: 'invoice.payment_failed' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: { id: true, createdAt: true, status: true, customerId: true, payload: true },
  });
  const page = rows.slice(0, limit);
  const customerIds = [...new Set(page.flatMap((row) => (row.customerId ? [row.customerId] : [])))];
  const customers = new Map((await db.customer.findMany({ where: { id: { in: customerIds } }, select: { id: true, name: true } })).map((customer) => [customer.id, customer]));
  return {
    items: page.map((row) => {
      const invoice = StripeInvoiceObject.safeParse((row.payload as { data?: { object?: unknown } }).data?.object);
      return {
        eventId: row.id,
        failedAt: row.createdAt,
        eventStatus: row.status,
        customer: row.customerId ? (customers.get(row.customerId) ?? null) : null,
        invoiceId: invoice.success ? invoice.data.id : null,
        invoiceNumber: invoice.success ? (invoice.data.number ?? null) : null,
        amountDueCents: invoice.success ? invoice.data.amount_due : null,
        currency: invoice.success ? invoice.data.currency : null,
        attemptCount: invoice.success ? (invoice.data.attempt_count ?? null) : null,
        nextAttemptAt: invoice.success && invoice.data.next_payment_attempt ? new Date(invoice.data.next_payment_attempt * 1000) : null,
        hostedInvoiceUrl: invoice.success ? (invoice.data.hosted_invoice_url ?? null) : null,
      };
    }),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/** The webhook log: every event received, newest first, with its processing status and error. */
export async function listStripeEvents(db: DbOrTx, input: z.input<typeof ListStripeEventsInput>) {
  const { status, cursor, limit } = parseInput(ListStripeEventsInput, input);
  const rows = await db.stripeEvent.findMany({
    where: status ? { status } : {},
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: { id: true, type: true, status: true, error: true, attempts: true, createdAt: true, receivedAt: true, processedAt: true, customerId: true },
  });
  const page = rows.slice(0, limit);
  return { items: page, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
}

/** Counts of webhook events by status, for the overview. */
export async function stripeEventCounts(db: DbOrTx) {
  const groups = await db.stripeEvent.groupBy({ by: ['status'], _count: { _all: true } });
  return Object.fromEntries(groups.map((group) => [group.status, group._count._all])) as Partial<Record<'RECEIVED' | 'PROCESSED' | 'IGNORED' | 'FAILED', number>>;
}
