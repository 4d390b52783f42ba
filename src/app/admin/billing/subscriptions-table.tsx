'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { SubscriptionStatusBadge } from '@/components/billing/subscription-status-badge';
import { FormError } from '@/components/form-feedback';
import { LicenseStatusBadge } from '@/components/licensing/license-badges';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDate, formatPrice, keyTail } from '@/lib/licensing-format';
import type { SubscriptionStatusName } from '@/lib/schemas/billing';
import { errorMessage, useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type SubscriptionPage = inferRouterOutputs<AppRouter>['billing']['subscriptions'];
type SubscriptionRow = SubscriptionPage['items'][number];

/** The first page comes rendered by the server; "Load more" follows the cursor. */
export function SubscriptionsTable({ status, pageSize, firstPage }: { status?: SubscriptionStatusName; pageSize: number; firstPage: SubscriptionPage }) {
  const trpc = useTRPC();
  const subscriptions = useInfiniteQuery(
    trpc.billing.subscriptions.infiniteQueryOptions({ status, limit: pageSize }, { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor }),
  );
  const rows = subscriptions.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) {
    return status ? (
      <EmptyState title="No subscriptions with this status">Choose another status to see more.</EmptyState>
    ) : (
      <EmptyState title="No subscriptions yet">They appear when customers complete Checkout.</EmptyState>
    );
  }
  return (
    <div className="space-y-4">
      <Table<SubscriptionRow>
        caption="Subscriptions"
        rows={rows}
        rowKey={(row) => row.id}
        columns={[
          {
            header: 'Customer',
            cell: (row) => (
              <Link href={`/admin/customers/${row.customer.id}`} className="font-medium text-indigo-700 hover:underline">
                {row.customer.name}
              </Link>
            ),
          },
          { header: 'Plan', cell: (row) => `${row.plan.product.name} · ${row.plan.name}` },
          { header: 'Status', cell: (row) => <SubscriptionStatusBadge status={row.status} /> },
          { header: 'Per month', cell: (row) => formatPrice(row.mrrCents, row.currency), className: 'tabular-nums' },
          { header: 'Period ends', cell: (row) => `${formatDate(row.currentPeriodEnd)}${row.cancelAtPeriodEnd ? ' (cancels)' : ''}`, className: 'whitespace-nowrap tabular-nums' },
          {
            header: 'License',
            cell: (row) =>
              row.license ? (
                <Link href={`/admin/licenses/${row.license.id}`} className="inline-flex items-center gap-2 font-mono text-xs text-indigo-700 hover:underline">
                  {keyTail(row.license.keyLast4)} <LicenseStatusBadge status={row.license.status} />
                </Link>
              ) : (
                '–'
              ),
          },
          { header: 'Stripe', cell: (row) => <code className="font-mono text-xs text-slate-500">{row.stripeSubscriptionId}</code> },
        ]}
      />
      <FormError message={subscriptions.isFetchNextPageError ? errorMessage(subscriptions.error) : null} />
      <div className="flex items-center justify-between gap-4 text-sm text-slate-600">
        <p aria-live="polite">
          Showing {rows.length} subscription{rows.length === 1 ? '' : 's'}
          {subscriptions.hasNextPage ? '' : ' (all)'}
        </p>
        {subscriptions.hasNextPage && (
          <Button variant="secondary" pending={subscriptions.isFetchingNextPage} onClick={() => void subscriptions.fetchNextPage()}>
            Load more
          </Button>
        )}
      </div>
    </div>
  );
}
