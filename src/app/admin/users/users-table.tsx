'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { FormError } from '@/components/form-feedback';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { MfaBadge, RoleBadge, UserStatusBadge } from '@/components/user-badges';
import { formatDateTime } from '@/lib/format';
import type { ListUsersInput } from '@/lib/schemas/users';
import { errorMessage, useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

export type UserListFilter = Pick<ListUsersInput, 'search' | 'role' | 'status'>;
export type UserListPage = inferRouterOutputs<AppRouter>['users']['list'];
type UserRow = UserListPage['items'][number];

/**
 * One page of users comes rendered by the server; "Load more" fetches the next pages by cursor.
 * Mutations elsewhere on the page invalidate users.list, which refetches the pages shown.
 */
export function UsersTable({ filter, pageSize, firstPage, currentUserId }: { filter: UserListFilter; pageSize: number; firstPage: UserListPage; currentUserId: string }) {
  const trpc = useTRPC();
  const users = useInfiniteQuery(
    trpc.users.list.infiniteQueryOptions(
      { ...filter, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = users.data.pages.flatMap((page) => page.items);
  const filtered = Boolean(filter.search || filter.role || filter.status);

  if (rows.length === 0) {
    return filtered ? (
      <EmptyState title="No users match">Change the search or the filters to see more users.</EmptyState>
    ) : (
      <EmptyState title="No users yet">Create or invite the first user.</EmptyState>
    );
  }

  return (
    <div className="space-y-4">
      <Table<UserRow>
        caption="Users"
        rows={rows}
        rowKey={(user) => user.id}
        columns={[
          {
            header: 'Name',
            cell: (user) => (
              <Link href={`/admin/users/${user.id}`} className="font-medium text-indigo-700 hover:underline">
                {user.name}
                {user.id === currentUserId && <span className="ml-1 font-normal text-slate-500">(you)</span>}
              </Link>
            ),
          },
          { header: 'Email', cell: (user) => user.email },
          { header: 'Role', cell: (user) => <RoleBadge role={user.role} /> },
          { header: 'Organisation', cell: (user) => user.customer?.name ?? '–' },
          { header: 'MFA', cell: (user) => <MfaBadge enabled={user.mfaEnabled} /> },
          { header: 'Status', cell: (user) => <UserStatusBadge disabledAt={user.disabledAt} /> },
          { header: 'Last active', cell: (user) => formatDateTime(user.lastSeenAt, 'Not signed in'), className: 'whitespace-nowrap tabular-nums' },
        ]}
      />
      <FormError message={users.isFetchNextPageError ? errorMessage(users.error) : null} />
      <div className="flex items-center justify-between gap-4 text-sm text-slate-600">
        <p aria-live="polite">
          Showing {rows.length} user{rows.length === 1 ? '' : 's'}
          {users.hasNextPage ? '' : ' (all)'}
        </p>
        {users.hasNextPage && (
          <Button variant="secondary" pending={users.isFetchingNextPage} onClick={() => void users.fetchNextPage()}>
            Load more
          </Button>
        )}
      </div>
    </div>
  );
}
