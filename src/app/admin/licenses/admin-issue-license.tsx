'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { IssueLicenseDialog } from '@/components/licensing/issue-license-dialog';
import { useTRPC } from '@/lib/trpc/client';
import { CustomerPicker } from '../users/customer-picker';

/** The admin's "Issue license": any customer, any current plan, an optional expiry. */
export function AdminIssueLicense({ customer }: { customer?: { id: string; name: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const issue = useMutation(trpc.licenses.issue.mutationOptions());
  return (
    <IssueLicenseDialog
      CustomerPicker={CustomerPicker}
      initialCustomer={customer}
      allowExpiry
      issue={(values) => issue.mutateAsync(values)}
      licenseHref={(licenseId) => `/admin/licenses/${licenseId}`}
      onIssued={async () => {
        await queryClient.invalidateQueries(trpc.licenses.pathFilter());
        router.refresh();
      }}
    />
  );
}
