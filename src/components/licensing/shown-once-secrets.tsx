'use client';

import { useEffect, useRef } from 'react';
import { CopyButton } from '@/components/copy-button';

function SecretValue({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div>
      <p className="text-sm font-medium text-slate-700">{label}</p>
      <div className="mt-1 flex items-center gap-2">
        <code data-testid={testId} className="min-w-0 flex-1 rounded-md bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900 ring-1 ring-slate-200 select-all">
          {value}
        </code>
        <CopyButton value={value} label={label} />
      </div>
    </div>
  );
}

/**
 * A license key and signing secret right after they were made (issue) or the new secret after a
 * rotation. The secret is stored encrypted and is never shown again, so the warning is explicit.
 */
export function ShownOnceSecrets({ licenseKey, signingSecret, kind }: { licenseKey?: string; signingSecret: string; kind: 'issued' | 'rotated' }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  // Keyboard and screen-reader users land on the values, which replaced the form they just used.
  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  return (
    <section aria-labelledby={`${kind}-secrets-heading`} className="mt-4 space-y-4">
      <h3 id={`${kind}-secrets-heading`} ref={headingRef} tabIndex={-1} className="text-sm font-semibold text-slate-900 focus:outline-none">
        {kind === 'issued' ? 'License issued' : 'New signing secret'}
      </h3>
      <p role="alert" className="rounded-md bg-amber-50 p-3 text-sm text-amber-900">
        <strong className="font-semibold">Copy the signing secret now: it cannot be shown again.</strong>{' '}
        {kind === 'issued'
          ? 'Give the key and the secret to the customer through a channel you trust; their software signs every request with the secret.'
          : 'The previous secret stopped working. Put the new one in every installation of this license.'}
      </p>
      {licenseKey && <SecretValue label="License key" value={licenseKey} testId="issued-license-key" />}
      <SecretValue label="Signing secret" value={signingSecret} testId={`${kind}-signing-secret`} />
    </section>
  );
}
