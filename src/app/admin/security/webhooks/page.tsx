import type { Metadata } from 'next';
import Link from 'next/link';
import { WindowTabs } from '@/components/security/window-tabs';
import { WINDOW_LABELS } from '@/lib/schemas/security';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { listWebhookFailures } from '@/server/security/dashboard';
import { windowFromParams } from '../security-query';
import { WebhookFailuresList } from './webhook-failures-list';

export const metadata: Metadata = { title: 'Webhook failures' };

const PAGE_SIZE = 50;

export default async function WebhookFailuresPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/security/webhooks');
  const window = windowFromParams(await searchParams);
  const firstPage = await listWebhookFailures(await getDb(), { window, limit: PAGE_SIZE });

  return (
    <div className="space-y-6">
      <div>
        <Link href={`/admin/security?window=${window}`} className="text-sm font-medium text-indigo-700 hover:underline">
          ← Security
        </Link>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold text-slate-900">Webhook failures</h1>
            <p className="text-sm text-slate-600">{WINDOW_LABELS[window]}: Stripe events whose processing failed.</p>
          </div>
          <WindowTabs current={window} hrefFor={(next) => `/admin/security/webhooks?window=${next}`} />
        </div>
      </div>
      <WebhookFailuresList window={window} pageSize={PAGE_SIZE} firstPage={firstPage} />
    </div>
  );
}
