'use client';

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { apiKeyColumns } from '@/components/api-keys/api-key-columns';
import { CreateApiKeyDialog } from '@/components/api-keys/create-api-key-dialog';
import { RevokeApiKeyAction } from '@/components/api-keys/revoke-api-key-action';
import { NewApiKeyDialog, RotateApiKeyAction, type RotatedApiKey } from '@/components/api-keys/rotate-api-key-action';
import { ListFooter } from '@/components/list-footer';
import { useStepUp } from '@/components/step-up-dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type ApiKeysPage = inferRouterOutputs<AppRouter>['apiKeys']['listAdminKeys'];

/**
 * Keys with the admin scope, for management scripts. Creating or rotating one mints an admin
 * secret, so the server asks for a fresh authenticator code (the step-up dialog) first.
 */
export function AdminApiKeys({ pageSize, firstPage }: { pageSize: number; firstPage: ApiKeysPage }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { runWithStepUp, dialog } = useStepUp();
  const keys = useInfiniteQuery(
    trpc.apiKeys.listAdminKeys.infiniteQueryOptions(
      { limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const create = useMutation(trpc.apiKeys.createAdminKey.mutationOptions());
  const rotate = useMutation(trpc.apiKeys.rotateAdminKey.mutationOptions());
  const revoke = useMutation(trpc.apiKeys.revokeAdminKey.mutationOptions());
  const refresh = () => void queryClient.invalidateQueries(trpc.apiKeys.listAdminKeys.pathFilter());
  const [rotated, setRotated] = useState<RotatedApiKey | null>(null);
  const rows = keys.data.pages.flatMap((page) => page.items);

  return (
    <section aria-labelledby="admin-keys-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h2 id="admin-keys-heading" className="text-lg font-semibold text-slate-900">
            Admin keys
          </h2>
          <p className="mt-1 text-sm text-slate-600">For management scripts: they may list every customer&apos;s keys and read usage across customers, nothing else.</p>
        </div>
        <CreateApiKeyDialog
          kind="admin"
          create={({ scopes: _adminScope, ...input }) => runWithStepUp(() => create.mutateAsync(input))}
          onCreated={refresh}
        />
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No admin keys">Create one when a script needs to call the admin API.</EmptyState>
      ) : (
        <>
          <Table
            caption="Admin keys"
            rows={rows}
            rowKey={(key) => key.id}
            columns={apiKeyColumns({
              actions: (key) => (
                <>
                  {key.status === 'active' && (
                    <RotateApiKeyAction
                      prefix={key.prefix}
                      rotate={(grace) => runWithStepUp(() => rotate.mutateAsync({ apiKeyId: key.id, grace }))}
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
            noun={['admin key', 'admin keys']}
            hasMore={keys.hasNextPage}
            loadingMore={keys.isFetchingNextPage}
            onLoadMore={() => void keys.fetchNextPage()}
            error={keys.isFetchNextPageError ? keys.error : null}
          />
        </>
      )}
      <NewApiKeyDialog rotated={rotated} onClose={() => setRotated(null)} />
      {dialog}
    </section>
  );
}
