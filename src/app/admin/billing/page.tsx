import type { Metadata } from 'next';
import { z } from 'zod';
import { RevenueChart } from '@/components/billing/revenue-chart';
import { Card, StatTile } from '@/components/ui/card';
import { formatPrice } from '@/lib/licensing-format';
import { SubscriptionStatusName } from '@/lib/schemas/billing';
import { billingConfiguration, listFailedPayments, listSubscriptions, recurringRevenue, stripeEventCounts, subscriptionCounts, subscribablePlans } from '@/server/billing';
import { getDb } from '@/server/db';
import { CheckoutLinkDialog } from './checkout-link-dialog';
import { FailedPaymentsTable } from './failed-payments-table';
import { SubscriptionStatusFilter } from './subscription-status-filter';
import { SubscriptionsTable } from './subscriptions-table';

export const metadata: Metadata = { title: 'Billing' };

const PAGE_SIZE = 25;
const numberFormat = new Intl.NumberFormat('en');
const BillingQuery = z.object({ status: SubscriptionStatusName.optional().catch(undefined) });
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

export default async function AdminBillingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { status } = BillingQuery.parse({ status: first((await searchParams).status) });
  const db = await getDb();
  const [revenue, counts, events, subscriptions, failedPayments, plans] = await Promise.all([
    recurringRevenue(db),
    subscriptionCounts(db),
    stripeEventCounts(db),
    listSubscriptions(db, { status, limit: PAGE_SIZE }),
    listFailedPayments(db, { limit: 10 }),
    subscribablePlans(db),
  ]);
  const mrr = revenue.currencies.map((currency) => formatPrice(revenue.current[currency] ?? 0, currency)).join(' · ') || formatPrice(0, 'usd');
  const live = (counts.active ?? 0) + (counts.trialing ?? 0) + (counts.past_due ?? 0);

  return (
    <>
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatTile label="Monthly recurring revenue" value={mrr} />
        <StatTile label="Live subscriptions" value={numberFormat.format(live)} detail={`${counts.past_due ?? 0} past due · ${counts.unpaid ?? 0} unpaid`} />
        <StatTile label="Canceled" value={numberFormat.format(counts.canceled ?? 0)} />
        <StatTile label="Webhook events" value={numberFormat.format(Object.values(events).reduce((sum, count) => sum + (count ?? 0), 0))} detail={`${events.FAILED ?? 0} failed · ${events.IGNORED ?? 0} ignored`} />
      </dl>

      <Card title="Monthly recurring revenue, last 12 months">
        <RevenueChart trend={revenue.trend} currencies={revenue.currencies} />
      </Card>

      <section aria-labelledby="subscriptions-heading" className="space-y-4">
        <div className="flex flex-wrap items-end justify-between gap-4">
          <h2 id="subscriptions-heading" className="text-lg font-semibold text-slate-900">
            Subscriptions
          </h2>
          <div className="flex flex-wrap items-end gap-3">
            <SubscriptionStatusFilter status={status} />
            <CheckoutLinkDialog plans={plans.map((plan) => ({ id: plan.id, label: `${plan.product.name} · ${plan.name}` }))} enabled={billingConfiguration().checkoutEnabled} />
          </div>
        </div>
        <SubscriptionsTable status={status} pageSize={PAGE_SIZE} firstPage={subscriptions} />
      </section>

      <section aria-labelledby="failed-payments-heading" className="space-y-4">
        <h2 id="failed-payments-heading" className="text-lg font-semibold text-slate-900">
          Failed payments
        </h2>
        <FailedPaymentsTable pageSize={10} firstPage={failedPayments} />
      </section>
    </>
  );
}
