'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { ListFooter } from '@/components/list-footer';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import type { SecurityWindow } from '@/lib/schemas/security';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type Page = inferRouterOutputs<AppRouter>['security']['webhookFailures'];
type Row = Page['items'][number];

/** Stripe events that failed processing, newest first. */
export function WebhookFailuresList({ window, pageSize, firstPage }: { window: SecurityWindow; pageSize: number; firstPage: Page }) {
  const trpc = useTRPC();
  const failures = useInfiniteQuery(
    trpc.security.webhookFailures.infiniteQueryOptions(
      { window, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = failures.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <EmptyState title="No webhook failed">Every Stripe event received in this window was processed.</EmptyState>;
  return (
    <div className="space-y-4">
      <Table<Row>
        caption="Failed Stripe webhook events"
        rows={rows}
        rowKey={(row) => row.id}
        columns={[
          { header: 'Received', cell: (row) => formatDateTime(row.receivedAt), className: 'whitespace-nowrap tabular-nums' },
          { header: 'Event', cell: (row) => <code className="font-mono text-xs">{row.id}</code> },
          { header: 'Type', cell: (row) => <code className="font-mono text-xs">{row.type}</code> },
          { header: 'Attempts', cell: (row) => row.attempts, className: 'text-right tabular-nums' },
          { header: 'Error', cell: (row) => row.error ?? '–' },
        ]}
      />
      <ListFooter
        count={rows.length}
        noun={['event', 'events']}
        hasMore={failures.hasNextPage}
        loadingMore={failures.isFetchingNextPage}
        onLoadMore={() => void failures.fetchNextPage()}
        error={failures.isFetchNextPageError ? failures.error : null}
      />
    </div>
  );
}
