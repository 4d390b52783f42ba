import type { Metadata } from 'next';
import { listLiveSessions } from '@/server/auth/sessions';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { SessionsList } from './sessions-list';

export const metadata: Metadata = { title: 'Sessions' };

export default async function SessionsPage() {
  const session = await requirePageSession(['ADMIN', 'RESELLER', 'CUSTOMER'], '/account/sessions');
  const sessions = await listLiveSessions(await getDb(), session.user.id);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">Sessions</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every device where you are signed in. End a session you do not recognise, then change your password.
        </p>
      </div>
      <SessionsList
        sessions={sessions.map(({ id, deviceLabel, ip, createdAt, lastSeenAt }) => ({ id, deviceLabel, ip, createdAt, lastSeenAt, current: id === session.id }))}
      />
    </div>
  );
}
