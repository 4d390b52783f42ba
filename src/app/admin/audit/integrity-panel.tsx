'use client';

import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { toast } from 'sonner';
import { FormError } from '@/components/form-feedback';
import { Button } from '@/components/ui/button';
import { formatDateTime } from '@/lib/format';
import { errorMessage, useTRPC } from '@/lib/trpc/client';

/**
 * "Verify chain": the whole chain from its start and every signed checkpoint, reporting the
 * first broken link. Checkpoints can be signed now and exported for offline verification.
 */
export function IntegrityPanel({ retentionDays, latestCheckpoint }: { retentionDays: number; latestCheckpoint: { sequence: string; createdAt: Date } | null }) {
  const trpc = useTRPC();
  const router = useRouter();
  const verify = useMutation(trpc.audit.verify.mutationOptions());
  const checkpoint = useMutation(trpc.audit.createCheckpoint.mutationOptions());
  const report = verify.data;

  return (
    <section aria-label="Integrity" className="space-y-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="text-sm text-slate-600">
          <h2 className="font-semibold text-slate-900">Integrity</h2>
          <p>
            {latestCheckpoint
              ? `Latest signed checkpoint: event ${latestCheckpoint.sequence}, ${formatDateTime(latestCheckpoint.createdAt)}.`
              : 'No signed checkpoint yet.'}{' '}
            Events older than {retentionDays.toLocaleString('en')} days are removed after a checkpoint at the cut.
          </p>
        </div>
        <div className="flex flex-wrap gap-3">
          <Button pending={verify.isPending} onClick={() => verify.mutate()}>
            Verify chain
          </Button>
          <Button
            variant="secondary"
            pending={checkpoint.isPending}
            onClick={() =>
              checkpoint.mutate(undefined, {
                onSuccess: (signed) => {
                  toast.success(signed ? `Signed the chain head at event ${signed.sequence}.` : 'The chain head is already signed.');
                  router.refresh();
                },
              })
            }
          >
            Sign checkpoint now
          </Button>
          <a href="/api/admin/audit/checkpoints" download className="rounded-md px-3.5 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-100">
            Export checkpoints
          </a>
        </div>
      </div>
      <FormError message={verify.isError ? errorMessage(verify.error) : checkpoint.isError ? errorMessage(checkpoint.error) : null} />
      {report && (
        <div role="status" className={`rounded-md p-3 text-sm ${report.ok ? 'bg-green-50 text-green-900' : 'bg-red-50 text-red-900'}`}>
          {report.ok ? (
            <p>
              <span className="font-semibold">Chain verified.</span> {report.checkedEvents.toLocaleString('en')} events link up
              {report.start ? ` from the retention checkpoint at event ${report.start.sequence}` : ' from the first event'}, and{' '}
              {report.checkpoints.matched.toLocaleString('en')} signed checkpoints match the table
              {report.checkpoints.retired > 0 ? ` (${report.checkpoints.retired} cover events removed by retention)` : ''}.
            </p>
          ) : (
            <p>
              <span className="font-semibold">The chain is broken at event {report.brokenAt?.toString()}</span>: {report.reason}{' '}
              {report.brokenAt !== null && (
                <Link href={`/admin/audit/${report.brokenAt.toString()}`} className="font-medium underline">
                  Open the event
                </Link>
              )}
            </p>
          )}
        </div>
      )}
      <p className="text-xs text-slate-500">
        Offline: <code className="font-mono">npm run cli -- audit:verify --checkpoints audit-checkpoints.json --public-key public-key.pem</code>
      </p>
    </section>
  );
}
