'use client';

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { apiKeyColumns } from '@/components/api-keys/api-key-columns';
import { CreateApiKeyDialog } from '@/components/api-keys/create-api-key-dialog';
import { RevokeApiKeyAction } from '@/components/api-keys/revoke-api-key-action';
import { NewApiKeyDialog, RotateApiKeyAction, type RotatedApiKey } from '@/components/api-keys/rotate-api-key-action';
import { UsageReportExample } from '@/components/api-keys/usage-report-example';
import { ListFooter } from '@/components/list-footer';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type ApiKeysPage = inferRouterOutputs<AppRouter>['apiKeys']['list'];

/** The organisation's keys: create, rotate and revoke; the first page comes rendered by the server. */
export function PortalApiKeys({ pageSize, firstPage, usageUrl }: { pageSize: number; firstPage: ApiKeysPage; usageUrl: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useInfiniteQuery(
    trpc.apiKeys.list.infiniteQueryOptions(
      { limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const create = useMutation(trpc.apiKeys.create.mutationOptions());
  const rotate = useMutation(trpc.apiKeys.rotate.mutationOptions());
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions());
  const refresh = () => void queryClient.invalidateQueries(trpc.apiKeys.list.pathFilter());
  const [rotated, setRotated] = useState<RotatedApiKey | null>(null);
  const rows = keys.data.pages.flatMap((page) => page.items);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold text-slate-900">API keys</h1>
          <p className="mt-1 text-sm text-slate-600">Keys let your scripts and servers report usage and read your licenses without signing in.</p>
        </div>
        <CreateApiKeyDialog kind="customer" create={(input) => create.mutateAsync(input)} onCreated={refresh} />
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No API keys yet">
          <div className="mx-auto max-w-2xl space-y-4">
            <p>Create a key for each script or server that talks to the API, with only the scopes it needs. You see the key once, when you create it.</p>
            <UsageReportExample usageUrl={usageUrl} />
          </div>
        </EmptyState>
      ) : (
        <>
          <div className="space-y-4">
            <Table
              caption="API keys"
              rows={rows}
              rowKey={(key) => key.id}
              columns={apiKeyColumns({
                nameHref: (key) => `/portal/api-keys/${key.id}`,
                actions: (key) => (
                  <>
                    {key.status === 'active' && (
                      <RotateApiKeyAction
                        prefix={key.prefix}
                        rotate={(grace) => rotate.mutateAsync({ apiKeyId: key.id, grace })}
                        onRotated={(newKey) => {
                          setRotated(newKey);
                          refresh();
                        }}
                      />
                    )}
                    <RevokeApiKeyAction prefix={key.prefix} revoke={() => revoke.mutateAsync({ apiKeyId: key.id })} onRevoked={refresh} />
                  </>
                ),
              })}
            />
            <ListFooter
              count={rows.length}
              noun={['key', 'keys']}
              hasMore={keys.hasNextPage}
              loadingMore={keys.isFetchingNextPage}
              onLoadMore={() => void keys.fetchNextPage()}
              error={keys.isFetchNextPageError ? keys.error : null}
            />
          </div>
          <Card title="Report usage with a key">
            <UsageReportExample usageUrl={usageUrl} />
          </Card>
        </>
      )}
      <NewApiKeyDialog rotated={rotated} onClose={() => setRotated(null)} />
    </div>
  );
}
