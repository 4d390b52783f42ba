'use client';

import { Controller, useFormContext, useWatch } from 'react-hook-form';
import { Select } from '@/components/ui/select';
import { ROLE_LABELS } from '@/components/user-badges';
import type { Role } from '@/generated/prisma/enums';
import { CustomerPicker } from './customer-picker';

const ROLE_OPTIONS = (['CUSTOMER', 'RESELLER', 'ADMIN'] as const).map((role) => ({ value: role, label: ROLE_LABELS[role] }));

type RoleAssignment = { role: Role; customerId?: string | null };

/**
 * Role select, and the customer picker when the role is CUSTOMER (only customer users belong to
 * one). Reads the form of the surrounding FormProvider, whose values include a RoleAssignment.
 */
export function RoleFields({ initialCustomer = null }: { initialCustomer?: { id: string; name: string } | null }) {
  const { control, register, formState } = useFormContext<RoleAssignment>();
  const role = useWatch({ control, name: 'role' });
  return (
    <>
      <Select label="Role" options={ROLE_OPTIONS} error={formState.errors.role?.message} {...register('role')} />
      {role === 'CUSTOMER' && (
        <Controller
          control={control}
          name="customerId"
          render={({ field }) => (
            <CustomerPicker value={field.value ?? ''} onChange={field.onChange} error={formState.errors.customerId?.message} initial={initialCustomer} />
          )}
        />
      )}
    </>
  );
}
