import type { Metadata } from 'next';
import Link from 'next/link';
import { WindowTabs } from '@/components/security/window-tabs';
import { ListValidationAttemptsInput, WINDOW_LABELS, type ValidationOutcome } from '@/lib/schemas/security';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { listValidationAttempts } from '@/server/security/dashboard';
import { firstParam, hrefWith, windowFromParams } from '../security-query';
import { ValidationAttemptsList, type ValidationAttemptsFilter } from './validation-attempts-list';

export const metadata: Metadata = { title: 'Validation calls' };

const PAGE_SIZE = 50;

const OUTCOME_TITLES: Record<ValidationOutcome, string> = {
  succeeded: 'Successful calls',
  failed: 'Refused calls',
  rate_limited: 'Rate-limited calls',
  unauthorised: 'Calls refused with 401/403',
};

export default async function ValidationAttemptsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/security/validations');
  const params = await searchParams;
  const shape = ListValidationAttemptsInput.shape;
  // A malformed value (a hand-edited URL) is dropped rather than an error page.
  const filter: ValidationAttemptsFilter = {
    window: windowFromParams(params),
    outcome: shape.outcome.catch(undefined).parse(firstParam(params.outcome)),
    code: shape.code.catch(undefined).parse(firstParam(params.code)),
    ip: shape.ip.catch(undefined).parse(firstParam(params.ip)),
    licenseId: shape.licenseId.catch(undefined).parse(firstParam(params.licenseId)),
  };
  const firstPage = await listValidationAttempts(await getDb(), { ...filter, limit: PAGE_SIZE });
  const described = [
    filter.code && `code ${filter.code}`,
    filter.ip && `from ${filter.ip}`,
    filter.licenseId && 'of one license',
  ].filter(Boolean);

  return (
    <div className="space-y-6">
      <div>
        <Link href={`/admin/security?window=${filter.window}`} className="text-sm font-medium text-indigo-700 hover:underline">
          ← Security
        </Link>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-4">
          <div>
            <h1 className="text-2xl font-semibold text-slate-900">{filter.outcome ? OUTCOME_TITLES[filter.outcome] : 'Validation calls'}</h1>
            <p className="text-sm text-slate-600">
              {WINDOW_LABELS[filter.window]}
              {described.length > 0 ? `, ${described.join(', ')}` : ''}.{' '}
              {(filter.outcome || described.length > 0) && (
                <Link href={`/admin/security/validations?window=${filter.window}`} className="font-medium text-indigo-700 hover:underline">
                  Show every call
                </Link>
              )}
            </p>
          </div>
          <WindowTabs current={filter.window} hrefFor={(window) => hrefWith('/admin/security/validations', { ...filter, window })} />
        </div>
      </div>
      <ValidationAttemptsList filter={filter} pageSize={PAGE_SIZE} firstPage={firstPage} />
    </div>
  );
}
