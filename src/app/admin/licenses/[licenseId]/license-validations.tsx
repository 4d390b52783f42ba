'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { ValidationsTable } from '@/components/licensing/validations-table';
import { ListFooter } from '@/components/list-footer';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type ValidationsPage = inferRouterOutputs<AppRouter>['licenses']['validations'];

/** The validation timeline: the newest page comes rendered by the server, "Load more" goes back in time. */
export function LicenseValidations({ licenseId, pageSize, firstPage }: { licenseId: string; pageSize: number; firstPage: ValidationsPage }) {
  const trpc = useTRPC();
  const validations = useInfiniteQuery(
    trpc.licenses.validations.infiniteQueryOptions(
      { licenseId, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = validations.data.pages.flatMap((page) => page.items);
  return (
    <div className="space-y-4">
      <ValidationsTable rows={rows} />
      {rows.length > 0 && (
        <ListFooter
          count={rows.length}
          noun={['call', 'calls']}
          hasMore={validations.hasNextPage}
          loadingMore={validations.isFetchingNextPage}
          onLoadMore={() => void validations.fetchNextPage()}
          error={validations.isFetchNextPageError ? validations.error : null}
        />
      )}
    </div>
  );
}
