'use client';

import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import type { inferRouterOutputs } from '@trpc/server';
import { usePathname, useRouter } from 'next/navigation';
import { useTransition } from 'react';
import { toast } from 'sonner';
import { FormError } from '@/components/form-feedback';
import { Badge, type BadgeTone } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { EmptyState } from '@/components/ui/empty-state';
import { Select } from '@/components/ui/select';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { StripeEventStatusName } from '@/lib/schemas/billing';
import { errorMessage, useTRPC } from '@/lib/trpc/client';
import type { AppRouter } from '@/server/routers/root';

type EventPage = inferRouterOutputs<AppRouter>['billing']['events'];
type EventRow = EventPage['items'][number];

const STATUS_TONES: Record<StripeEventStatusName, BadgeTone> = { RECEIVED: 'info', PROCESSED: 'success', IGNORED: 'neutral', FAILED: 'danger' };
const STATUS_OPTIONS = [{ value: '', label: 'Any status' }, ...StripeEventStatusName.options.map((status) => ({ value: status, label: status.toLowerCase() }))];

function ProcessAgain({ event }: { event: EventRow }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reprocess = useMutation(trpc.billing.reprocessEvent.mutationOptions());
  return (
    <ConfirmDialog
      title={`Process ${event.type} again`}
      description="The event is applied again from the payload stored when it arrived, as if Stripe had delivered it now."
      confirmLabel="Process again"
      variant="primary"
      trigger={<Button variant="secondary">Process again</Button>}
      onConfirm={async () => {
        const result = await reprocess.mutateAsync({ eventId: event.id });
        if (result.status === 'FAILED') throw new Error(`It failed again: ${result.detail ?? 'no detail'}`);
        toast.success(`${event.id} ${result.status === 'PROCESSED' ? 'processed' : 'ignored'}.`);
        await queryClient.invalidateQueries(trpc.billing.events.pathFilter());
      }}
    />
  );
}

/** Every Stripe event received, newest first, with its processing status, attempts and error. */
export function StripeEventsTable({ status, pageSize, firstPage }: { status?: StripeEventStatusName; pageSize: number; firstPage: EventPage }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const [isNavigating, startNavigation] = useTransition();
  const events = useInfiniteQuery(
    trpc.billing.events.infiniteQueryOptions({ status, limit: pageSize }, { initialData: { pages: [firstPage], pageParams: [null] }, getNextPageParam: (page) => page.nextCursor }),
  );
  const rows = events.data.pages.flatMap((page) => page.items);

  return (
    <div className="space-y-4">
      <div className="max-w-xs">
        <Select
          label="Status"
          value={status ?? ''}
          options={STATUS_OPTIONS}
          aria-busy={isNavigating || undefined}
          onChange={(event) => {
            const next = event.target.value;
            startNavigation(() => router.replace(next ? `${pathname}?status=${next}` : pathname, { scroll: false }));
          }}
        />
      </div>
      {rows.length === 0 ? (
        <EmptyState title={status ? 'No events with this status' : 'No webhook events yet'}>Stripe’s deliveries to /api/webhooks/stripe appear here.</EmptyState>
      ) : (
        <Table<EventRow>
          caption="Stripe webhook events"
          rows={rows}
          rowKey={(row) => row.id}
          columns={[
            { header: 'Received', cell: (row) => formatDateTime(row.receivedAt), className: 'whitespace-nowrap tabular-nums' },
            { header: 'Type', cell: (row) => <code className="font-mono text-xs">{row.type}</code> },
            { header: 'Status', cell: (row) => <Badge tone={STATUS_TONES[row.status]}>{row.status.toLowerCase()}</Badge> },
            { header: 'Attempts', cell: (row) => row.attempts, className: 'tabular-nums' },
            { header: 'Detail', cell: (row) => <span className={row.status === 'FAILED' ? 'text-red-700' : 'text-slate-500'}>{row.error ?? '–'}</span>, className: 'max-w-md break-words' },
            { header: 'Event', cell: (row) => <code className="font-mono text-xs text-slate-500">{row.id}</code> },
            { header: 'Actions', cell: (row) => (row.status === 'FAILED' ? <ProcessAgain event={row} /> : null) },
          ]}
        />
      )}
      <FormError message={events.isFetchNextPageError ? errorMessage(events.error) : null} />
      {events.hasNextPage && (
        <Button variant="secondary" pending={events.isFetchingNextPage} onClick={() => void events.fetchNextPage()}>
          Load more
        </Button>
      )}
    </div>
  );
}
