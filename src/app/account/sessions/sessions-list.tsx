'use client';

import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { useTRPC } from '@/lib/trpc/client';

type SessionRow = { id: string; deviceLabel: string; ip: string | null; createdAt: Date; lastSeenAt: Date; current: boolean };

export function SessionsList({ sessions }: { sessions: SessionRow[] }) {
  const trpc = useTRPC();
  const router = useRouter();
  const revokeSession = useMutation(trpc.account.revokeSession.mutationOptions());
  const revokeOthers = useMutation(trpc.account.revokeOtherSessions.mutationOptions());
  const others = sessions.filter((session) => !session.current);

  return (
    <Card>
      {sessions.length === 0 ? (
        <EmptyState title="No live sessions">Reload the page; if this persists, sign in again.</EmptyState>
      ) : (
        <Table<SessionRow>
          caption="Your live sessions"
          rows={sessions}
          rowKey={(session) => session.id}
          columns={[
            {
              header: 'Device',
              cell: (session) => (
                <span className="flex items-center gap-2">
                  {session.deviceLabel}
                  {session.current && <Badge tone="info">This device</Badge>}
                </span>
              ),
            },
            { header: 'IP address', cell: (session) => <span className="font-mono text-xs">{session.ip ?? '–'}</span> },
            { header: 'Signed in', cell: (session) => formatDateTime(session.createdAt), className: 'whitespace-nowrap tabular-nums' },
            { header: 'Last active', cell: (session) => formatDateTime(session.lastSeenAt), className: 'whitespace-nowrap tabular-nums' },
            {
              header: 'Actions',
              className: 'text-right',
              // The current session ends with "Sign out" in the header.
              cell: (session) =>
                session.current ? null : (
                  <ConfirmDialog
                    title="End this session?"
                    description={`${session.deviceLabel}${session.ip ? ` at ${session.ip}` : ''} is signed out at its next request.`}
                    confirmLabel="End session"
                    trigger={
                      <Button variant="secondary" className="px-2.5 py-1 text-xs" aria-label={`Revoke the session on ${session.deviceLabel}, last active ${formatDateTime(session.lastSeenAt)}`}>
                        Revoke
                      </Button>
                    }
                    onConfirm={async () => {
                      await revokeSession.mutateAsync({ sessionId: session.id });
                      toast.success('Session ended.');
                      router.refresh();
                    }}
                  />
                ),
            },
          ]}
        />
      )}
      <div className="mt-6 border-t border-slate-100 pt-4">
        {others.length === 0 ? (
          <EmptyState title="No other sessions">You are signed in on this device only.</EmptyState>
        ) : (
          <div className="flex flex-wrap items-center justify-between gap-4">
            <p className="text-sm text-slate-600">
              {others.length} other session{others.length === 1 ? '' : 's'}. Signing out everywhere else keeps you signed in here.
            </p>
            <ConfirmDialog
              title="Sign out everywhere else?"
              description={`${others.length} other session${others.length === 1 ? '' : 's'} end${others.length === 1 ? 's' : ''} now. This device stays signed in.`}
              confirmLabel="Sign out everywhere else"
              trigger={<Button variant="danger">Sign out everywhere else</Button>}
              onConfirm={async () => {
                const { sessionsEnded } = await revokeOthers.mutateAsync();
                toast.success(`Signed out of ${sessionsEnded} other session${sessionsEnded === 1 ? '' : 's'}.`);
                router.refresh();
              }}
            />
          </div>
        )}
      </div>
    </Card>
  );
}
