import { ListFooter } from '@/components/list-footer';
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

/** The parts of an infinite query of validation pages that the timeline reads. */
type ValidationPages = {
  data: { pages: { items: ValidationRow[] }[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  isFetchNextPageError: boolean;
  error: unknown;
  fetchNextPage: () => Promise<unknown>;
};

/** The validation timeline of a license page (admin or portal): the table and its "Load more". */
export function ValidationsTimeline({ validations }: { validations: ValidationPages }) {
  const rows = validations.data.pages.flatMap((page) => page.items);
  return (
    <div className="space-y-4">
      <ValidationsTable rows={rows} />
      {rows.length > 0 && (
        <ListFooter
          count={rows.length}
          noun={['call', 'calls']}
          hasMore={validations.hasNextPage}
          loadingMore={validations.isFetchingNextPage}
          onLoadMore={() => void validations.fetchNextPage()}
          error={validations.isFetchNextPageError ? validations.error : null}
        />
      )}
    </div>
  );
}
