import type { Metadata } from 'next';
import { StackedBarsChart } from '@/components/charts/stacked-bars-chart';
import { Card } from '@/components/ui/card';
import { auditFilterFromParams, auditFilterToParams } from '@/lib/schemas/audit';
import { auditEventsPerDay, listAuditEvents } from '@/server/audit';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { securityPolicy } from '@/server/security/policy';
import { AuditEventsTable } from './audit-events-table';
import { AuditFilters } from './audit-filters';
import { IntegrityPanel } from './integrity-panel';

export const metadata: Metadata = { title: 'Audit log' };

const PAGE_SIZE = 50;
/** Distinguishable on white, in this order; the last is "other". */
const SERIES_COLOURS = ['#4f46e5', '#059669', '#d97706', '#0284c7', '#db2777', '#94a3b8'];

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/audit');
  const params = await searchParams;
  const filter = auditFilterFromParams((name) => params[name]);
  const db = await getDb();
  const [firstPage, perDay, checkpoints] = await Promise.all([
    listAuditEvents(db, filter, { limit: PAGE_SIZE }),
    auditEventsPerDay(db, filter),
    db.auditCheckpoint.findFirst({ orderBy: [{ sequence: 'desc' }, { createdAt: 'desc' }], select: { sequence: true, createdAt: true } }),
  ]);
  const query = auditFilterToParams(filter).toString();
  const exportHref = (format: 'csv' | 'json') => `/api/admin/audit/export?${new URLSearchParams([['format', format], ...new URLSearchParams(query)])}`;
  const total = perDay.points.reduce((sum, point) => sum + point.values.reduce((a, b) => a + b, 0), 0);

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold text-slate-900">Audit log</h1>
          <p className="text-sm text-slate-600">Every change, append-only and hash-chained. Metadata is shown with secrets redacted.</p>
        </div>
        <div className="flex gap-3">
          <a href={exportHref('csv')} download className="rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50">
            Export CSV
          </a>
          <a href={exportHref('json')} download className="rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset hover:bg-slate-50">
            Export JSON
          </a>
        </div>
      </div>

      <IntegrityPanel
        retentionDays={securityPolicy().audit.retentionDays}
        latestCheckpoint={checkpoints ? { sequence: checkpoints.sequence.toString(), createdAt: checkpoints.createdAt } : null}
      />

      <AuditFilters filter={filter} />

      <Card title="Events per day">
        <StackedBarsChart
          series={perDay.series.map((name, index) => ({ name, colour: SERIES_COLOURS[Math.min(index, SERIES_COLOURS.length - 1)]! }))}
          points={perDay.points.map((point) => ({ label: point.day.slice(5), values: point.values }))}
          caption="Audit events per day by action"
          summary={`${total.toLocaleString('en')} matching events from ${perDay.from.toISOString().slice(0, 10)} to ${new Date(perDay.to.getTime() - 1).toISOString().slice(0, 10)} (UTC), by action.`}
          periodHeader="Day (UTC)"
          emptyText="No matching events in this period."
        />
      </Card>

      <AuditEventsTable filter={filter} pageSize={PAGE_SIZE} firstPage={firstPage} />
    </div>
  );
}
