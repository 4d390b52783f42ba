'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller, FormProvider, useForm, useWatch } from 'react-hook-form';
import { toast } from 'sonner';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { EntitlementFields, NullableNumberField, PriceField } from '@/components/licensing/policy-fields';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { CreatePlanInput } from '@/lib/schemas/licensing';
import { useTRPC } from '@/lib/trpc/client';

const newPlan = (productId: string) => ({
  productId,
  name: '',
  durationDays: 365 as number | null,
  maxMachines: 3 as number | null,
  features: [] as string[],
  quotas: {} as Record<string, number>,
  autoActivate: true,
  blockFlagged: true,
  autoSuspendOnAnomaly: false,
  priceCents: null as number | null,
  currency: 'usd',
});

/** Adds a plan to a product with its whole license policy. */
export function PlanDialog({ product }: { product: { id: string; name: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ resolver: zodResolver(CreatePlanInput), defaultValues: newPlan(product.id) });
  const currency = useWatch({ control: form.control, name: 'currency' });
  const createPlan = useMutation(trpc.catalog.createPlan.mutationOptions());
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const plan = await createPlan.mutateAsync(values);
      toast.success(`Added the plan ${plan.name} to ${product.name}.`);
      setOpen(false);
      form.reset(newPlan(product.id));
      await queryClient.invalidateQueries(trpc.catalog.pathFilter());
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  return (
    <Dialog
      title={`New plan for ${product.name}`}
      description="Licenses issued on this plan copy its policy; changing a license later does not change the plan."
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setFormError(null);
      }}
      trigger={
        <Button variant="secondary" aria-label={`Add a plan to ${product.name}`}>
          Add plan
        </Button>
      }
    >
      <FormProvider {...form}>
        <form
          // The dialog is portalled, but React still bubbles its submit to any form that renders it.
          onSubmit={(event) => {
            event.stopPropagation();
            void onSubmit(event);
          }}
          noValidate
          className="mt-4 space-y-4"
        >
          <Input label="Plan name" autoComplete="off" error={errors.name?.message} {...form.register('name')} />
          <Controller
            control={form.control}
            name="durationDays"
            render={({ field }) => (
              <NullableNumberField
                label="Duration in days"
                noneLabel="Perpetual"
                noneHint="Licenses never expire."
                value={field.value}
                onChange={field.onChange}
                fallback={365}
                error={errors.durationDays?.message}
                hint="Counted from the day a license is issued."
              />
            )}
          />
          <EntitlementFields />
          <fieldset className="space-y-3">
            <legend className="text-sm font-medium text-slate-700">Policy</legend>
            <Checkbox label="Auto-activate on first validate" hint="A new machine takes a free seat when it first validates." {...form.register('autoActivate')} />
            <Checkbox label="Block flagged licenses" hint="A license flagged as suspicious answers FLAGGED until an admin clears the flag." {...form.register('blockFlagged')} />
            <Checkbox label="Suspend automatically on an anomaly" hint="Anomaly detection suspends the license instead of only flagging it." {...form.register('autoSuspendOnAnomaly')} />
          </fieldset>
          <div className="grid grid-cols-[1fr_auto] gap-3">
            <Controller
              control={form.control}
              name="priceCents"
              render={({ field }) => <PriceField value={field.value ?? null} onChange={field.onChange} currency={currency ?? ''} error={errors.priceCents?.message} />}
            />
            <Input label="Currency" className="w-24" autoComplete="off" spellCheck={false} error={errors.currency?.message} {...form.register('currency')} />
          </div>
          <FormError message={formError} />
          <div className="flex justify-end gap-3">
            <Button variant="secondary" disabled={isSubmitting} onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Create plan
            </Button>
          </div>
        </form>
      </FormProvider>
    </Dialog>
  );
}
