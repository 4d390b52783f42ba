'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, type ComponentType } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { SearchPicker } from '@/components/search-picker';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { endOfUtcDay, formatDate, formatDuration, formatSeats } from '@/lib/licensing-format';
import { IssueLicenseInput } from '@/lib/schemas/licensing';
import { useTRPC } from '@/lib/trpc/client';
import { ShownOnceSecrets } from './shown-once-secrets';

type CustomerOption = { id: string; name: string };
/** `initial` is the customer already chosen, shown even when the picker's search does not list it. */
export type CustomerPickerProps = { value: string; onChange: (customerId: string) => void; error?: string; initial?: CustomerOption | null };
export type IssuedSecrets = { licenseId: string; licenseKey: string; signingSecret: string };

/** Current plans (resellers may read them too), labelled with their product and policy. */
function PlanPicker({ value, onChange, error }: { value: string; onChange: (planId: string) => void; error?: string }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const plans = useQuery({ ...trpc.catalog.planOptions.queryOptions({ search: search || undefined }), placeholderData: keepPreviousData });
  return (
    <SearchPicker
      label="Plan"
      searchLabel="Find a plan"
      searchHint="Plan or product name."
      noun="plan"
      value={value}
      onChange={onChange}
      onSearchChange={setSearch}
      options={(plans.data ?? []).map((plan) => ({
        value: plan.id,
        label: `${plan.product.name} / ${plan.name} (${formatDuration(plan.durationDays).toLowerCase()}, ${formatSeats(plan.maxMachines).toLowerCase()})`,
      }))}
      state={plans.isPending ? 'pending' : plans.isError ? 'error' : 'ready'}
      fetching={plans.isFetching}
      error={error}
    />
  );
}

/**
 * Issues a license: a customer, a plan and (for admins) an optional expiry. On success the dialog
 * shows the key and the signing secret once, with copy buttons, until it is closed.
 */
export function IssueLicenseDialog({
  CustomerPicker,
  initialCustomer = null,
  allowExpiry,
  issue,
  licenseHref,
  onIssued,
  triggerLabel = 'Issue license',
}: {
  CustomerPicker: ComponentType<CustomerPickerProps>;
  /** Chosen in advance, e.g. on the customer's own page. */
  initialCustomer?: CustomerOption | null;
  /** Admins may override the plan's duration; resellers issue on the plan's own. */
  allowExpiry: boolean;
  issue: (values: IssueLicenseInput) => Promise<IssuedSecrets>;
  licenseHref?: (licenseId: string) => string;
  onIssued?: () => Promise<unknown> | void;
  triggerLabel?: string;
}) {
  const [open, setOpen] = useState(false);
  const [issued, setIssued] = useState<IssuedSecrets | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  // The end of today (UTC) is still in the future, so today is the earliest expiry.
  const [today] = useState(() => formatDate(new Date()));
  const emptyForm = { customerId: initialCustomer?.id ?? '', planId: '', expiresAt: undefined };
  const form = useForm({ resolver: zodResolver(IssueLicenseInput), defaultValues: emptyForm });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      setIssued(await issue(values));
      form.reset(emptyForm);
      await onIssued?.();
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  const close = () => {
    setOpen(false);
    setIssued(null);
    setFormError(null);
  };

  return (
    <Dialog
      title={issued ? 'Save the key and the secret' : 'Issue license'}
      description={issued ? undefined : 'The license copies the plan’s policy: features, quotas and machines; its expiry too unless you set one.'}
      open={open}
      onOpenChange={(next) => (next ? setOpen(true) : close())}
      trigger={<Button>{triggerLabel}</Button>}
    >
      {issued ? (
        <>
          <ShownOnceSecrets kind="issued" licenseKey={issued.licenseKey} signingSecret={issued.signingSecret} />
          <div className="mt-6 flex justify-end gap-3">
            {licenseHref && (
              <Link
                href={licenseHref(issued.licenseId)}
                onClick={close}
                className="inline-flex items-center rounded-md px-3.5 py-2 text-sm font-semibold text-indigo-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
              >
                Open license
              </Link>
            )}
            <Button onClick={close}>Done, I saved them</Button>
          </div>
        </>
      ) : (
        <form
          // The dialog is portalled, but React still bubbles its submit to any form that renders it.
          onSubmit={(event) => {
            event.stopPropagation();
            void onSubmit(event);
          }}
          noValidate
          className="mt-4 space-y-4"
        >
          <Controller
            control={form.control}
            name="customerId"
            render={({ field }) => <CustomerPicker value={field.value} onChange={field.onChange} error={errors.customerId?.message} initial={initialCustomer} />}
          />
          <Controller
            control={form.control}
            name="planId"
            render={({ field }) => <PlanPicker value={field.value} onChange={field.onChange} error={errors.planId?.message} />}
          />
          {allowExpiry && (
            <Controller
              control={form.control}
              name="expiresAt"
              render={({ field }) => (
                <Input
                  label="Expiry (optional)"
                  type="date"
                  min={today}
                  value={field.value ? formatDate(field.value) : ''}
                  onChange={(event) => field.onChange(endOfUtcDay(event.target.value) ?? undefined)}
                  error={errors.expiresAt?.message}
                  hint="Valid through the end of that day (UTC). Empty: the plan's duration."
                />
              )}
            />
          )}
          <FormError message={formError} />
          <div className="flex justify-end gap-3">
            <Button variant="secondary" disabled={isSubmitting} onClick={close}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Issue license
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
