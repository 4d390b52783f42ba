'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { ListFooter } from '@/components/list-footer';
import { SeverityBadge } from '@/components/security/severity-badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type Page = inferRouterOutputs<AppRouter>['audit']['activity'];
type Item = Page['items'][number];

/** The organisation's audit events, newest first, by cursor. */
export function ActivityList({ pageSize, firstPage }: { pageSize: number; firstPage: Page }) {
  const trpc = useTRPC();
  const activity = useInfiniteQuery(
    trpc.audit.activity.infiniteQueryOptions({ limit: pageSize }, { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor }),
  );
  const rows = activity.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <EmptyState title="No activity yet">Sign-ins, key changes and changes to your licenses appear here.</EmptyState>;
  return (
    <div className="space-y-4">
      <Table<Item>
        caption="Activity in your organisation"
        rows={rows}
        rowKey={(item) => item.sequence}
        columns={[
          { header: 'When', cell: (item) => formatDateTime(item.createdAt), className: 'whitespace-nowrap tabular-nums' },
          { header: 'What', cell: (item) => <code className="font-mono text-xs">{item.action}</code> },
          { header: 'Severity', cell: (item) => <SeverityBadge severity={item.severity} /> },
          { header: 'Who', cell: (item) => item.actor },
          { header: 'IP address', cell: (item) => <span className="font-mono text-xs">{item.ip ?? '–'}</span> },
          {
            header: 'Details',
            cell: (item) => {
              const details = item.metadata ? JSON.stringify(item.metadata) : '{}';
              return details === '{}' ? '–' : <code className="font-mono text-xs break-all text-slate-600">{details}</code>;
            },
          },
        ]}
      />
      <ListFooter
        count={rows.length}
        noun={['event', 'events']}
        hasMore={activity.hasNextPage}
        loadingMore={activity.isFetchingNextPage}
        onLoadMore={() => void activity.fetchNextPage()}
        error={activity.isFetchNextPageError ? activity.error : null}
      />
    </div>
  );
}
