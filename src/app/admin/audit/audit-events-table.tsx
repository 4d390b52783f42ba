'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { ListFooter } from '@/components/list-footer';
import { SeverityBadge } from '@/components/security/severity-badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import type { AuditFilter } from '@/lib/schemas/audit';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type Page = inferRouterOutputs<AppRouter>['audit']['list'];
type Event = Page['items'][number];

/** Matching events, newest first, by keyset on the sequence; each opens its detail. */
export function AuditEventsTable({ filter, pageSize, firstPage }: { filter: AuditFilter; pageSize: number; firstPage: Page }) {
  const trpc = useTRPC();
  const events = useInfiniteQuery(
    trpc.audit.list.infiniteQueryOptions(
      { ...filter, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = events.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <EmptyState title="No events match">Change the filters to see more events.</EmptyState>;
  return (
    <div className="space-y-4">
      <Table<Event>
        caption="Audit events"
        rows={rows}
        rowKey={(event) => event.sequence}
        columns={[
          {
            header: '#',
            cell: (event) => (
              <Link href={`/admin/audit/${event.sequence}`} className="text-indigo-700 tabular-nums hover:underline" aria-label={`Event ${event.sequence}`}>
                {event.sequence}
              </Link>
            ),
          },
          { header: 'When', cell: (event) => formatDateTime(event.createdAt), className: 'whitespace-nowrap tabular-nums' },
          { header: 'Action', cell: (event) => <code className="font-mono text-xs">{event.action}</code> },
          { header: 'Severity', cell: (event) => <SeverityBadge severity={event.severity} /> },
          { header: 'Actor', cell: (event) => event.actorLabel ?? event.actorType },
          { header: 'Target', cell: (event) => (event.targetType ? `${event.targetType}${event.targetId ? ` ${event.targetId.slice(0, 13)}` : ''}` : '–') },
          { header: 'IP address', cell: (event) => <span className="font-mono text-xs">{event.ip ?? '–'}</span> },
        ]}
      />
      <ListFooter
        count={rows.length}
        noun={['event', 'events']}
        hasMore={events.hasNextPage}
        loadingMore={events.isFetchingNextPage}
        onLoadMore={() => void events.fetchNextPage()}
        error={events.isFetchNextPageError ? events.error : null}
      />
    </div>
  );
}
