'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { ListFooter } from '@/components/list-footer';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import type { ListSignInAttemptsInput } from '@/lib/schemas/security';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';
import { hrefWith } from '../security-query';

export type SignInAttemptsFilter = Omit<ListSignInAttemptsInput, 'cursor' | 'limit'> & { window: NonNullable<ListSignInAttemptsInput['window']> };
type Page = inferRouterOutputs<AppRouter>['security']['signIns'];
type Row = Page['items'][number];

/** Sign-in attempts, newest first. */
export function SignInAttemptsList({ filter, pageSize, firstPage }: { filter: SignInAttemptsFilter; pageSize: number; firstPage: Page }) {
  const trpc = useTRPC();
  const attempts = useInfiniteQuery(
    trpc.security.signIns.infiniteQueryOptions(
      { ...filter, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = attempts.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <EmptyState title="No sign-in attempts match">Try a longer window.</EmptyState>;
  return (
    <div className="space-y-4">
      <Table<Row>
        caption="Sign-in attempts"
        rows={rows}
        rowKey={(row) => row.id}
        columns={[
          { header: 'When', cell: (row) => formatDateTime(row.createdAt), className: 'whitespace-nowrap tabular-nums' },
          {
            header: 'Email',
            cell: (row) =>
              row.userId ? (
                <Link href={`/admin/users/${row.userId}`} className="text-indigo-700 hover:underline">
                  {row.email}
                </Link>
              ) : (
                row.email
              ),
          },
          { header: 'Result', cell: (row) => <Badge tone={row.success ? 'success' : 'danger'}>{row.success ? 'Signed in' : 'Failed'}</Badge> },
          { header: 'Reason', cell: (row) => (row.reason ? <code className="font-mono text-xs">{row.reason}</code> : '–') },
          {
            header: 'IP address',
            cell: (row) => (
              <Link href={hrefWith('/admin/security/sign-ins', { ...filter, ip: row.ip })} className="font-mono text-xs text-indigo-700 hover:underline">
                {row.ip}
              </Link>
            ),
          },
        ]}
      />
      <ListFooter
        count={rows.length}
        noun={['attempt', 'attempts']}
        hasMore={attempts.hasNextPage}
        loadingMore={attempts.isFetchingNextPage}
        onLoadMore={() => void attempts.fetchNextPage()}
        error={attempts.isFetchNextPageError ? attempts.error : null}
      />
    </div>
  );
}
