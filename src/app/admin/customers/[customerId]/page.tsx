import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LicenseStatusList } from '@/components/license-status-list';
import { RiskBadge } from '@/components/security/risk-badge';
import { Badge } from '@/components/ui/badge';
import { Card, StatTile } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { UserStatusBadge } from '@/components/user-badges';
import { formatDateTime } from '@/lib/format';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { requirePageSession } from '@/server/http/page-guards';
import { getCustomerDetail } from '@/server/licensing/customers';
import { listLicenses } from '@/server/licensing/license-admin';
import { assessPaymentRisk } from '@/server/security/risk';
import { AdminIssueLicense } from '../../licenses/admin-issue-license';
import { LicensesTable } from '../../licenses/licenses-table';

export const metadata: Metadata = { title: 'Customer' };

const LICENSES_PAGE_SIZE = 10;

async function loadCustomer(customerId: string) {
  const db = await getDb();
  try {
    const customer = await getCustomerDetail(db, { customerId });
    const [licenses, risk] = await Promise.all([listLicenses(db, { customerId, limit: LICENSES_PAGE_SIZE }), assessPaymentRisk(db, customerId)]);
    return { customer, licenses, risk };
  } catch (error) {
    // A malformed id is refused by the input schema: for a page, that customer does not exist either.
    if (isAppError(error) && (error.code === 'NOT_FOUND' || error.code === 'BAD_REQUEST')) notFound();
    throw error;
  }
}

export default async function CustomerPage({ params }: { params: Promise<{ customerId: string }> }) {
  const { customerId } = await params;
  await requirePageSession(['ADMIN'], `/admin/customers/${encodeURIComponent(customerId)}`);
  const { customer, licenses, risk } = await loadCustomer(customerId);
  const licenseCount = Object.values(customer.licensesByStatus).reduce((sum, count) => sum + (count ?? 0), 0);

  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/customers" className="text-sm font-medium text-indigo-700 hover:underline">
          ← Customers
        </Link>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold text-slate-900">{customer.name}</h1>
            {customer.anonymizedAt && <Badge>anonymised</Badge>}
            <RiskBadge label="Payment risk" risk={risk} />
          </div>
          {!customer.anonymizedAt && <AdminIssueLicense customer={{ id: customer.id, name: customer.name }} />}
        </div>
        <p className="mt-1 text-sm text-slate-600">{customer.email}</p>
      </div>

      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatTile label="Licenses" value={licenseCount} />
        <StatTile label="Active machines" value={customer.activeMachines} />
        <StatTile label="Users" value={customer.userCount} />
        <StatTile label="Customer since" value={customer.createdAt.toISOString().slice(0, 10)} />
      </dl>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Details">
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className="text-slate-500">Billing email</dt>
            <dd>{customer.email}</dd>
            <dt className="text-slate-500">Reseller</dt>
            <dd>{customer.reseller ? `${customer.reseller.name} (${customer.reseller.email})` : 'None: sold directly'}</dd>
            <dt className="text-slate-500">Stripe customer</dt>
            <dd>{customer.stripeCustomerId ? <code className="font-mono text-xs">{customer.stripeCustomerId}</code> : 'Not linked'}</dd>
            <dt className="text-slate-500">Created</dt>
            <dd>{formatDateTime(customer.createdAt)}</dd>
          </dl>
        </Card>
        <Card title="Licenses by status">
          <LicenseStatusList counts={customer.licensesByStatus} />
        </Card>
      </div>

      <Card title="Licenses">
        <LicensesTable
          filter={{ customerId: customer.id }}
          pageSize={LICENSES_PAGE_SIZE}
          firstPage={licenses}
          showCustomer={false}
          emptyHint="Issue this customer its first license."
        />
      </Card>

      <Card title="Users">
        {customer.users.length === 0 ? (
          <EmptyState title="No users yet">
            Create or invite users of this organisation on the{' '}
            <Link href="/admin/users" className="font-medium text-indigo-700 hover:underline">
              Users page
            </Link>
            .
          </EmptyState>
        ) : (
          <Table
            caption="Users of this customer"
            rows={customer.users}
            rowKey={(user) => user.id}
            columns={[
              {
                header: 'Name',
                cell: (user) => (
                  <Link href={`/admin/users/${user.id}`} className="font-medium text-indigo-700 hover:underline">
                    {user.name}
                  </Link>
                ),
              },
              { header: 'Email', cell: (user) => user.email },
              { header: 'Status', cell: (user) => <UserStatusBadge disabledAt={user.disabledAt} /> },
              { header: 'Created', cell: (user) => formatDateTime(user.createdAt), className: 'whitespace-nowrap tabular-nums' },
            ]}
          />
        )}
        {customer.userCount > customer.users.length && (
          <p className="mt-3 text-sm text-slate-600">
            Showing {customer.users.length} of {customer.userCount}.{' '}
            <Link href={`/admin/users?search=${encodeURIComponent(customer.name)}`} className="font-medium text-indigo-700 hover:underline">
              See all on the Users page
            </Link>
          </p>
        )}
      </Card>

      <Card title="Recent activity">
        {customer.recentEvents.length === 0 ? (
          <EmptyState title="No activity yet" />
        ) : (
          <Table
            caption="Recent audit events of this customer"
            rows={customer.recentEvents}
            rowKey={(event) => event.sequence}
            columns={[
              { header: 'When', cell: (event) => formatDateTime(event.createdAt), className: 'whitespace-nowrap tabular-nums' },
              { header: 'Action', cell: (event) => <code className="font-mono text-xs">{event.action}</code> },
              { header: 'Actor', cell: (event) => event.actorLabel ?? event.actorType },
              {
                header: 'Target',
                cell: (event) =>
                  event.targetType === 'license' && event.targetId ? (
                    <Link href={`/admin/licenses/${event.targetId}`} className="text-indigo-700 hover:underline">
                      license
                    </Link>
                  ) : (
                    (event.targetType ?? '–')
                  ),
              },
              { header: 'IP address', cell: (event) => <span className="font-mono text-xs">{event.ip ?? '–'}</span> },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
