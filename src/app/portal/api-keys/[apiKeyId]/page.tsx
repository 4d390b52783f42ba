import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { ApiKeyStatusBadge, ScopeBadges } from '@/components/api-keys/api-key-badges';
import { Card } from '@/components/ui/card';
import { formatDateTime } from '@/lib/format';
import { formatDate, formatExpiry } from '@/lib/licensing-format';
import { apiKeyRequestsPerDay, getApiKey } from '@/server/apikeys';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { requirePageSession } from '@/server/http/page-guards';
import { KeyRequestsChart } from './key-requests-chart';

export const metadata: Metadata = { title: 'API key' };

/** Only the organisation's own key: another organisation's is "not found", like one that does not exist. */
async function loadOwnKey(apiKeyId: string, customerId: string) {
  const db = await getDb();
  try {
    const apiKey = await getApiKey(db, apiKeyId, { customerId });
    // Reading the counts first writes the requests still buffered in memory.
    const requestsPerDay = await apiKeyRequestsPerDay(db, { apiKeyId, scope: { customerId } });
    return { apiKey, requestsPerDay };
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
}

function Detail({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-sm text-slate-500">{term}</dt>
      <dd className="mt-1 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

const listOrAny = (entries: string[], any: string) => (entries.length === 0 ? any : <span className="font-mono text-xs">{entries.join(', ')}</span>);

export default async function PortalApiKeyPage({ params }: { params: Promise<{ apiKeyId: string }> }) {
  const { apiKeyId } = await params;
  const session = await requirePageSession(['CUSTOMER'], `/portal/api-keys/${encodeURIComponent(apiKeyId)}`);
  const { apiKey, requestsPerDay } = await loadOwnKey(apiKeyId, session.user.customerId as string);

  return (
    <div className="space-y-6">
      <div>
        <Link href="/portal/api-keys" className="text-sm font-medium text-indigo-700 hover:underline">
          ← API keys
        </Link>
        <h1 className="mt-2 flex flex-wrap items-center gap-3 text-2xl font-semibold text-slate-900">
          {apiKey.name} <code className="font-mono text-base font-normal text-slate-600">{apiKey.prefix}</code>
        </h1>
      </div>
      <Card title="Key">
        <dl className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <Detail term="Status">
            <ApiKeyStatusBadge status={apiKey.status} graceEndsAt={apiKey.graceEndsAt} />
          </Detail>
          <Detail term="Scopes">
            <ScopeBadges scopes={apiKey.scopes} />
          </Detail>
          <Detail term="Created">{formatDate(apiKey.createdAt)}</Detail>
          <Detail term="Expires">{formatExpiry(apiKey.expiresAt)}</Detail>
          <Detail term="Last used">
            {apiKey.lastUsedAt ? `${formatDateTime(apiKey.lastUsedAt)}${apiKey.lastUsedIp ? ` from ${apiKey.lastUsedIp}` : ''}` : 'Never'}
          </Detail>
          <Detail term="Allowed IP addresses">{listOrAny(apiKey.ipAllowlist, 'Any address')}</Detail>
          <Detail term="Allowed origins">{listOrAny(apiKey.allowedOrigins, 'Any origin')}</Detail>
          <Detail term="Own hourly limit">{apiKey.rateLimitPerHour ? `${apiKey.rateLimitPerHour.toLocaleString('en')} requests` : 'None'}</Detail>
          {apiKey.revokedAt && <Detail term="Revoked">{formatDateTime(apiKey.revokedAt)}</Detail>}
        </dl>
      </Card>
      <Card title="Requests per day">
        <p className="mb-3 text-xs text-slate-500">Requests are counted in batches every few seconds, so the newest may take a moment to appear.</p>
        <KeyRequestsChart apiKeyId={apiKey.id} initialDays={requestsPerDay} />
      </Card>
    </div>
  );
}
