import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { Table, type Column } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { formatExpiry, formatMachines, keyTail } from '@/lib/licensing-format';
import type { AppRouter } from '@/server/routers/root';
import { FlaggedBadge, LicenseStatusBadge } from './license-badges';

export type LicenseListPage = inferRouterOutputs<AppRouter>['licenses']['list'];
export type LicenseRow = LicenseListPage['items'][number];

/**
 * One page of licenses as the admin, the reseller and the customer see them: the key masked to
 * its last 4 characters, linked to the license page when there is one.
 */
export function LicenseRowsTable({
  rows,
  hrefFor,
  showCustomer = true,
  showFlags = true,
}: {
  rows: LicenseRow[];
  hrefFor?: (licenseId: string) => string;
  showCustomer?: boolean;
  /** The suspicious flag and last validation are for the vendor's staff. */
  showFlags?: boolean;
}) {
  const columns: (Column<LicenseRow> | false)[] = [
    {
      header: 'Key',
      cell: (license) =>
        hrefFor ? (
          <Link href={hrefFor(license.id)} className="font-mono font-medium text-indigo-700 hover:underline" aria-label={`License ending ${license.keyLast4}`}>
            {keyTail(license.keyLast4)}
          </Link>
        ) : (
          <span className="font-mono">{keyTail(license.keyLast4)}</span>
        ),
    },
    showCustomer && { header: 'Customer', cell: (license) => license.customer.name },
    {
      header: 'Product / plan',
      cell: (license) => (
        <>
          {license.product.name} <span className="text-slate-500">/ {license.plan.name}</span>
        </>
      ),
    },
    {
      header: 'Status',
      cell: (license) => (
        <span className="inline-flex gap-1">
          <LicenseStatusBadge status={license.status} />
          {showFlags && license.suspicious && <FlaggedBadge />}
        </span>
      ),
    },
    { header: 'Machines', cell: (license) => formatMachines(license.activeMachines, license.maxMachines), className: 'tabular-nums whitespace-nowrap' },
    { header: 'Expires', cell: (license) => formatExpiry(license.expiresAt), className: 'tabular-nums whitespace-nowrap' },
    showFlags && { header: 'Last validated', cell: (license) => formatDateTime(license.lastValidatedAt, 'Never'), className: 'tabular-nums whitespace-nowrap' },
  ];
  return <Table<LicenseRow> caption="Licenses" rows={rows} rowKey={(license) => license.id} columns={columns.filter((column): column is Column<LicenseRow> => column !== false)} />;
}
