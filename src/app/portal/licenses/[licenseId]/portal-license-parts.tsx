'use client';

import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { MachinesTable, type MachineRow } from '@/components/licensing/machines-table';
import { RotateSecretAction } from '@/components/licensing/rotate-secret-action';
import { ValidationsTimeline } from '@/components/licensing/validations-table';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type ValidationsPage = inferRouterOutputs<AppRouter>['portal']['validations'];

export function PortalMachines({ licenseId, machines }: { licenseId: string; machines: MachineRow[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const deactivate = useMutation(trpc.portal.deactivateMachine.mutationOptions());
  return (
    <MachinesTable
      machines={machines}
      onDeactivate={async (machine) => {
        await deactivate.mutateAsync({ licenseId, machineId: machine.id });
        toast.success(`${machine.hostname ?? machine.fingerprint} is deactivated; its seat is free.`);
        router.refresh();
      }}
    />
  );
}

export function PortalValidations({ licenseId, pageSize, firstPage }: { licenseId: string; pageSize: number; firstPage: ValidationsPage }) {
  const trpc = useTRPC();
  const validations = useInfiniteQuery(
    trpc.portal.validations.infiniteQueryOptions(
      { licenseId, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  return <ValidationsTimeline validations={validations} />;
}

export function PortalRotateSecret({ licenseId, disabled }: { licenseId: string; disabled: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const rotate = useMutation(trpc.portal.rotateSecret.mutationOptions());
  return <RotateSecretAction disabled={disabled} rotate={() => rotate.mutateAsync({ licenseId })} onRotated={() => router.refresh()} />;
}
