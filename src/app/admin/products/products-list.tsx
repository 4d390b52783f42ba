'use client';

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { toast } from 'sonner';
import { ListFooter } from '@/components/list-footer';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDuration, formatPrice, formatQuotas, formatSeats } from '@/lib/licensing-format';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';
import { PlanDialog } from './plan-dialog';

type ProductsPage = inferRouterOutputs<AppRouter>['catalog']['products'];
type Product = ProductsPage['items'][number];
type Plan = Product['plans'][number];

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/** Products by name, each with its plans; "Load more" fetches the next products by cursor. */
export function ProductsList({ search, pageSize, firstPage }: { search?: string; pageSize: number; firstPage: ProductsPage }) {
  const trpc = useTRPC();
  const products = useInfiniteQuery(
    trpc.catalog.products.infiniteQueryOptions(
      { search, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const items = products.data.pages.flatMap((page) => page.items);

  if (items.length === 0) {
    return search ? (
      <EmptyState title="No products match">Change the search to see more products.</EmptyState>
    ) : (
      <EmptyState title="No products yet">Create a product, then add the plans you sell.</EmptyState>
    );
  }
  return (
    <div className="space-y-6">
      {items.map((product) => (
        <ProductCard key={product.id} product={product} />
      ))}
      <ListFooter
        count={items.length}
        noun={['product', 'products']}
        hasMore={products.hasNextPage}
        loadingMore={products.isFetchingNextPage}
        onLoadMore={() => void products.fetchNextPage()}
        error={products.isFetchNextPageError ? products.error : null}
      />
    </div>
  );
}

function ProductCard({ product }: { product: Product }) {
  return (
    <section aria-labelledby={`product-${product.id}`} className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <div className="mb-4 flex flex-wrap items-start justify-between gap-4">
        <div>
          <h2 id={`product-${product.id}`} className="text-base font-semibold text-slate-900">
            {product.name}
          </h2>
          <p className="text-sm text-slate-600">
            <code className="font-mono text-xs">{product.slug}</code> · keys start with <code className="font-mono text-xs">{product.keyPrefix}-</code>
          </p>
          {product.description && <p className="mt-1 text-sm text-slate-600">{product.description}</p>}
        </div>
        <PlanDialog product={product} />
      </div>
      {product.plans.length === 0 ? (
        <EmptyState title="No plans yet">Add a plan to issue licenses for {product.name}.</EmptyState>
      ) : (
        <Table<Plan>
          caption={`Plans of ${product.name}`}
          rows={product.plans}
          rowKey={(plan) => plan.id}
          columns={[
            {
              header: 'Plan',
              cell: (plan) => (
                <span className="inline-flex items-center gap-2 font-medium text-slate-900">
                  {plan.name}
                  {plan.archivedAt && <Badge>archived</Badge>}
                </span>
              ),
            },
            { header: 'Duration', cell: (plan) => formatDuration(plan.durationDays), className: 'whitespace-nowrap' },
            { header: 'Machines', cell: (plan) => formatSeats(plan.maxMachines), className: 'whitespace-nowrap' },
            {
              header: 'Features',
              cell: (plan) => (plan.features.length === 0 ? '–' : <span className="font-mono text-xs">{plan.features.join(', ')}</span>),
            },
            { header: 'Quotas', cell: (plan) => <span className="text-xs">{formatQuotas(plan.quotas)}</span> },
            {
              header: 'Policy',
              cell: (plan) => (
                <span className="text-xs">
                  Auto-activate: {yesNo(plan.autoActivate)}
                  <br />
                  Block flagged: {yesNo(plan.blockFlagged)}
                  <br />
                  Suspend on anomaly: {yesNo(plan.autoSuspendOnAnomaly)}
                </span>
              ),
            },
            { header: 'Price', cell: (plan) => formatPrice(plan.priceCents, plan.currency), className: 'whitespace-nowrap tabular-nums' },
            { header: 'Licenses', cell: (plan) => plan.licenses, className: 'tabular-nums' },
            { header: 'Actions', cell: (plan) => (plan.archivedAt ? null : <ArchivePlan plan={plan} productName={product.name} />) },
          ]}
        />
      )}
    </section>
  );
}

function ArchivePlan({ plan, productName }: { plan: Plan; productName: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const archive = useMutation(trpc.catalog.archivePlan.mutationOptions());
  return (
    <ConfirmDialog
      title={`Archive ${productName} / ${plan.name}?`}
      description={`No new license can be issued on it. Its ${plan.licenses} existing license${plan.licenses === 1 ? '' : 's'} keep working under their own policy.`}
      confirmLabel="Archive plan"
      trigger={
        <Button variant="ghost" aria-label={`Archive ${plan.name}`}>
          Archive
        </Button>
      }
      onConfirm={async () => {
        await archive.mutateAsync({ planId: plan.id });
        toast.success(`${plan.name} is archived.`);
        await queryClient.invalidateQueries(trpc.catalog.pathFilter());
      }}
    />
  );
}
