'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { OutcomeBadge } from '@/components/licensing/license-badges';
import { ListFooter } from '@/components/list-footer';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { keyTail } from '@/lib/licensing-format';
import type { ListValidationAttemptsInput } from '@/lib/schemas/security';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';
import { hrefWith } from '../security-query';

export type ValidationAttemptsFilter = Omit<ListValidationAttemptsInput, 'cursor' | 'limit'> & { window: NonNullable<ListValidationAttemptsInput['window']> };
type Page = inferRouterOutputs<AppRouter>['security']['validations'];
type Row = Page['items'][number];

/** Validation calls, newest first: the first page rendered by the server, "Load more" goes back in time. */
export function ValidationAttemptsList({ filter, pageSize, firstPage }: { filter: ValidationAttemptsFilter; pageSize: number; firstPage: Page }) {
  const trpc = useTRPC();
  const attempts = useInfiniteQuery(
    trpc.security.validations.infiniteQueryOptions(
      { ...filter, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = attempts.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <EmptyState title="No calls match">Try a longer window or fewer filters.</EmptyState>;
  return (
    <div className="space-y-4">
      <Table<Row>
        caption="Validation calls"
        rows={rows}
        rowKey={(row) => row.id}
        columns={[
          { header: 'When', cell: (row) => formatDateTime(row.createdAt), className: 'whitespace-nowrap tabular-nums' },
          { header: 'Call', cell: (row) => row.kind },
          { header: 'Outcome', cell: (row) => <OutcomeBadge success={row.success} code={row.code} /> },
          {
            header: 'License',
            cell: (row) =>
              row.license ? (
                <Link href={`/admin/licenses/${row.license.id}`} className="font-mono text-indigo-700 hover:underline">
                  {keyTail(row.license.keyLast4)}
                </Link>
              ) : (
                <span className="text-slate-500">unknown key</span>
              ),
          },
          { header: 'Customer', cell: (row) => row.license?.customer.name ?? '–' },
          {
            header: 'IP address',
            cell: (row) => (
              <Link href={hrefWith('/admin/security/validations', { window: filter.window, ip: row.ip })} className="font-mono text-xs text-indigo-700 hover:underline">
                {row.ip}
              </Link>
            ),
          },
          { header: 'Fingerprint', cell: (row) => (row.fingerprint ? <code className="font-mono text-xs break-all">{row.fingerprint}</code> : '–') },
        ]}
      />
      <ListFooter
        count={rows.length}
        noun={['call', 'calls']}
        hasMore={attempts.hasNextPage}
        loadingMore={attempts.isFetchingNextPage}
        onLoadMore={() => void attempts.fetchNextPage()}
        error={attempts.isFetchNextPageError ? attempts.error : null}
      />
    </div>
  );
}
