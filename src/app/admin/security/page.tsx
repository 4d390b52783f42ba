import type { Metadata } from 'next';
import { SecuritySectionNav } from '@/components/security/security-section-nav';
import Link from 'next/link';
import { StackedBarsChart } from '@/components/charts/stacked-bars-chart';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { MetricTile } from '@/components/security/metric-tile';
import { WindowTabs } from '@/components/security/window-tabs';
import { formatDateTime } from '@/lib/format';
import { keyTail } from '@/lib/licensing-format';
import { WINDOW_LABELS, type SecurityWindow } from '@/lib/schemas/security';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { getSecurityDashboard, MANY_IPS_PER_LICENSE, SUSPICIOUS_IP_ATTEMPTS } from '@/server/security/dashboard';
import { securityPolicy } from '@/server/security/policy';
import { hrefWith, windowFromParams } from './security-query';

export const metadata: Metadata = { title: 'Security' };

const numberFormat = new Intl.NumberFormat('en');
const share = (part: number, total: number) => (total === 0 ? 0 : part / total);
const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

const OUTCOME_SERIES = [
  { key: 'succeeded', name: 'Succeeded', colour: '#059669' },
  { key: 'failed', name: 'Refused', colour: '#d97706' },
  { key: 'rate_limited', name: 'Rate limited', colour: '#7c3aed' },
  { key: 'unauthorised', name: '401/403', colour: '#dc2626' },
] as const;

/** A bucket's label: the time of day (UTC) within a day, the date and hour over a week. */
function bucketLabel(at: Date, window: SecurityWindow): string {
  const iso = at.toISOString();
  return window === '7d' ? `${iso.slice(5, 10)} ${iso.slice(11, 13)}h` : iso.slice(11, 16);
}

export default async function SecurityDashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/security');
  const window = windowFromParams(await searchParams);
  const dashboard = await getSecurityDashboard(await getDb(), window);
  const { rules, minRequestsForRates } = securityPolicy().alerts;
  const { summary } = dashboard;
  const list = (path: string, params: Record<string, string | undefined> = {}) => hrefWith(path, { window, ...params });
  const enough = summary.total >= minRequestsForRates;
  const failureShare = share(summary.failed, summary.total);
  const rateLimitedShare = share(summary.rateLimited, summary.total);
  const unauthorisedShare = share(summary.unauthorised, summary.total);
  const busiestSignInHour = Math.max(0, ...dashboard.signIns.hours.map((hour) => hour.failed));

  return (
    <div className="space-y-8">
      <SecuritySectionNav />
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold text-slate-900">Security</h1>
          <p className="text-sm text-slate-600">
            {WINDOW_LABELS[window]}: since {formatDateTime(dashboard.since)}. Each number opens the list behind it.
          </p>
        </div>
        <WindowTabs current={window} hrefFor={(next) => `/admin/security?window=${next}`} />
      </div>

      <section aria-label="Key figures" className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <MetricTile
          label="Validation success rate"
          value={summary.total === 0 ? '–' : percent(share(summary.succeeded, summary.total))}
          detail={`${numberFormat.format(summary.succeeded)} of ${numberFormat.format(summary.total)} calls · ${numberFormat.format(summary.failed)} refused`}
          href={list('/admin/security/validations', { outcome: 'failed' })}
          alarming={enough && failureShare > rules.validation_failure_rate.threshold}
        />
        <MetricTile
          label="Rate-limit hits"
          value={numberFormat.format(summary.rateLimited)}
          detail={`${percent(rateLimitedShare)} of requests (alert over ${percent(rules.rate_limit_share.threshold)})`}
          href={list('/admin/security/validations', { outcome: 'rate_limited' })}
          alarming={enough && rateLimitedShare > rules.rate_limit_share.threshold}
        />
        <MetricTile
          label="401/403 answers"
          value={numberFormat.format(summary.unauthorised)}
          detail={`${percent(unauthorisedShare)} of requests (alert over ${percent(rules.auth_failure_share.threshold)})`}
          href={list('/admin/security/validations', { outcome: 'unauthorised' })}
          alarming={enough && unauthorisedShare > rules.auth_failure_share.threshold}
        />
        <MetricTile
          label="Failed sign-ins"
          value={numberFormat.format(dashboard.signIns.failed)}
          detail={`of ${numberFormat.format(dashboard.signIns.total)} attempts · busiest hour ${busiestSignInHour} (alert at ${rules.sign_in_failures.threshold})`}
          href={list('/admin/security/sign-ins', { result: 'failed' })}
          alarming={busiestSignInHour >= rules.sign_in_failures.threshold}
        />
        <MetricTile
          label="Webhook failures"
          value={numberFormat.format(dashboard.webhooks.failed)}
          detail={`of ${numberFormat.format(dashboard.webhooks.received)} Stripe events received`}
          href={list('/admin/security/webhooks')}
          alarming={window === '1h' && dashboard.webhooks.failed >= rules.webhook_failures.threshold}
        />
        <MetricTile
          label="Blocked IPs"
          value={numberFormat.format(dashboard.blocks.active)}
          detail={`blocked now · ${numberFormat.format(dashboard.blocks.createdInWindow)} new in the window`}
          href="/admin/ip-blocks"
        />
        <MetricTile
          label="Flagged licenses"
          value={numberFormat.format(dashboard.flagged.count)}
          detail="suspicious, not yet cleared"
          href="/admin/licenses?flagged=yes"
          alarming={dashboard.flagged.count > rules.licenses_flagged.threshold}
        />
        <MetricTile label="Open alerts" value={numberFormat.format(dashboard.openAlerts)} detail="open or acknowledged" href="/admin/alerts" alarming={dashboard.openAlerts > 0} />
      </section>

      <Card title="Validations over time by outcome">
        <StackedBarsChart
          series={OUTCOME_SERIES.map(({ name, colour }) => ({ name, colour }))}
          points={dashboard.overTime.map((point) => ({ label: bucketLabel(point.at, window), values: OUTCOME_SERIES.map(({ key }) => point[key]) }))}
          caption="Validation calls per period by outcome"
          summary={`${numberFormat.format(summary.total)} calls, ${WINDOW_LABELS[window].toLowerCase()} (UTC).`}
          periodHeader="From (UTC)"
          emptyText="No validation calls in this window."
        />
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Failure reasons">
          {dashboard.reasons.length === 0 ? (
            <EmptyState title="No failed calls" />
          ) : (
            <Table
              caption="Failure reasons"
              rows={dashboard.reasons}
              rowKey={(row) => row.code}
              columns={[
                {
                  header: 'Code',
                  cell: (row) => (
                    <Link href={list('/admin/security/validations', { code: row.code })} className="font-mono text-xs text-indigo-700 hover:underline">
                      {row.code}
                    </Link>
                  ),
                },
                { header: 'Calls', cell: (row) => numberFormat.format(row.count), className: 'text-right tabular-nums' },
                { header: 'Share', cell: (row) => percent(share(row.count, summary.total)), className: 'text-right tabular-nums' },
              ]}
            />
          )}
        </Card>
        <Card title="Top validated licenses">
          {dashboard.topLicenses.length === 0 ? (
            <EmptyState title="No license was validated" />
          ) : (
            <Table
              caption="Most validated licenses"
              rows={dashboard.topLicenses}
              rowKey={(row) => row.licenseId}
              columns={[
                {
                  header: 'License',
                  cell: (row) => (
                    <Link href={`/admin/licenses/${row.licenseId}`} className="font-mono text-indigo-700 hover:underline">
                      {keyTail(row.license.keyLast4)}
                    </Link>
                  ),
                },
                { header: 'Customer', cell: (row) => row.license.customer.name },
                {
                  header: 'Calls',
                  cell: (row) => (
                    <Link href={list('/admin/security/validations', { licenseId: row.licenseId })} className="text-indigo-700 hover:underline">
                      {numberFormat.format(row.total)}
                    </Link>
                  ),
                  className: 'text-right tabular-nums',
                },
                { header: 'Refused', cell: (row) => numberFormat.format(row.failed), className: 'text-right tabular-nums' },
              ]}
            />
          )}
        </Card>
        <Card title={`Suspicious IPs (more than ${SUSPICIOUS_IP_ATTEMPTS} calls)`}>
          {dashboard.suspiciousIps.length === 0 ? (
            <EmptyState title="No address is that busy" />
          ) : (
            <Table
              caption="Suspicious IP addresses"
              rows={dashboard.suspiciousIps}
              rowKey={(row) => row.ip}
              columns={[
                {
                  header: 'IP address',
                  cell: (row) => (
                    <Link href={list('/admin/security/validations', { ip: row.ip })} className="font-mono text-xs text-indigo-700 hover:underline">
                      {row.ip}
                    </Link>
                  ),
                },
                { header: 'Calls', cell: (row) => numberFormat.format(row.attempts), className: 'text-right tabular-nums' },
                { header: 'Refused', cell: (row) => numberFormat.format(row.failed), className: 'text-right tabular-nums' },
                { header: 'Status', cell: (row) => (row.blocked ? <Badge tone="danger">blocked</Badge> : <Badge>not blocked</Badge>) },
              ]}
            />
          )}
        </Card>
        <Card title={`Licenses seen from more than ${MANY_IPS_PER_LICENSE} IPs`}>
          {dashboard.licensesOnManyIps.length === 0 ? (
            <EmptyState title="No license is spread that wide" />
          ) : (
            <Table
              caption="Licenses seen from many IP addresses"
              rows={dashboard.licensesOnManyIps}
              rowKey={(row) => row.licenseId}
              columns={[
                {
                  header: 'License',
                  cell: (row) => (
                    <Link href={`/admin/licenses/${row.licenseId}`} className="font-mono text-indigo-700 hover:underline">
                      {keyTail(row.license.keyLast4)}
                    </Link>
                  ),
                },
                { header: 'Customer', cell: (row) => row.license.customer.name },
                { header: 'IPs', cell: (row) => numberFormat.format(row.ips), className: 'text-right tabular-nums' },
                { header: 'Flagged', cell: (row) => (row.license.suspicious ? <Badge tone="danger">flagged</Badge> : '–') },
              ]}
            />
          )}
        </Card>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Flagged licenses">
          {dashboard.flagged.newest.length === 0 ? (
            <EmptyState title="No flagged licenses" />
          ) : (
            <Table
              caption="Newest flagged licenses"
              rows={dashboard.flagged.newest}
              rowKey={(row) => row.id}
              columns={[
                {
                  header: 'License',
                  cell: (row) => (
                    <Link href={`/admin/licenses/${row.id}`} className="font-mono text-indigo-700 hover:underline">
                      {keyTail(row.keyLast4)}
                    </Link>
                  ),
                },
                { header: 'Customer', cell: (row) => row.customer.name },
                { header: 'Flagged', cell: (row) => formatDateTime(row.flaggedAt), className: 'whitespace-nowrap tabular-nums' },
                { header: 'Reason', cell: (row) => row.suspiciousReason ?? '–' },
              ]}
            />
          )}
        </Card>
        <Card title="Failed sign-ins per hour">
          <StackedBarsChart
            series={[{ name: 'Failed sign-ins', colour: '#dc2626' }]}
            points={dashboard.signIns.hours.map((hour) => ({ label: bucketLabel(hour.hour, window === '1h' ? '24h' : window), values: [hour.failed] }))}
            caption="Failed sign-ins per hour"
            summary={`${numberFormat.format(dashboard.signIns.failed)} failed of ${numberFormat.format(dashboard.signIns.total)} sign-in attempts (UTC hours).`}
            periodHeader="Hour (UTC)"
            emptyText="No failed sign-ins in this window."
          />
        </Card>
      </div>
    </div>
  );
}
