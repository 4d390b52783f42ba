'use client';

import { useEffect, useRef, type ReactNode } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';

/** Backup codes, shown once right after they are made, with copy and download. */
export function BackupCodesPanel({ codes, accountEmail, children }: { codes: string[]; accountEmail: string; children: ReactNode }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Screen-reader and keyboard users land on the codes, which replaced the form they just used.
  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(codes.join('\n'));
      toast.success('Backup codes copied.');
    } catch {
      toast.error('Could not copy. Select the codes and copy them instead.');
    }
  };

  const download = () => {
    const text = [
      `Licensor backup codes for ${accountEmail}`,
      'Each code signs you in once if you cannot use your authenticator app.',
      '',
      ...codes,
      '',
    ].join('\n');
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'licensor-backup-codes.txt';
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 0);
  };

  return (
    <section aria-labelledby="backup-codes-heading" className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <h2 id="backup-codes-heading" ref={headingRef} tabIndex={-1} className="text-base font-semibold text-slate-900 focus:outline-none">
        Save your backup codes
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Each code works once, in place of a code from your authenticator app. Keep them somewhere safe:{' '}
        <strong className="font-semibold text-slate-900">they will not be shown again.</strong>
      </p>
      <ol data-testid="backup-codes" aria-label="Backup codes" className="mt-4 grid grid-cols-2 gap-2 sm:grid-cols-5">
        {codes.map((code) => (
          <li key={code} className="rounded-md bg-slate-50 px-3 py-2 text-center font-mono text-sm tracking-wider text-slate-900 ring-1 ring-slate-200">
            {code}
          </li>
        ))}
      </ol>
      <div className="mt-4 flex flex-wrap gap-2">
        <Button variant="secondary" onClick={copy}>
          Copy
        </Button>
        <Button variant="secondary" onClick={download}>
          Download
        </Button>
      </div>
      <div className="mt-5 border-t border-slate-100 pt-4">{children}</div>
    </section>
  );
}
