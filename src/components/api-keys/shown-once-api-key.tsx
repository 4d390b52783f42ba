'use client';

import { useEffect, useRef } from 'react';
import { CopyButton } from '@/components/copy-button';

/**
 * A new key right after it was made (create or rotate). Only its hash is stored, so it can never
 * be shown again; the warning says so before anything else.
 */
export function ShownOnceApiKey({ apiKey, note }: { apiKey: string; note: string }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Keyboard and screen-reader users land on the key, which replaced the form they just used.
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  return (
    <section aria-labelledby="new-api-key-heading" className="mt-4 space-y-4">
      <h3 id="new-api-key-heading" ref={headingRef} tabIndex={-1} className="text-sm font-semibold text-slate-900 focus:outline-none">
        Your new API key
      </h3>
      <p role="alert" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
        <strong className="font-semibold">Copy the key now: it cannot be shown again.</strong> {note}
      </p>
      <div className="flex items-center gap-2">
        <code data-testid="new-api-key" className="min-w-0 flex-1 rounded-md bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900 ring-1 ring-slate-200 select-all">
          {apiKey}
        </code>
        <CopyButton value={apiKey} label="API key" />
      </div>
    </section>
  );
}
