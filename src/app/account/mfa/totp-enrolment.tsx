'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmEnrolmentInput, TOTP_DIGITS, type TotpEnrolment } from '@/lib/schemas/mfa';
import { errorMessage, useTRPC } from '@/lib/trpc/client';
import { BackupCodesPanel } from './backup-codes-panel';
import { TotpCodeInput } from './code-input';

function SecretText({ secret }: { secret: string }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      toast.success('Key copied.');
    } catch {
      toast.error('Could not copy. Select the key and copy it instead.');
    }
  };
  // Groups of four are spaced by CSS, not by spaces, so the text (and a selection of it) is the plain key.
  const groups = secret.match(/.{1,4}/g) ?? [];
  return (
    <div className="mt-2 flex flex-wrap items-center gap-3">
      <code data-testid="totp-secret" className="rounded-md bg-slate-50 px-3 py-2 font-mono text-sm tracking-wider text-slate-900 ring-1 ring-slate-200">
        {groups.map((group, index) => (
          <span key={index} className="mr-2 last:mr-0">
            {group}
          </span>
        ))}
      </code>
      <Button variant="secondary" onClick={copy}>
        Copy key
      </Button>
    </div>
  );
}

export function TotpEnrolmentSetup({
  initialEnrolment,
  accountEmail,
  homeHref,
  required,
}: {
  initialEnrolment: TotpEnrolment;
  accountEmail: string;
  homeHref: string;
  /** Admins and resellers may not skip it. */
  required: boolean;
}) {
  const trpc = useTRPC();
  const [enrolment, setEnrolment] = useState(initialEnrolment);
  const [backupCodes, setBackupCodes] = useState<string[] | null>(null);
  const [keyError, setKeyError] = useState<string | null>(null);
  const form = useForm<ConfirmEnrolmentInput>({ resolver: zodResolver(ConfirmEnrolmentInput), defaultValues: { code: '' } });
  const confirm = useMutation(trpc.mfa.confirmEnrolment.mutationOptions());
  const restart = useMutation(trpc.mfa.beginEnrolment.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const result = await confirm.mutateAsync(values);
      setBackupCodes(result.backupCodes);
      toast.success('Two-factor authentication is on.');
    } catch (error) {
      form.setError('code', { message: errorMessage(error) });
    }
  });

  const replaceKey = async () => {
    setKeyError(null);
    try {
      setEnrolment(await restart.mutateAsync());
      form.reset();
      toast.success('New key created. Scan the new QR code; the previous one no longer works.');
    } catch (error) {
      setKeyError(errorMessage(error));
    }
  };

  if (backupCodes) {
    return (
      <div className="max-w-3xl space-y-6">
        <h1 className="text-2xl font-semibold text-slate-900">Two-factor authentication is on</h1>
        <BackupCodesPanel codes={backupCodes} accountEmail={accountEmail}>
          <Link
            href={homeHref}
            className="inline-flex rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
          >
            I have saved these codes
          </Link>
        </BackupCodesPanel>
      </div>
    );
  }

  const { errors, isSubmitting } = form.formState;
  return (
    <div className="max-w-3xl space-y-6">
      <div>
        <h1 className="text-2xl font-semibold text-slate-900">Set up two-factor authentication</h1>
        <p className="mt-1 text-sm text-slate-600">
          After your password, signing in will also ask for a code from an authenticator app on your phone or computer.
        </p>
        {required && (
          <p role="status" className="mt-3 rounded-md bg-amber-50 p-3 text-sm text-amber-800 ring-1 ring-amber-600/20">
            Your account type requires two-factor authentication. Set it up to continue.
          </p>
        )}
      </div>

      <section aria-labelledby="scan-heading" className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="scan-heading" className="text-base font-semibold text-slate-900">
          1. Add Licensor to your authenticator app
        </h2>
        <div className="mt-4 flex flex-col gap-6 sm:flex-row">
          <div
            role="img"
            aria-label={`QR code that adds ${accountEmail} on Licensor to an authenticator app`}
            className="size-52 shrink-0 rounded-md bg-white ring-1 ring-slate-200 [&>svg]:size-full"
            // The SVG comes from the qrcode library on our server, drawn from our own otpauth URI: no user-supplied markup.
            dangerouslySetInnerHTML={{ __html: enrolment.qrSvg }}
          />
          <div className="text-sm text-slate-600">
            <p>Scan the QR code with an app such as 1Password, Google Authenticator, Microsoft Authenticator or Authy.</p>
            <p className="mt-4">Cannot scan it? Enter this key in the app instead (time-based):</p>
            <SecretText secret={enrolment.secret} />
            <div className="mt-4">
              <Button variant="ghost" pending={restart.isPending} onClick={replaceKey}>
                Use a new key
              </Button>
              {keyError && (
                <p role="alert" className="mt-1 text-sm text-red-600">
                  {keyError}
                </p>
              )}
            </div>
          </div>
        </div>
      </section>

      <section aria-labelledby="confirm-heading" className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <h2 id="confirm-heading" className="text-base font-semibold text-slate-900">
          2. Enter the code the app shows
        </h2>
        <form onSubmit={onSubmit} noValidate className="mt-4 flex flex-wrap items-start gap-3">
          <TotpCodeInput
            label={`${TOTP_DIGITS}-digit code`}
            error={errors.code?.message}
            {...form.register('code')}
          />
          <Button type="submit" pending={isSubmitting} className="sm:mt-6">
            Turn on
          </Button>
        </form>
      </section>
    </div>
  );
}
