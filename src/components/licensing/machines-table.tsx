'use client';

import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';

export type MachineRow = {
  id: string;
  fingerprint: string;
  hostname: string | null;
  platform: string | null;
  activatedAt: Date;
  deactivatedAt: Date | null;
  lastSeenAt: Date;
};

const machineName = (machine: MachineRow) => machine.hostname ?? machine.fingerprint;

/** The machines of a license, active first; each active one can be deactivated after a confirmation. */
export function MachinesTable({ machines, onDeactivate }: { machines: MachineRow[]; onDeactivate: (machine: MachineRow) => Promise<void> }) {
  if (machines.length === 0) {
    return <EmptyState title="No machines yet">A machine appears here when an installation activates or first validates this license.</EmptyState>;
  }
  return (
    <Table<MachineRow>
      caption="Machines"
      rows={machines}
      rowKey={(machine) => machine.id}
      columns={[
        { header: 'Fingerprint', cell: (machine) => <code className="font-mono text-xs break-all">{machine.fingerprint}</code> },
        { header: 'Host', cell: (machine) => machine.hostname ?? '–' },
        { header: 'Platform', cell: (machine) => machine.platform ?? '–' },
        {
          header: 'State',
          cell: (machine) => <Badge tone={machine.deactivatedAt ? 'neutral' : 'success'}>{machine.deactivatedAt ? 'deactivated' : 'active'}</Badge>,
        },
        { header: 'Activated', cell: (machine) => formatDateTime(machine.activatedAt), className: 'whitespace-nowrap tabular-nums' },
        {
          header: 'Last seen',
          cell: (machine) => (machine.deactivatedAt ? `Deactivated ${formatDateTime(machine.deactivatedAt)}` : formatDateTime(machine.lastSeenAt)),
          className: 'whitespace-nowrap tabular-nums',
        },
        {
          header: 'Actions',
          cell: (machine) =>
            machine.deactivatedAt ? null : (
              <ConfirmDialog
                title={`Deactivate ${machineName(machine)}?`}
                description="Its seat is freed at once. The installation must activate again to keep working."
                confirmLabel="Deactivate"
                trigger={
                  <Button variant="secondary" aria-label={`Deactivate ${machineName(machine)}`}>
                    Deactivate
                  </Button>
                }
                onConfirm={() => onDeactivate(machine)}
              />
            ),
        },
      ]}
    />
  );
}
