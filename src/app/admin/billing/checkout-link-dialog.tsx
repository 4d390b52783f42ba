'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { CreateCheckoutLinkInput } from '@/lib/schemas/billing';
import { useTRPC } from '@/lib/trpc/client';
import { CustomerPicker } from '../users/customer-picker';

/** An admin makes a Stripe Checkout link for a customer and a plan, to send to whoever pays. */
export function CheckoutLinkDialog({ plans, enabled }: { plans: { id: string; label: string }[]; enabled: boolean }) {
  const trpc = useTRPC();
  const [open, setOpen] = useState(false);
  const [link, setLink] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<CreateCheckoutLinkInput>({ resolver: zodResolver(CreateCheckoutLinkInput), defaultValues: { customerId: '', planId: '' } });
  const createLink = useMutation(trpc.billing.createCheckoutLink.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      setLink((await createLink.mutateAsync(values)).url);
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  return (
    <Dialog
      title="Checkout link"
      description="A Stripe Checkout page where the customer subscribes to the plan; the license is issued when Stripe confirms the payment."
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setFormError(null);
        setLink(null);
        form.reset();
      }}
      trigger={
        <Button disabled={!enabled} title={enabled ? undefined : 'Stripe is not configured'}>
          Create Checkout link
        </Button>
      }
    >
      {link ? (
        <div className="mt-4 space-y-4">
          <Input label="Checkout link" readOnly value={link} onFocus={(event) => event.currentTarget.select()} hint="Valid for 24 hours. Send it to the customer, or open it." />
          <div className="flex justify-end gap-3">
            <a href={link} target="_blank" rel="noreferrer" className="rounded-md px-3.5 py-2 text-sm font-semibold text-indigo-700 hover:bg-indigo-50">
              Open Checkout
            </a>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Done
            </Button>
          </div>
        </div>
      ) : (
        <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
          <Controller
            control={form.control}
            name="customerId"
            render={({ field, fieldState }) => <CustomerPicker value={field.value} onChange={field.onChange} error={fieldState.error?.message} />}
          />
          <Select
            label="Plan"
            error={form.formState.errors.planId?.message}
            options={[{ value: '', label: plans.length > 0 ? 'Choose a plan' : 'No plan has a Stripe price yet' }, ...plans.map((plan) => ({ value: plan.id, label: plan.label }))]}
            {...form.register('planId')}
          />
          <FormError message={formError} />
          <div className="flex justify-end gap-3">
            <Button variant="secondary" disabled={form.formState.isSubmitting} onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={form.formState.isSubmitting}>
              Create link
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
