import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { createBillingFixture } from '../../../tests/billing-fixtures';
import { describeWithDatabase } from '../../../tests/helpers';
import { invoiceObject, stripeEvent, stripeId } from '../../../tests/stripe-events';
import { getDb } from '../db';
import { listFailedPayments, listStripeEvents, listSubscriptions, recurringRevenue } from '.';

const monthsAgo = (months: number, now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 15));

describeWithDatabase('billing reports', () => {
  it('counts recurring revenue per month from each subscription’s start until it ended', async () => {
    const db = await getDb();
    const fixture = await createBillingFixture(db);
    // A currency of this test's own, so other tests' subscriptions do not add to it.
    const currency = `x${randomBytes(2).toString('hex')}`;
    const now = new Date();
    const subscription = (status: string, mrrCents: number, startedAt: Date, endedAt: Date | null = null) =>
      db.subscription.create({ data: { stripeSubscriptionId: stripeId('sub'), customerId: fixture.customerId, planId: fixture.planId, status, mrrCents, currency, startedAt, endedAt } });
    await subscription('active', 5000, monthsAgo(5, now));
    await subscription('canceled', 2000, monthsAgo(8, now), monthsAgo(2, now));
    await subscription('incomplete', 9900, monthsAgo(1, now));

    const revenue = await recurringRevenue(db, now);
    expect(revenue.trend).toHaveLength(12);
    const at = (months: number) => revenue.trend.find((point) => point.month === monthsAgo(months, now).toISOString().slice(0, 7))!.cents[currency];
    expect(at(10)).toBe(0);
    expect(at(7)).toBe(2000);
    expect(at(4)).toBe(7000);
    expect(at(1)).toBe(5000);
    expect(revenue.current[currency]).toBe(5000);

    const page = await listSubscriptions(db, { status: 'canceled', limit: 100 });
    expect(page.items.every((item) => item.status === 'canceled')).toBe(true);
  });

  it('lists failed payments from the stored events, and the webhook log by status', async () => {
    const db = await getDb();
    const fixture = await createBillingFixture(db);
    const invoice = invoiceObject({ customer: stripeId('cus'), subscription: stripeId('sub'), periodStart: 1_800_000_000, periodEnd: 1_802_592_000, paid: false, amount: 12_300, attemptCount: 2 });
    const event = stripeEvent('invoice.payment_failed', invoice);
    await db.stripeEvent.create({ data: { id: event.id, type: event.type, status: 'PROCESSED', payload: JSON.parse(JSON.stringify(event)) as object, createdAt: new Date(), customerId: fixture.customerId } });

    const failed = await listFailedPayments(db, { limit: 100 });
    expect(failed.items.find((item) => item.eventId === event.id)).toMatchObject({ invoiceId: invoice.id, amountDueCents: 12_300, currency: 'usd', attemptCount: 2, customer: { id: fixture.customerId } });
    const processed = await listStripeEvents(db, { status: 'PROCESSED', limit: 100 });
    expect(processed.items.some((item) => item.id === event.id)).toBe(true);
    expect((await listStripeEvents(db, { status: 'FAILED', limit: 100 })).items.some((item) => item.id === event.id)).toBe(false);
  });
});
