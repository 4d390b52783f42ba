import type { Metadata } from 'next';
import { LicenseStatusList } from '@/components/license-status-list';
import { Card, StatTile } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { getDb } from '@/server/db';
import { getAdminDashboardSummary } from '@/server/reports/dashboard';

export const metadata: Metadata = { title: 'Dashboard' };

const numberFormat = new Intl.NumberFormat('en');

export default async function AdminDashboardPage() {
  const summary = await getAdminDashboardSummary(await getDb());
  const totalLicenses = Object.values(summary.licensesByStatus).reduce((sum, count) => sum + count, 0);
  const { total, succeeded, failed } = summary.validationsLast24h;
  const successRate = total === 0 ? '–' : `${((succeeded / total) * 100).toFixed(1)}%`;

  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-semibold text-slate-900">Dashboard</h1>
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatTile label="Customers" value={numberFormat.format(summary.customers)} detail={`${summary.products} product(s)`} />
        <StatTile label="Licenses" value={numberFormat.format(totalLicenses)} detail={`${summary.licensesByStatus.ACTIVE} active · ${summary.flaggedLicenses} flagged`} />
        <StatTile label="Active machines" value={numberFormat.format(summary.activeMachines)} />
        <StatTile label="Validations (24 h)" value={numberFormat.format(total)} detail={`${successRate} succeeded · ${failed} failed`} />
      </dl>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Licenses by status">
          <LicenseStatusList counts={summary.licensesByStatus} />
        </Card>
        <Card title="Users">
          <ul className="space-y-2 text-sm">
            {Object.entries(summary.usersByRole).map(([role, count]) => (
              <li key={role} className="flex justify-between">
                <span className="capitalize text-slate-700">{role.toLowerCase()}s</span>
                <span className="tabular-nums">{numberFormat.format(count)}</span>
              </li>
            ))}
            <li className="flex justify-between border-t border-slate-100 pt-2">
              <span className="text-slate-700">Open security alerts</span>
              <span className="tabular-nums">{summary.openAlerts}</span>
            </li>
          </ul>
        </Card>
      </div>

      <Card title="Recent activity">
        {summary.recentAuditEvents.length === 0 ? (
          <EmptyState title="No activity yet">Changes made by admins, customers and the system appear here.</EmptyState>
        ) : (
          <Table
            caption="Most recent audit events"
            rows={summary.recentAuditEvents}
            rowKey={(event) => event.sequence.toString()}
            columns={[
              { header: '#', cell: (event) => event.sequence.toString(), className: 'tabular-nums text-slate-500' },
              { header: 'When', cell: (event) => event.createdAt.toISOString().replace('T', ' ').slice(0, 19) + ' UTC' },
              { header: 'Action', cell: (event) => <code className="font-mono text-xs">{event.action}</code> },
              { header: 'Actor', cell: (event) => event.actorLabel ?? 'system' },
              { header: 'Target', cell: (event) => event.targetType ?? '–' },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
