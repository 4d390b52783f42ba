import type { Metadata } from 'next';
import { SecuritySectionNav } from '@/components/security/security-section-nav';
import { AlertStatusName } from '@/lib/schemas/security';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { configuredAlertChannels, listAlerts } from '@/server/security/alerts';
import { AlertsList } from './alerts-list';
import { AlertStatusFilter } from './alert-status-filter';

export const metadata: Metadata = { title: 'Alerts' };

const PAGE_SIZE = 25;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/alerts');
  // A malformed status (a hand-edited URL) shows every alert rather than an error page.
  const status = AlertStatusName.optional().catch(undefined).parse(first((await searchParams).status));
  const firstPage = await listAlerts(await getDb(), { status, limit: PAGE_SIZE });
  const channels = configuredAlertChannels();
  const delivery = [channels.webhook && 'the security webhook', channels.email && `email to ${channels.email}`].filter(Boolean);

  return (
    <div className="space-y-6">
      <SecuritySectionNav />
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold text-slate-900">Alerts</h1>
          <p className="text-sm text-slate-600">
            Raised by the alert rules and anomaly detection.{' '}
            {delivery.length > 0
              ? `New alerts go to ${delivery.join(' and ')}.`
              : 'No delivery is configured: set SECURITY_WEBHOOK_URL, or SECURITY_ALERT_EMAIL with SMTP, to be told at once.'}
          </p>
        </div>
        <AlertStatusFilter status={status} />
      </div>
      <AlertsList status={status} pageSize={PAGE_SIZE} firstPage={firstPage} />
    </div>
  );
}
