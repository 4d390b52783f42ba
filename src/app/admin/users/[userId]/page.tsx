import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { RiskBadge } from '@/components/security/risk-badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Badge } from '@/components/ui/badge';
import { Table } from '@/components/ui/table';
import { MfaBadge, RoleBadge, UserStatusBadge } from '@/components/user-badges';
import { formatDateTime } from '@/lib/format';
import { listLiveSessions } from '@/server/auth/sessions';
import { getUserForAdmin } from '@/server/auth/user-admin';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { requirePageSession } from '@/server/http/page-guards';
import { assessSignInRisk } from '@/server/security/risk';
import { UserActions } from './user-actions';

export const metadata: Metadata = { title: 'User' };

async function loadUser(userId: string) {
  try {
    return await getUserForAdmin(await getDb(), userId);
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
}

export default async function UserPage({ params }: { params: Promise<{ userId: string }> }) {
  const { userId } = await params;
  const session = await requirePageSession(['ADMIN'], `/admin/users/${encodeURIComponent(userId)}`);
  const user = await loadUser(userId);
  const [sessions, risk] = await Promise.all([listLiveSessions(await getDb(), user.id), assessSignInRisk(await getDb(), user.id)]);

  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/users" className="text-sm font-medium text-indigo-700 hover:underline">
          ← Users
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold text-slate-900">{user.name}</h1>
          <RoleBadge role={user.role} />
          <UserStatusBadge disabledAt={user.disabledAt} />
          <MfaBadge enabled={user.mfaEnabled} />
          <RiskBadge label="Sign-in risk" risk={risk} />
        </div>
        <p className="mt-1 text-sm text-slate-600">{user.email}</p>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Details">
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className="text-slate-500">Role</dt>
            <dd>{user.role.toLowerCase()}</dd>
            <dt className="text-slate-500">Organisation</dt>
            <dd>{user.customer?.name ?? '–'}</dd>
            <dt className="text-slate-500">Status</dt>
            <dd>{user.disabledAt ? `Disabled since ${formatDateTime(user.disabledAt)}` : 'Active'}</dd>
            <dt className="text-slate-500">Two-factor authentication</dt>
            <dd>{user.mfaEnabled ? 'On' : 'Off'}</dd>
            <dt className="text-slate-500">Created</dt>
            <dd>{formatDateTime(user.createdAt)}</dd>
            <dt className="text-slate-500">Password changed</dt>
            <dd>{formatDateTime(user.passwordChangedAt, 'Never')}</dd>
            <dt className="text-slate-500">Live sessions</dt>
            <dd>{sessions.length}</dd>
          </dl>
        </Card>
        <Card title="Actions">
          <UserActions
            user={{ id: user.id, name: user.name, email: user.email, role: user.role, customer: user.customer, disabled: user.disabledAt !== null, mfaEnabled: user.mfaEnabled }}
            liveSessions={sessions.length}
            isSelf={user.id === session.user.id}
          />
        </Card>
      </div>

      <Card title="Live sessions">
        {sessions.length === 0 ? (
          <EmptyState title="No live sessions">This user is signed out everywhere.</EmptyState>
        ) : (
          <Table
            caption="Live sessions"
            rows={sessions}
            rowKey={(liveSession) => liveSession.id}
            columns={[
              { header: 'Device', cell: (liveSession) => liveSession.deviceLabel },
              { header: 'IP address', cell: (liveSession) => <span className="font-mono text-xs">{liveSession.ip ?? '–'}</span> },
              { header: 'Signed in', cell: (liveSession) => formatDateTime(liveSession.createdAt), className: 'whitespace-nowrap tabular-nums' },
              { header: 'Last active', cell: (liveSession) => formatDateTime(liveSession.lastSeenAt), className: 'whitespace-nowrap tabular-nums' },
            ]}
          />
        )}
      </Card>

      <Card title="Recent sign-in attempts">
        {user.recentSignIns.length === 0 ? (
          <EmptyState title="No sign-in attempts yet" />
        ) : (
          <Table
            caption="Recent sign-in attempts"
            rows={user.recentSignIns}
            rowKey={(attempt) => attempt.id}
            columns={[
              { header: 'When', cell: (attempt) => formatDateTime(attempt.createdAt), className: 'whitespace-nowrap tabular-nums' },
              { header: 'Result', cell: (attempt) => <Badge tone={attempt.success ? 'success' : 'danger'}>{attempt.success ? 'Signed in' : 'Failed'}</Badge> },
              { header: 'Reason', cell: (attempt) => (attempt.reason ? <code className="font-mono text-xs">{attempt.reason}</code> : '–') },
              { header: 'IP address', cell: (attempt) => <span className="font-mono text-xs">{attempt.ip}</span> },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
