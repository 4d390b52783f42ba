'use client';

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { toast } from 'sonner';
import { ListFooter } from '@/components/list-footer';
import { SeverityBadge } from '@/components/security/severity-badge';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { formatDateTime } from '@/lib/format';
import { keyTail } from '@/lib/licensing-format';
import type { AlertStatusName } from '@/lib/schemas/security';
import { useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type Page = inferRouterOutputs<AppRouter>['security']['alerts'];
type Alert = Page['items'][number];

const STATUS_TONES: Record<AlertStatusName, BadgeTone> = { OPEN: 'danger', ACKNOWLEDGED: 'warning', RESOLVED: 'success' };

function Delivery({ alert }: { alert: Alert }) {
  if (alert.deliveredAt) return <span>Sent {formatDateTime(alert.deliveredAt)}</span>;
  if (alert.deliveryError) return <span className="text-red-700">Not sent yet ({alert.deliveryAttempts} tries): {alert.deliveryError}</span>;
  return <span className="text-slate-500">Not sent</span>;
}

/** Acknowledge (someone is on it) or resolve (done), with an optional note; both are audited. */
function StatusAction({ alert, to }: { alert: Alert; to: 'ACKNOWLEDGED' | 'RESOLVED' }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [note, setNote] = useState('');
  const acknowledge = useMutation(trpc.security.acknowledgeAlert.mutationOptions());
  const resolve = useMutation(trpc.security.resolveAlert.mutationOptions());
  const verb = to === 'ACKNOWLEDGED' ? 'Acknowledge' : 'Resolve';
  return (
    <ConfirmDialog
      title={`${verb} this alert?`}
      description={alert.title}
      confirmLabel={verb}
      variant="primary"
      trigger={
        <Button variant={to === 'RESOLVED' ? 'primary' : 'secondary'} aria-label={`${verb}: ${alert.title}`}>
          {verb}
        </Button>
      }
      onConfirm={async () => {
        const input = { alertId: alert.id, note: note.trim() || undefined };
        await (to === 'ACKNOWLEDGED' ? acknowledge.mutateAsync(input) : resolve.mutateAsync(input));
        toast.success(to === 'ACKNOWLEDGED' ? 'Alert acknowledged.' : 'Alert resolved.');
        setNote('');
        router.refresh();
        await queryClient.invalidateQueries(trpc.security.pathFilter());
      }}
    >
      <Input label="Note (optional)" value={note} maxLength={500} onChange={(event) => setNote(event.target.value)} hint="Kept in the audit log with the change." />
    </ConfirmDialog>
  );
}

function AlertItem({ alert }: { alert: Alert }) {
  const detail = Object.entries(alert.detail);
  return (
    <li className="space-y-2 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200" aria-label={alert.title}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1 space-y-1">
          <div className="flex flex-wrap items-center gap-2">
            <SeverityBadge severity={alert.severity} />
            <Badge tone={STATUS_TONES[alert.status]}>{alert.status.toLowerCase()}</Badge>
            <code className="font-mono text-xs text-slate-600">{alert.rule}</code>
          </div>
          <p className="text-sm font-medium text-slate-900">{alert.title}</p>
        </div>
        <div className="flex gap-2">
          {alert.status === 'OPEN' && <StatusAction alert={alert} to="ACKNOWLEDGED" />}
          {alert.status !== 'RESOLVED' && <StatusAction alert={alert} to="RESOLVED" />}
        </div>
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-xs text-slate-600">
        <dt>Raised</dt>
        <dd>{formatDateTime(alert.createdAt)}</dd>
        {alert.licenseId && (
          <>
            <dt>License</dt>
            <dd>
              <Link href={`/admin/licenses/${alert.licenseId}`} className="font-mono text-indigo-700 hover:underline">
                {alert.licenseKeyLast4 ? keyTail(alert.licenseKeyLast4) : alert.licenseId}
              </Link>
            </dd>
          </>
        )}
        {alert.customerId && (
          <>
            <dt>Customer</dt>
            <dd>
              <Link href={`/admin/customers/${alert.customerId}`} className="text-indigo-700 hover:underline">
                {alert.customerName ?? alert.customerId}
              </Link>
            </dd>
          </>
        )}
        {alert.ip && (
          <>
            <dt>IP address</dt>
            <dd className="font-mono">{alert.ip}</dd>
          </>
        )}
        {detail.length > 0 && (
          <>
            <dt>Measured</dt>
            <dd>{detail.map(([key, value]) => `${key} ${String(value)}`).join(' · ')}</dd>
          </>
        )}
        <dt>Delivery</dt>
        <dd>
          <Delivery alert={alert} />
        </dd>
        {alert.acknowledgedAt && (
          <>
            <dt>Acknowledged</dt>
            <dd>
              {formatDateTime(alert.acknowledgedAt)} by {alert.acknowledgedBy ?? 'a former admin'}
            </dd>
          </>
        )}
        {alert.resolvedAt && (
          <>
            <dt>Resolved</dt>
            <dd>
              {formatDateTime(alert.resolvedAt)} by {alert.resolvedBy ?? 'a former admin'}
            </dd>
          </>
        )}
      </dl>
    </li>
  );
}

/** Alerts, newest first, by cursor. */
export function AlertsList({ status, pageSize, firstPage }: { status?: AlertStatusName; pageSize: number; firstPage: Page }) {
  const trpc = useTRPC();
  const alerts = useInfiniteQuery(
    trpc.security.alerts.infiniteQueryOptions(
      { status, limit: pageSize },
      { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor },
    ),
  );
  const rows = alerts.data.pages.flatMap((page) => page.items);
  if (rows.length === 0) {
    return <EmptyState title={status ? `No ${status.toLowerCase()} alerts` : 'No alerts yet'}>Alerts appear here when a rule&apos;s threshold is crossed.</EmptyState>;
  }
  return (
    <div className="space-y-4">
      <ul className="space-y-3" aria-label="Alerts">
        {rows.map((alert) => (
          <AlertItem key={alert.id} alert={alert} />
        ))}
      </ul>
      <ListFooter
        count={rows.length}
        noun={['alert', 'alerts']}
        hasMore={alerts.hasNextPage}
        loadingMore={alerts.isFetchingNextPage}
        onLoadMore={() => void alerts.fetchNextPage()}
        error={alerts.isFetchNextPageError ? alerts.error : null}
      />
    </div>
  );
}
