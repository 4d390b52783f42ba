import type { Metadata } from 'next';
import { z } from 'zod';
import { ListUsersInput } from '@/lib/schemas/users';
import { listUsers } from '@/server/auth/user-admin';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { securityPolicy } from '@/server/security/policy';
import { CreateUserDialog, InviteUserDialog } from './new-user-dialogs';
import { UserFilters } from './user-filters';
import { UsersTable, type UserListFilter } from './users-table';

export const metadata: Metadata = { title: 'Users' };

const PAGE_SIZE = 25;

/** The URL's filters; a malformed value (hand-edited URL) is ignored rather than an error page. */
const UsersQuery = z.object({
  search: ListUsersInput.shape.search.catch(undefined),
  role: ListUsersInput.shape.role.catch(undefined),
  status: ListUsersInput.shape.status.catch(undefined),
});

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requirePageSession(['ADMIN'], '/admin/users');
  const params = await searchParams;
  const filter: UserListFilter = UsersQuery.parse({ search: first(params.search), role: first(params.role), status: first(params.status) });
  const firstPage = await listUsers(await getDb(), { ...filter, limit: PAGE_SIZE });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold text-slate-900">Users</h1>
        <div className="flex gap-3">
          <InviteUserDialog />
          <CreateUserDialog requireCharacterClasses={securityPolicy().password.requireCharacterClasses} />
        </div>
      </div>
      <UserFilters filter={filter} />
      <UsersTable filter={filter} pageSize={PAGE_SIZE} firstPage={firstPage} currentUserId={session.user.id} />
    </div>
  );
}
