import type { Metadata } from 'next';
import Link from 'next/link';
import { StripeNotConfigured } from '@/components/billing/stripe-not-configured';
import { SubscriptionStatusBadge } from '@/components/billing/subscription-status-badge';
import { LicenseStatusBadge } from '@/components/licensing/license-badges';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDate, formatPrice, formatSeats, keyTail } from '@/lib/licensing-format';
import { billingConfiguration, listSubscriptions, subscribablePlans } from '@/server/billing';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { ManageBillingButton, SubscribeButton } from './billing-actions';

export const metadata: Metadata = { title: 'Billing' };

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

export default async function PortalBillingPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requirePageSession(['CUSTOMER'], '/portal/billing');
  const customerId = session.user.customerId as string;
  const checkout = first((await searchParams).checkout);
  const db = await getDb();
  const configuration = billingConfiguration();
  const [customer, subscriptions, plans] = await Promise.all([
    db.customer.findUniqueOrThrow({ where: { id: customerId }, select: { stripeCustomerId: true } }),
    listSubscriptions(db, { limit: 100 }, { customerId }),
    configuration.checkoutEnabled ? subscribablePlans(db) : Promise.resolve([]),
  ]);
  const subscribed = new Set(subscriptions.items.filter((row) => ['active', 'trialing', 'past_due'].includes(row.status)).map((row) => row.plan.id));

  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold text-slate-900">Billing</h1>
        {configuration.checkoutEnabled && customer.stripeCustomerId && <ManageBillingButton />}
      </div>
      {checkout === 'success' && (
        <p role="status" className="rounded-md bg-green-50 p-3 text-sm text-green-800">
          Thank you: your payment went through. The license appears below as soon as Stripe confirms it, usually within seconds; reload to see it.
        </p>
      )}
      {checkout === 'cancelled' && (
        <p role="status" className="rounded-md bg-slate-100 p-3 text-sm text-slate-700">
          Checkout was cancelled; nothing was charged.
        </p>
      )}
      {!configuration.checkoutEnabled && <StripeNotConfigured audience="customer" webhookUrl={configuration.webhookUrl} />}

      <section aria-labelledby="subscriptions-heading" className="space-y-4">
        <h2 id="subscriptions-heading" className="text-lg font-semibold text-slate-900">
          Your subscriptions
        </h2>
        {subscriptions.items.length === 0 ? (
          <EmptyState title="No subscriptions">{configuration.checkoutEnabled ? 'Subscribe to a plan below to get its license.' : 'Your licenses are issued by your vendor.'}</EmptyState>
        ) : (
          <Table
            caption="Your subscriptions"
            rows={subscriptions.items}
            rowKey={(row) => row.id}
            columns={[
              { header: 'Plan', cell: (row) => `${row.plan.product.name} · ${row.plan.name}` },
              { header: 'Status', cell: (row) => <SubscriptionStatusBadge status={row.status} /> },
              { header: 'Per month', cell: (row) => formatPrice(row.mrrCents, row.currency), className: 'tabular-nums' },
              { header: 'Period ends', cell: (row) => `${formatDate(row.currentPeriodEnd)}${row.cancelAtPeriodEnd ? ' (cancels)' : ''}`, className: 'whitespace-nowrap tabular-nums' },
              {
                header: 'License',
                cell: (row) =>
                  row.license ? (
                    <Link href={`/portal/licenses/${row.license.id}`} className="inline-flex items-center gap-2 font-mono text-xs text-indigo-700 hover:underline">
                      {keyTail(row.license.keyLast4)} <LicenseStatusBadge status={row.license.status} />
                    </Link>
                  ) : (
                    'Waiting for payment'
                  ),
              },
            ]}
          />
        )}
      </section>

      {configuration.checkoutEnabled && (
        <section aria-labelledby="plans-heading" className="space-y-4">
          <h2 id="plans-heading" className="text-lg font-semibold text-slate-900">
            Plans
          </h2>
          {plans.length === 0 ? (
            <EmptyState title="No plans are sold online yet" />
          ) : (
            <ul className="grid gap-4 md:grid-cols-2 lg:grid-cols-3">
              {plans.map((plan) => (
                <li key={plan.id}>
                  <Card title={`${plan.product.name} · ${plan.name}`}>
                    <p className="text-2xl font-semibold tabular-nums text-slate-900">{formatPrice(plan.priceCents, plan.currency)}</p>
                    <p className="mt-1 text-sm text-slate-600">
                      {formatSeats(plan.maxMachines)}
                      {plan.features.length > 0 && ` · ${plan.features.join(', ')}`}
                    </p>
                    <div className="mt-4">
                      {subscribed.has(plan.id) ? <p className="text-sm text-slate-600">You subscribe to this plan.</p> : <SubscribeButton planId={plan.id} planName={plan.name} />}
                    </div>
                  </Card>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
