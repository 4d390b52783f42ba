'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { FormError } from '@/components/form-feedback';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { formatPrice } from '@/lib/licensing-format';
import { errorMessage, useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type FailedPaymentPage = inferRouterOutputs<AppRouter>['billing']['failedPayments'];
type FailedPayment = FailedPaymentPage['items'][number];

/** Failed invoice payments, newest first: who, how much, which attempt, when Stripe tries again. */
export function FailedPaymentsTable({ pageSize, firstPage }: { pageSize: number; firstPage: FailedPaymentPage }) {
  const trpc = useTRPC();
  const payments = useInfiniteQuery(
    trpc.billing.failedPayments.infiniteQueryOptions({ limit: pageSize }, { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor }),
  );
  const rows = payments.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <EmptyState title="No failed payments">Invoices Stripe could not collect appear here.</EmptyState>;
  return (
    <div className="space-y-4">
      <Table<FailedPayment>
        caption="Failed payments"
        rows={rows}
        rowKey={(row) => row.eventId}
        columns={[
          { header: 'Failed', cell: (row) => formatDateTime(row.failedAt), className: 'whitespace-nowrap tabular-nums' },
          {
            header: 'Customer',
            cell: (row) =>
              row.customer ? (
                <Link href={`/admin/customers/${row.customer.id}`} className="font-medium text-indigo-700 hover:underline">
                  {row.customer.name}
                </Link>
              ) : (
                'Not a Licensor customer'
              ),
          },
          { header: 'Amount due', cell: (row) => (row.amountDueCents === null || !row.currency ? '–' : formatPrice(row.amountDueCents, row.currency)), className: 'tabular-nums' },
          { header: 'Attempt', cell: (row) => row.attemptCount ?? '–', className: 'tabular-nums' },
          { header: 'Next attempt', cell: (row) => formatDateTime(row.nextAttemptAt, 'None'), className: 'whitespace-nowrap tabular-nums' },
          {
            header: 'Invoice',
            cell: (row) =>
              row.hostedInvoiceUrl ? (
                <a href={row.hostedInvoiceUrl} target="_blank" rel="noreferrer" className="text-indigo-700 hover:underline">
                  {row.invoiceNumber ?? row.invoiceId}
                </a>
              ) : (
                (row.invoiceNumber ?? row.invoiceId ?? '–')
              ),
          },
        ]}
      />
      <FormError message={payments.isFetchNextPageError ? errorMessage(payments.error) : null} />
      {payments.hasNextPage && (
        <Button variant="secondary" pending={payments.isFetchingNextPage} onClick={() => void payments.fetchNextPage()}>
          Load more
        </Button>
      )}
    </div>
  );
}
