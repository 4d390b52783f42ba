import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { OutcomeBadge } from './license-badges';

export type ValidationRow = {
  id: string;
  kind: string;
  success: boolean;
  code: string;
  ip: string;
  fingerprint: string | null;
  feature: string | null;
  createdAt: Date;
};

/** The timeline of a license's API calls, newest first: outcome, address and machine. */
export function ValidationsTable({ rows }: { rows: ValidationRow[] }) {
  if (rows.length === 0) {
    return <EmptyState title="No validations yet">Each validate, activate and deactivate call with this key appears here, whatever its outcome.</EmptyState>;
  }
  return (
    <Table<ValidationRow>
      caption="Validation timeline"
      rows={rows}
      rowKey={(row) => row.id}
      columns={[
        { header: 'When', cell: (row) => formatDateTime(row.createdAt), className: 'whitespace-nowrap tabular-nums' },
        { header: 'Call', cell: (row) => row.kind },
        { header: 'Outcome', cell: (row) => <OutcomeBadge success={row.success} code={row.code} /> },
        { header: 'IP address', cell: (row) => <span className="font-mono text-xs">{row.ip}</span> },
        { header: 'Fingerprint', cell: (row) => (row.fingerprint ? <code className="font-mono text-xs break-all">{row.fingerprint}</code> : '–') },
        { header: 'Feature', cell: (row) => row.feature ?? '–' },
      ]}
    />
  );
}
