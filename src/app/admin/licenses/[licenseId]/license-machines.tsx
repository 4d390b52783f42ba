'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { MachinesTable, type MachineRow } from '@/components/licensing/machines-table';
import { useTRPC } from '@/lib/trpc/client';

export function LicenseMachines({ licenseId, machines }: { licenseId: string; machines: MachineRow[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const deactivate = useMutation(trpc.licenses.deactivateMachine.mutationOptions());
  return (
    <MachinesTable
      machines={machines}
      onDeactivate={async (machine) => {
        await deactivate.mutateAsync({ licenseId, machineId: machine.id });
        toast.success(`${machine.hostname ?? machine.fingerprint} is deactivated; its seat is free.`);
        router.refresh();
        await queryClient.invalidateQueries(trpc.licenses.pathFilter());
      }}
    />
  );
}
