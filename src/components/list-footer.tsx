'use client';

import { FormError } from './form-feedback';
import { Button } from './ui/button';
import { errorMessage } from '@/lib/trpc/client';

/** Under a cursor-paged list: how many rows are shown, "Load more" while the server has more, and a failed page's error. */
export function ListFooter({
  count,
  noun,
  hasMore,
  loadingMore,
  onLoadMore,
  error,
}: {
  count: number;
  noun: [singular: string, plural: string];
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
  error?: unknown;
}) {
  return (
    <>
      <FormError message={error ? errorMessage(error) : null} />
      <div className="flex items-center justify-between gap-4 text-sm text-slate-600">
        <p aria-live="polite">
          Showing {count} {count === 1 ? noun[0] : noun[1]}
          {hasMore ? '' : ' (all)'}
        </p>
        {hasMore && (
          <Button variant="secondary" pending={loadingMore} onClick={onLoadMore}>
            Load more
          </Button>
        )}
      </div>
    </>
  );
}
