'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import type { z } from 'zod';
import { toast } from 'sonner';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { Table } from '@/components/ui/table';
import { formatPrice } from '@/lib/licensing-format';
import { SetPlanStripeBillingInput } from '@/lib/schemas/billing';
import { errorMessage, useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type PlanPage = inferRouterOutputs<AppRouter>['billing']['plans'];
type PlanRow = PlanPage['items'][number];

function EditStripeBilling({ plan }: { plan: PlanRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const defaults = { planId: plan.id, stripePriceId: plan.stripePriceId ?? '', stripeMeterEventName: plan.stripeMeterEventName ?? '' };
  const form = useForm<SetPlanStripeBillingInput, unknown, z.output<typeof SetPlanStripeBillingInput>>({ resolver: zodResolver(SetPlanStripeBillingInput), defaultValues: defaults });
  const save = useMutation(trpc.billing.setPlanStripeBilling.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await save.mutateAsync(values);
      toast.success(`Saved the Stripe billing of ${plan.name}.`);
      setOpen(false);
      await queryClient.invalidateQueries(trpc.billing.plans.pathFilter());
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  return (
    <Dialog
      title={`Stripe billing of ${plan.product.name} · ${plan.name}`}
      description="Checkout sells the plan at this price, and subscriptions to the price issue licenses on this plan."
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setFormError(null);
        form.reset(defaults);
      }}
      trigger={<Button variant="secondary">Edit</Button>}
    >
      <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
        <Input label="Stripe price id" placeholder="price_…" autoComplete="off" hint="A recurring price from the Stripe dashboard. Empty: not sold online." error={form.formState.errors.stripePriceId?.message} {...form.register('stripePriceId')} />
        <Input
          label="Meter event name"
          autoComplete="off"
          hint="Optional: the event name of a Stripe billing meter that receives this plan’s usage reports."
          error={form.formState.errors.stripeMeterEventName?.message}
          {...form.register('stripeMeterEventName')}
        />
        <FormError message={formError} />
        <div className="flex justify-end gap-3">
          <Button variant="secondary" disabled={form.formState.isSubmitting} onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" pending={form.formState.isSubmitting}>
            Save
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** Which Stripe price sells each plan, and which meter receives its usage. */
export function BillingPlansTable({ pageSize, firstPage }: { pageSize: number; firstPage: PlanPage }) {
  const trpc = useTRPC();
  const plans = useInfiniteQuery(
    trpc.billing.plans.infiniteQueryOptions({ limit: pageSize }, { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor }),
  );
  const rows = plans.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) return <EmptyState title="No plans yet">Create products and plans first, then give them their Stripe prices here.</EmptyState>;
  return (
    <div className="space-y-4">
      <Table<PlanRow>
        caption="Plans and their Stripe prices"
        rows={rows}
        rowKey={(row) => row.id}
        columns={[
          {
            header: 'Plan',
            cell: (row) => (
              <span>
                {row.product.name} · {row.name} {row.archivedAt && <Badge>archived</Badge>}
              </span>
            ),
          },
          { header: 'List price', cell: (row) => formatPrice(row.priceCents, row.currency), className: 'tabular-nums' },
          { header: 'Stripe price', cell: (row) => (row.stripePriceId ? <code className="font-mono text-xs">{row.stripePriceId}</code> : <span className="text-slate-500">Not sold online</span>) },
          { header: 'Meter', cell: (row) => (row.stripeMeterEventName ? <code className="font-mono text-xs">{row.stripeMeterEventName}</code> : '–') },
          { header: 'Subscriptions', cell: (row) => row.subscriptions, className: 'tabular-nums' },
          { header: 'Actions', cell: (row) => <EditStripeBilling plan={row} /> },
        ]}
      />
      <FormError message={plans.isFetchNextPageError ? errorMessage(plans.error) : null} />
      {plans.hasNextPage && (
        <Button variant="secondary" pending={plans.isFetchingNextPage} onClick={() => void plans.fetchNextPage()}>
          Load more
        </Button>
      )}
    </div>
  );
}
