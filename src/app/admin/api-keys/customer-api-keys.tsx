'use client';

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { toast } from 'sonner';
import { apiKeyColumns } from '@/components/api-keys/api-key-columns';
import { ListFooter } from '@/components/list-footer';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { Table } from '@/components/ui/table';
import { EmergencyRevokeApiKeyInput } from '@/lib/schemas/apikeys';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';
import { CustomerFilter } from '../customer-filter';

type ApiKeysPage = inferRouterOutputs<AppRouter>['apiKeys']['listAllKeys'];

/** Stops a customer's key at once (leaked, abused); the reason is kept in the audit log. */
function EmergencyRevoke({ prefix, customerName, revoke, onRevoked }: { prefix: string; customerName: string; revoke: (reason: string) => Promise<unknown>; onRevoked: () => void }) {
  const [reason, setReason] = useState('');
  return (
    <ConfirmDialog
      title={`Emergency revoke ${prefix}?`}
      description={`${customerName}'s requests with this key are refused with 401 at once. They can create a new key in their portal. This cannot be undone.`}
      confirmLabel="Revoke key"
      confirmationText={prefix}
      trigger={
        <Button variant="danger" className="whitespace-nowrap" aria-label={`Emergency revoke ${prefix}`}>
          Emergency revoke
        </Button>
      }
      onOpenChange={(open) => {
        if (open) setReason('');
      }}
      onConfirm={async () => {
        const parsed = EmergencyRevokeApiKeyInput.shape.reason.safeParse(reason);
        if (!parsed.success) throw new Error(parsed.error.issues[0]!.message);
        await revoke(parsed.data);
        toast.success(`${prefix} was revoked.`);
        onRevoked();
      }}
    >
      <Input label="Reason" hint="Kept in the audit log, such as “key published in a public repository”." value={reason} onChange={(event) => setReason(event.target.value)} />
    </ConfirmDialog>
  );
}

/** Every customer's keys, metadata only (the secrets are not stored), optionally one customer's. */
export function CustomerApiKeys({ pageSize, firstPage, customer }: { pageSize: number; firstPage: ApiKeysPage; customer: { id: string; name: string } | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const keys = useInfiniteQuery(
    trpc.apiKeys.listAllKeys.infiniteQueryOptions(
      { customerId: customer?.id, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const emergencyRevoke = useMutation(trpc.apiKeys.emergencyRevoke.mutationOptions());
  const refresh = () => void queryClient.invalidateQueries(trpc.apiKeys.listAllKeys.pathFilter());
  const rows = keys.data.pages.flatMap((page) => page.items);

  return (
    <section aria-labelledby="customer-keys-heading" className="space-y-4">
      <div>
        <h2 id="customer-keys-heading" className="text-lg font-semibold text-slate-900">
          All customer keys
        </h2>
        <p className="mt-1 text-sm text-slate-600">Customers manage their keys in their portal. Revoke one here only in an emergency.</p>
      </div>
      <CustomerFilter current={customer} />
      {rows.length === 0 ? (
        <EmptyState title={customer ? `${customer.name} has no API keys` : 'No customer has an API key yet'}>Keys appear here when customers create them.</EmptyState>
      ) : (
        <>
          <Table
            caption="All customer keys"
            rows={rows}
            rowKey={(key) => key.id}
            columns={apiKeyColumns({
              showCustomer: true,
              actions: (key) => (
                <EmergencyRevoke
                  prefix={key.prefix}
                  customerName={key.customer?.name ?? 'The customer'}
                  revoke={(reason) => emergencyRevoke.mutateAsync({ apiKeyId: key.id, reason })}
                  onRevoked={refresh}
                />
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
        </>
      )}
    </section>
  );
}
