import type { Metadata } from 'next';
import Link from 'next/link';
import { WindowTabs } from '@/components/security/window-tabs';
import { ListSignInAttemptsInput, WINDOW_LABELS } from '@/lib/schemas/security';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { listSignInAttempts } from '@/server/security/dashboard';
import { firstParam, hrefWith, windowFromParams } from '../security-query';
import { SignInAttemptsList, type SignInAttemptsFilter } from './sign-in-attempts-list';

export const metadata: Metadata = { title: 'Sign-in attempts' };

const PAGE_SIZE = 50;

export default async function SignInAttemptsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/security/sign-ins');
  const params = await searchParams;
  const filter: SignInAttemptsFilter = {
    window: windowFromParams(params),
    result: ListSignInAttemptsInput.shape.result.catch(undefined).parse(firstParam(params.result)),
    ip: ListSignInAttemptsInput.shape.ip.catch(undefined).parse(firstParam(params.ip)),
  };
  const firstPage = await listSignInAttempts(await getDb(), { ...filter, limit: PAGE_SIZE });

  return (
    <div className="space-y-6">
      <div>
        <Link href={`/admin/security?window=${filter.window}`} className="text-sm font-medium text-indigo-700 hover:underline">
          ← Security
        </Link>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold text-slate-900">{filter.result === 'failed' ? 'Failed sign-ins' : 'Sign-in attempts'}</h1>
            <p className="text-sm text-slate-600">
              {WINDOW_LABELS[filter.window]}
              {filter.ip ? `, from ${filter.ip}` : ''}.{' '}
              {(filter.result || filter.ip) && (
                <Link href={`/admin/security/sign-ins?window=${filter.window}`} className="font-medium text-indigo-700 hover:underline">
                  Show every attempt
                </Link>
              )}
            </p>
          </div>
          <WindowTabs current={filter.window} hrefFor={(window) => hrefWith('/admin/security/sign-ins', { ...filter, window })} />
        </div>
      </div>
      <SignInAttemptsList filter={filter} pageSize={PAGE_SIZE} firstPage={firstPage} />
    </div>
  );
}
