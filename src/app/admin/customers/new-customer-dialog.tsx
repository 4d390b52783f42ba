'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Controller, useForm } from 'react-hook-form';
import { toast } from 'sonner';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { SearchPicker } from '@/components/search-picker';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { CreateCustomerInput } from '@/lib/schemas/licensing';
import { useTRPC } from '@/lib/trpc/client';

const emptyCustomer = { name: '', email: '', resellerId: null as string | null };

/** The optional reseller that owns the customer (and may then issue it licenses). */
function ResellerPicker({ value, onChange, error }: { value: string | null; onChange: (resellerId: string | null) => void; error?: string }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const resellers = useQuery({
    ...trpc.users.list.queryOptions({ role: 'RESELLER', status: 'active', search: search || undefined, limit: 20 }),
    placeholderData: keepPreviousData,
  });
  return (
    <SearchPicker
      label="Reseller"
      searchLabel="Find a reseller"
      searchHint="Name or email. Leave the reseller empty for a customer you sell to directly."
      noun="reseller"
      noneLabel="None: sold directly"
      value={value ?? ''}
      onChange={(resellerId) => onChange(resellerId || null)}
      onSearchChange={setSearch}
      options={(resellers.data?.items ?? []).map((reseller) => ({ value: reseller.id, label: `${reseller.name} (${reseller.email})` }))}
      state={resellers.isPending ? 'pending' : resellers.isError ? 'error' : 'ready'}
      fetching={resellers.isFetching}
      error={error}
    />
  );
}

export function NewCustomerDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ resolver: zodResolver(CreateCustomerInput), defaultValues: emptyCustomer });
  const createCustomer = useMutation(trpc.customers.create.mutationOptions());
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const customer = await createCustomer.mutateAsync(values);
      toast.success(`Created ${customer.name}.`);
      setOpen(false);
      form.reset(emptyCustomer);
      await queryClient.invalidateQueries(trpc.customers.pathFilter());
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  return (
    <Dialog
      title="New customer"
      description="An organisation that holds licenses. Add its users on the Users page."
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setFormError(null);
      }}
      trigger={<Button>New customer</Button>}
    >
      <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
        <Input label="Organisation name" autoComplete="off" error={errors.name?.message} {...form.register('name')} />
        <Input label="Billing email" type="email" autoComplete="off" error={errors.email?.message} {...form.register('email')} />
        <Controller
          control={form.control}
          name="resellerId"
          render={({ field }) => <ResellerPicker value={field.value ?? null} onChange={field.onChange} error={errors.resellerId?.message} />}
        />
        <FormError message={formError} />
        <div className="flex justify-end gap-3">
          <Button variant="secondary" disabled={isSubmitting} onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" pending={isSubmitting}>
            Create customer
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
