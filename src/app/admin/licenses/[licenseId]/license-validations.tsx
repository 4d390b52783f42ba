'use client';

import { useInfiniteQuery } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { ValidationsTimeline } from '@/components/licensing/validations-table';
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
  return <ValidationsTimeline validations={validations} />;
}
