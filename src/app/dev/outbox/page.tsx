import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { formatDateTime } from '@/lib/format';
import { getDb } from '@/server/db';
import { getEnv } from '@/server/env';
import { listOutbox } from '@/server/mail';

export const metadata: Metadata = { title: 'Development outbox' };

const LINK = /(https?:\/\/[^\s<>"]+)/g;

/** The mail text with its links clickable (the reset and invitation links are what one comes here for). */
function linkify(text: string): ReactNode[] {
  return text.split(LINK).map((part, index) =>
    // split with a capturing group puts the matches at odd indexes.
    index % 2 === 1 ? (
      <a key={index} href={part} className="break-all text-indigo-700 underline">
        {part}
      </a>
    ) : (
      part
    ),
  );
}

const STATUS_TONES = { sent: 'success', failed: 'danger', stored: 'info' } as const;

/**
 * Development only: mail that would have gone out, so password resets and invitations work
 * without SMTP. Open without signing in; absent (404) in any other environment.
 */
export default async function DevOutboxPage() {
  if (getEnv().NODE_ENV !== 'development') notFound();
  const mails = await listOutbox(await getDb());
  return (
    <main className="mx-auto max-w-4xl space-y-6 px-4 py-8">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">Development outbox</h1>
        <p className="mt-1 text-sm text-slate-600">The newest {mails.length} outgoing mails, newest first. This page exists only in development.</p>
      </div>
      {mails.length === 0 ? (
        <EmptyState title="No mail yet">Request a password reset or invite a user, then reload.</EmptyState>
      ) : (
        <ol className="space-y-4">
          {mails.map((mail) => (
            <li key={mail.id}>
              <article aria-label={mail.subject} className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
                <header className="flex flex-wrap items-baseline justify-between gap-2">
                  <h2 className="font-semibold text-slate-900">{mail.subject}</h2>
                  <Badge tone={STATUS_TONES[mail.status as keyof typeof STATUS_TONES] ?? 'neutral'}>{mail.status}</Badge>
                </header>
                <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 text-sm text-slate-600">
                  <dt>To</dt>
                  <dd className="text-slate-900">{mail.to}</dd>
                  <dt>Created</dt>
                  <dd className="tabular-nums">{formatDateTime(mail.createdAt)}</dd>
                  {mail.error && (
                    <>
                      <dt>Error</dt>
                      <dd className="text-red-700">{mail.error}</dd>
                    </>
                  )}
                </dl>
                <pre className="mt-3 overflow-x-auto rounded-md bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap text-slate-800">{linkify(mail.text)}</pre>
              </article>
            </li>
          ))}
        </ol>
      )}
    </main>
  );
}
