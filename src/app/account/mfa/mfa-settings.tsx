'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import * as Dialog from '@radix-ui/react-dialog';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { Input } from '@/components/ui/input';
import { DisableMfaInput, RegenerateBackupCodesInput, TOTP_DIGITS, type MfaStatus } from '@/lib/schemas/mfa';
import { errorMessage, serverFieldErrors, useTRPC } from '@/lib/trpc/client';
import { BackupCodesPanel } from './backup-codes-panel';
import { TotpCodeInput } from './code-input';

// UTC, so the server render and the browser agree.
const dateFormat = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' });

function RegenerateBackupCodes({ accountEmail }: { accountEmail: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [codes, setCodes] = useState<string[] | null>(null);
  const form = useForm<RegenerateBackupCodesInput>({ resolver: zodResolver(RegenerateBackupCodesInput), defaultValues: { code: '' } });
  const regenerate = useMutation(trpc.mfa.regenerateBackupCodes.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      const result = await regenerate.mutateAsync(values);
      setCodes(result.backupCodes);
      form.reset();
      await queryClient.invalidateQueries({ queryKey: trpc.mfa.status.queryKey() });
    } catch (error) {
      form.setError('code', { message: errorMessage(error) });
    }
  });

  if (codes) {
    return (
      <BackupCodesPanel codes={codes} accountEmail={accountEmail}>
        <Button onClick={() => setCodes(null)}>I have saved these codes</Button>
      </BackupCodesPanel>
    );
  }

  const { errors, isSubmitting } = form.formState;
  return (
    <Card title="Regenerate backup codes">
      <p className="text-sm text-slate-600">
        Makes 10 new backup codes. Every earlier backup code, used or not, stops working.
      </p>
      <form onSubmit={onSubmit} noValidate className="mt-4 flex flex-wrap items-start gap-3">
        <TotpCodeInput label={`Current ${TOTP_DIGITS}-digit code`} error={errors.code?.message} {...form.register('code')} />
        <Button type="submit" variant="secondary" pending={isSubmitting} className="sm:mt-6">
          Regenerate backup codes
        </Button>
      </form>
    </Card>
  );
}

function TurnOffMfa() {
  const trpc = useTRPC();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<DisableMfaInput>({ resolver: zodResolver(DisableMfaInput), defaultValues: { password: '', code: '' } });
  const disable = useMutation(trpc.mfa.disable.mutationOptions());

  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (!next) {
      form.reset();
      setFormError(null);
    }
  };

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await disable.mutateAsync(values);
    } catch (error) {
      const fields = serverFieldErrors(error);
      for (const [name, messages] of Object.entries(fields)) {
        if (messages?.[0]) form.setError(name as keyof DisableMfaInput, { message: messages[0] });
      }
      if (Object.keys(fields).length === 0) setFormError(errorMessage(error));
      return;
    }
    setOpen(false);
    toast.success('Two-factor authentication is off.');
    // The page renders the set-up again.
    router.refresh();
  });

  const { errors, isSubmitting } = form.formState;
  return (
    <Card title="Turn off two-factor authentication">
      <p className="text-sm text-slate-600">
        Your account will be protected by your password only, and your backup codes stop working. Admin and reseller accounts
        must set it up again before they can continue.
      </p>
      <Dialog.Root open={open} onOpenChange={onOpenChange}>
        <Dialog.Trigger asChild>
          <Button variant="danger" className="mt-4">
            Turn off…
          </Button>
        </Dialog.Trigger>
        <Dialog.Portal>
          <Dialog.Overlay className="fixed inset-0 bg-slate-900/40" />
          <Dialog.Content className="fixed top-1/2 left-1/2 w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-6 shadow-xl focus:outline-none">
            <Dialog.Title className="text-lg font-semibold text-slate-900">Turn off two-factor authentication?</Dialog.Title>
            <Dialog.Description className="mt-1 text-sm text-slate-600">
              Confirm with your password and a current code from your authenticator app.
            </Dialog.Description>
            <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
              <Input label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...form.register('password')} />
              <TotpCodeInput label={`Current ${TOTP_DIGITS}-digit code`} error={errors.code?.message} {...form.register('code')} />
              {formError && (
                <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
                  {formError}
                </p>
              )}
              <div className="flex justify-end gap-2">
                <Dialog.Close asChild>
                  <Button variant="secondary">Cancel</Button>
                </Dialog.Close>
                <Button type="submit" variant="danger" pending={isSubmitting}>
                  Turn off
                </Button>
              </div>
            </form>
          </Dialog.Content>
        </Dialog.Portal>
      </Dialog.Root>
    </Card>
  );
}

export function MfaSettings({ initialStatus, accountEmail }: { initialStatus: MfaStatus; accountEmail: string }) {
  const trpc = useTRPC();
  const status = useQuery(trpc.mfa.status.queryOptions(undefined, { initialData: initialStatus }));
  const { enabledAt, backupCodesRemaining } = status.data;

  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-2xl font-semibold text-slate-900">Two-factor authentication</h1>
      <Card title="Status">
        <dl className="space-y-2 text-sm">
          <div className="flex items-center gap-3">
            <dt className="text-slate-500">Authenticator app</dt>
            <dd className="flex items-center gap-2">
              <Badge tone="success">On</Badge>
              {enabledAt && <span className="text-slate-600">since {dateFormat.format(enabledAt)}</span>}
            </dd>
          </div>
          <div className="flex items-center gap-3">
            <dt className="text-slate-500">Backup codes left</dt>
            <dd data-testid="backup-codes-remaining" className="tabular-nums text-slate-900">
              {backupCodesRemaining}
            </dd>
          </div>
        </dl>
        {backupCodesRemaining <= 2 && (
          <p role="status" className="mt-3 rounded-md bg-amber-50 p-3 text-sm text-amber-800 ring-1 ring-amber-600/20">
            {backupCodesRemaining === 0 ? 'You have no backup codes left.' : 'You are running out of backup codes.'} Regenerate them
            so you can still sign in if you lose your authenticator.
          </p>
        )}
        {status.isError && (
          <p role="alert" className="mt-3 text-sm text-red-600">
            Could not refresh the status: {errorMessage(status.error)}
          </p>
        )}
      </Card>
      <RegenerateBackupCodes accountEmail={accountEmail} />
      <TurnOffMfa />
    </div>
  );
}
