import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { SeverityBadge } from '@/components/security/severity-badge';
import { Card } from '@/components/ui/card';
import { formatDateTime } from '@/lib/format';
import { SequenceText } from '@/lib/schemas/audit';
import { getAuditEvent } from '@/server/audit';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { requirePageSession } from '@/server/http/page-guards';

export const metadata: Metadata = { title: 'Audit event' };

/** Where a target's own page is, for the kinds of target that have one. */
const TARGET_PAGES: Record<string, string> = { license: '/admin/licenses/', customer: '/admin/customers/', user: '/admin/users/' };

async function loadEvent(sequence: string) {
  if (!SequenceText.safeParse(sequence).success) notFound();
  try {
    return await getAuditEvent(await getDb(), sequence);
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
}

export default async function AuditEventPage({ params }: { params: Promise<{ sequence: string }> }) {
  const { sequence } = await params;
  await requirePageSession(['ADMIN'], `/admin/audit/${encodeURIComponent(sequence)}`);
  const event = await loadEvent(sequence);
  const filterLink = (name: string, value: string) => `/admin/audit?${new URLSearchParams({ [name]: value })}`;
  const previous = BigInt(event.sequence) - 1n;
  const targetPage = event.targetType && event.targetId ? TARGET_PAGES[event.targetType] : undefined;

  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/audit" className="text-sm font-medium text-indigo-700 hover:underline">
          ← Audit log
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold text-slate-900">
            Event {event.sequence}: <code className="font-mono text-xl">{event.action}</code>
          </h1>
          <SeverityBadge severity={event.severity} />
        </div>
        <p className="mt-1 text-sm text-slate-600">
          {previous > 0n && (
            <>
              <Link href={`/admin/audit/${previous}`} className="font-medium text-indigo-700 hover:underline">
                ← Event {previous.toString()}
              </Link>{' '}
              ·{' '}
            </>
          )}
          <Link href={`/admin/audit/${BigInt(event.sequence) + 1n}`} className="font-medium text-indigo-700 hover:underline">
            Event {(BigInt(event.sequence) + 1n).toString()} →
          </Link>
        </p>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="What happened">
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className="text-slate-500">When</dt>
            <dd>{formatDateTime(event.createdAt)}</dd>
            <dt className="text-slate-500">Actor</dt>
            <dd>
              {event.actorType}
              {event.actorLabel ? `: ${event.actorLabel}` : ''}{' '}
              {(event.actorId ?? event.actorLabel) && (
                <Link href={filterLink('actor', (event.actorId ?? event.actorLabel)!)} className="text-indigo-700 hover:underline">
                  (all their events)
                </Link>
              )}
            </dd>
            <dt className="text-slate-500">Target</dt>
            <dd>
              {event.targetType ? (
                <>
                  {event.targetType} <code className="font-mono text-xs">{event.targetId}</code>{' '}
                  {targetPage && (
                    <Link href={`${targetPage}${event.targetId}`} className="text-indigo-700 hover:underline">
                      (open)
                    </Link>
                  )}
                </>
              ) : (
                '–'
              )}
            </dd>
            <dt className="text-slate-500">Customer</dt>
            <dd>
              {event.customerId ? (
                <Link href={`/admin/customers/${event.customerId}`} className="font-mono text-xs text-indigo-700 hover:underline">
                  {event.customerId}
                </Link>
              ) : (
                '–'
              )}
            </dd>
            <dt className="text-slate-500">IP address</dt>
            <dd>
              {event.ip ? (
                <Link href={filterLink('ip', event.ip)} className="font-mono text-xs text-indigo-700 hover:underline">
                  {event.ip}
                </Link>
              ) : (
                '–'
              )}
            </dd>
            <dt className="text-slate-500">User agent</dt>
            <dd className="break-all">{event.userAgent ?? '–'}</dd>
          </dl>
        </Card>
        <Card title="Chain">
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className="text-slate-500">Hash</dt>
            <dd>
              <code className="font-mono text-xs break-all">{event.hash}</code>
            </dd>
            <dt className="text-slate-500">Previous hash</dt>
            <dd>
              <code className="font-mono text-xs break-all">{event.prevHash}</code>
            </dd>
          </dl>
        </Card>
      </div>

      <Card title="Metadata (secrets redacted)">
        {Object.keys(event.metadata).length === 0 ? (
          <p className="text-sm text-slate-500">None.</p>
        ) : (
          <pre className="overflow-x-auto rounded-md bg-slate-50 p-3 font-mono text-xs text-slate-800">{JSON.stringify(event.metadata, null, 2)}</pre>
        )}
      </Card>
    </div>
  );
}
