'use client';

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { ListFooter } from '@/components/list-footer';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type Page = inferRouterOutputs<AppRouter>['security']['ipBlocks'];
type Block = Page['items'][number];

const SOURCE_LABELS: Record<Block['source'], string> = { SIGN_IN: 'sign-in abuse', VALIDATION: 'license API abuse', MANUAL: 'manual' };

function UnblockAction({ block }: { block: Block }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const lift = useMutation(trpc.security.liftIpBlock.mutationOptions());
  return (
    <ConfirmDialog
      title={`Unblock ${block.ip}?`}
      description="The address can sign in and call the license API again at once. The block stays in the history."
      confirmLabel="Unblock"
      variant="primary"
      trigger={
        <Button variant="secondary" aria-label={`Unblock ${block.ip}`}>
          Unblock
        </Button>
      }
      onConfirm={async () => {
        await lift.mutateAsync({ blockId: block.id });
        toast.success(`Unblocked ${block.ip}.`);
        router.refresh();
        await queryClient.invalidateQueries(trpc.security.pathFilter());
      }}
    />
  );
}

/** Current blocks (with Unblock), or the ended and lifted ones, newest first. */
export function IpBlocksList({ state, pageSize, firstPage }: { state: 'active' | 'ended'; pageSize: number; firstPage: Page }) {
  const trpc = useTRPC();
  const blocks = useInfiniteQuery(
    trpc.security.ipBlocks.infiniteQueryOptions(
      { state, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = blocks.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) {
    return state === 'active' ? <EmptyState title="No address is blocked">Blocks made by sign-in protection or by hand appear here.</EmptyState> : <EmptyState title="No ended blocks" />;
  }
  return (
    <div className="space-y-4">
      <Table<Block>
        caption={state === 'active' ? 'Current IP blocks' : 'Ended and lifted IP blocks'}
        rows={rows}
        rowKey={(block) => block.id}
        columns={[
          {
            header: 'IP address',
            cell: (block) => (
              <Link href={`/admin/security/validations?window=7d&ip=${encodeURIComponent(block.ip)}`} className="font-mono text-xs text-indigo-700 hover:underline">
                {block.ip}
              </Link>
            ),
          },
          { header: 'Reason', cell: (block) => block.reason },
          {
            header: 'Source',
            cell: (block) => (
              <span className="whitespace-nowrap">
                {SOURCE_LABELS[block.source]}
                {block.source !== 'MANUAL' && block.level > 1 ? ` (level ${block.level})` : ''}
                {block.createdBy ? ` by ${block.createdBy}` : ''}
              </span>
            ),
          },
          { header: 'Since', cell: (block) => formatDateTime(block.createdAt), className: 'whitespace-nowrap tabular-nums' },
          {
            header: state === 'active' ? 'Until' : 'Ended',
            cell: (block) =>
              block.liftedAt ? (
                <span className="whitespace-nowrap">
                  <Badge>lifted</Badge> {formatDateTime(block.liftedAt)}
                  {block.liftedBy ? ` by ${block.liftedBy}` : ''}
                </span>
              ) : (
                formatDateTime(block.expiresAt)
              ),
            className: 'tabular-nums',
          },
          ...(state === 'active' ? [{ header: 'Actions', cell: (block: Block) => <UnblockAction block={block} /> }] : []),
        ]}
      />
      <ListFooter
        count={rows.length}
        noun={['block', 'blocks']}
        hasMore={blocks.hasNextPage}
        loadingMore={blocks.isFetchingNextPage}
        onLoadMore={() => void blocks.fetchNextPage()}
        error={blocks.isFetchNextPageError ? blocks.error : null}
      />
    </div>
  );
}
