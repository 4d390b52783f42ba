'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { FormProvider, useForm } from 'react-hook-form';
import { toast } from 'sonner';
import type { z } from 'zod';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { EntitlementFields } from '@/components/licensing/policy-fields';
import { RotateSecretAction } from '@/components/licensing/rotate-secret-action';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import type { LicenseStatus } from '@/generated/prisma/enums';
import { endOfUtcDay, formatDate, formatExpiry, keyTail } from '@/lib/licensing-format';
import { ClearFlagInput, ExtendLicenseInput, RevokeLicenseInput, SuspendLicenseInput, UpdateEntitlementsInput } from '@/lib/schemas/licensing';
import { useTRPC } from '@/lib/trpc/client';

export type ManagedLicense = {
  id: string;
  keyLast4: string;
  status: LicenseStatus;
  expiresAt: Date | null;
  maxMachines: number | null;
  features: string[];
  quotas: Record<string, number>;
  activeMachines: number;
};

/** Parses a confirm dialog's fields with the procedure's schema; the first problem is shown in the dialog. */
function parseOrThrow<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(result.error.issues[0]?.message ?? 'Check the form.');
  return result.data;
}

/** After a change: the page's server-rendered parts and every cached license list show it. */
function useAfterChange() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  return async (message: string) => {
    toast.success(message);
    router.refresh();
    await queryClient.invalidateQueries(trpc.licenses.pathFilter());
  };
}

function Action({ title, children, explanation }: { title: string; children: ReactNode; explanation: ReactNode }) {
  return (
    <section aria-label={title} className="flex flex-wrap items-center justify-between gap-3 border-t border-slate-100 pt-3 first:border-t-0 first:pt-0">
      <div className="min-w-0 flex-1">
        <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
        <p className="text-sm text-slate-600">{explanation}</p>
      </div>
      {children}
    </section>
  );
}

/** Every change an admin makes to a license; each is confirmed, and each is audited by the server. */
export function LicenseActions({ license }: { license: ManagedLicense }) {
  const trpc = useTRPC();
  const afterChange = useAfterChange();
  const rotate = useMutation(trpc.licenses.rotateSecret.mutationOptions());
  const resetMachines = useMutation(trpc.licenses.resetMachines.mutationOptions());
  const revoked = license.status === 'REVOKED';

  return (
    <div className="space-y-3">
      <SuspendOrReinstate license={license} />
      <Action title="Expiry" explanation={revoked ? 'A revoked license cannot be extended.' : `Expires: ${formatExpiry(license.expiresAt)}.`}>
        <ExtendExpiry license={license} />
      </Action>
      <Action title="Entitlements" explanation="Seats, features and monthly quotas of this license only; the plan stays as it is.">
        <ChangeEntitlements license={license} />
      </Action>
      <Action
        title="Machines"
        explanation={license.activeMachines === 0 ? 'No machine is active.' : `${license.activeMachines} active; resetting frees every seat.`}
      >
        <ConfirmDialog
          title="Reset all machines?"
          description={`All ${license.activeMachines} active machines are deactivated. Each installation must activate again, within the seats.`}
          confirmLabel="Reset machines"
          trigger={
            <Button variant="secondary" disabled={license.activeMachines === 0}>
              Reset machines
            </Button>
          }
          onConfirm={async () => {
            const { machinesDeactivated } = await resetMachines.mutateAsync({ licenseId: license.id });
            await afterChange(`${machinesDeactivated} machine${machinesDeactivated === 1 ? '' : 's'} deactivated.`);
          }}
        />
      </Action>
      <Action title="Signing secret" explanation="Rotate when the secret may have leaked; the customer's installations need the new one.">
        <RotateSecretAction
          disabled={revoked}
          rotate={() => rotate.mutateAsync({ licenseId: license.id })}
          onRotated={() => void afterChange('New signing secret made.')}
        />
      </Action>
      <Action title="Revoke" explanation={revoked ? 'This license is revoked.' : 'Final: the license never validates again.'}>
        <RevokeLicense license={license} />
      </Action>
    </div>
  );
}

function SuspendOrReinstate({ license }: { license: ManagedLicense }) {
  const trpc = useTRPC();
  const afterChange = useAfterChange();
  const suspend = useMutation(trpc.licenses.suspend.mutationOptions());
  const reinstate = useMutation(trpc.licenses.reinstate.mutationOptions());
  const [reason, setReason] = useState('');

  if (license.status === 'SUSPENDED' || license.status === 'OVERDUE') {
    return (
      <Action title="Status" explanation={`This license is ${license.status.toLowerCase()}: it answers ${license.status} until reinstated.`}>
        <ConfirmDialog
          title={`Reinstate license ${keyTail(license.keyLast4)}?`}
          description="It is active again at once and validates as before."
          variant="primary"
          confirmLabel="Reinstate"
          trigger={<Button>Reinstate</Button>}
          onConfirm={async () => {
            await reinstate.mutateAsync({ licenseId: license.id });
            await afterChange('The license is active again.');
          }}
        />
      </Action>
    );
  }
  return (
    <Action
      title="Status"
      explanation={license.status === 'ACTIVE' ? 'Suspending stops validations until the license is reinstated.' : `This license is ${license.status.toLowerCase()}.`}
    >
      <ConfirmDialog
        title={`Suspend license ${keyTail(license.keyLast4)}?`}
        description="Validations answer SUSPENDED at once, until an admin reinstates the license."
        confirmLabel="Suspend"
        trigger={
          <Button variant="danger" disabled={license.status !== 'ACTIVE'}>
            Suspend
          </Button>
        }
        onOpenChange={() => setReason('')}
        onConfirm={async () => {
          const input = parseOrThrow(SuspendLicenseInput, { licenseId: license.id, reason });
          await suspend.mutateAsync(input);
          await afterChange('The license is suspended.');
        }}
      >
        <Input label="Reason" value={reason} onChange={(event) => setReason(event.target.value)} hint="Recorded in the audit log, e.g. unpaid invoice." autoComplete="off" />
      </ConfirmDialog>
    </Action>
  );
}

function RevokeLicense({ license }: { license: ManagedLicense }) {
  const trpc = useTRPC();
  const afterChange = useAfterChange();
  const revoke = useMutation(trpc.licenses.revoke.mutationOptions());
  const [reason, setReason] = useState('');
  return (
    <ConfirmDialog
      title={`Revoke license ${keyTail(license.keyLast4)}?`}
      description="Revocation is final: the license answers REVOKED forever and cannot be reinstated or extended."
      confirmLabel="Revoke license"
      confirmationText={license.keyLast4}
      trigger={
        <Button variant="danger" disabled={license.status === 'REVOKED'}>
          Revoke
        </Button>
      }
      onOpenChange={() => setReason('')}
      onConfirm={async () => {
        const input = parseOrThrow(RevokeLicenseInput, { licenseId: license.id, reason });
        await revoke.mutateAsync(input);
        await afterChange('The license is revoked.');
      }}
    >
      <Input label="Reason" value={reason} onChange={(event) => setReason(event.target.value)} hint="Recorded in the audit log, e.g. chargeback." autoComplete="off" />
    </ConfirmDialog>
  );
}

function ExtendExpiry({ license }: { license: ManagedLicense }) {
  const trpc = useTRPC();
  const afterChange = useAfterChange();
  const extend = useMutation(trpc.licenses.extend.mutationOptions());
  const [day, setDay] = useState('');
  const [perpetual, setPerpetual] = useState(false);
  // The end of today (UTC) is still in the future, so today is the earliest expiry.
  const [today] = useState(() => formatDate(new Date()));
  return (
    <ConfirmDialog
      title="Change the expiry"
      description={`Now: ${formatExpiry(license.expiresAt)}. An expired license with a later expiry is active again.`}
      variant="primary"
      confirmLabel="Save expiry"
      trigger={
        <Button variant="secondary" disabled={license.status === 'REVOKED'}>
          Extend expiry
        </Button>
      }
      onOpenChange={() => {
        setDay(license.expiresAt ? formatDate(license.expiresAt) : '');
        setPerpetual(license.expiresAt === null);
      }}
      onConfirm={async () => {
        const expiresAt = perpetual ? null : endOfUtcDay(day);
        if (expiresAt === null && !perpetual) throw new Error('Choose a date, or make the license perpetual.');
        const input = parseOrThrow(ExtendLicenseInput, { licenseId: license.id, expiresAt });
        await extend.mutateAsync(input);
        await afterChange(input.expiresAt ? `The license now expires on ${formatDate(input.expiresAt)}.` : 'The license is now perpetual.');
      }}
    >
      <Input
        label="New expiry"
        type="date"
        min={today}
        value={day}
        disabled={perpetual}
        onChange={(event) => setDay(event.target.value)}
        hint="Valid through the end of that day (UTC)."
      />
      <Checkbox label="Perpetual" hint="The license never expires." checked={perpetual} onChange={(event) => setPerpetual(event.target.checked)} />
    </ConfirmDialog>
  );
}

function ChangeEntitlements({ license }: { license: ManagedLicense }) {
  const trpc = useTRPC();
  const afterChange = useAfterChange();
  const update = useMutation(trpc.licenses.updateEntitlements.mutationOptions());
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const current = { licenseId: license.id, maxMachines: license.maxMachines, features: license.features, quotas: license.quotas };
  const form = useForm({ resolver: zodResolver(UpdateEntitlementsInput), defaultValues: current });
  const { isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await update.mutateAsync(values);
      setOpen(false);
      await afterChange('Entitlements saved. Validations use them at once.');
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  return (
    <Dialog
      title="Change entitlements"
      description={`Seats cannot go below the ${license.activeMachines} active machine${license.activeMachines === 1 ? '' : 's'}; deactivate some first.`}
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setFormError(null);
        if (next) form.reset(current);
      }}
      trigger={<Button variant="secondary">Change entitlements</Button>}
    >
      <FormProvider {...form}>
        <form
          // The dialog is portalled, but React still bubbles its submit to any form that renders it.
          onSubmit={(event) => {
            event.stopPropagation();
            void onSubmit(event);
          }}
          noValidate
          className="mt-4 space-y-4"
        >
          <EntitlementFields />
          <FormError message={formError} />
          <div className="flex justify-end gap-3">
            <Button variant="secondary" disabled={isSubmitting} onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Save entitlements
            </Button>
          </div>
        </form>
      </FormProvider>
    </Dialog>
  );
}

/** Clears the suspicious flag after a review; the note says what the review found. */
export function ClearFlagAction({ licenseId }: { licenseId: string }) {
  const trpc = useTRPC();
  const afterChange = useAfterChange();
  const clearFlag = useMutation(trpc.licenses.clearFlag.mutationOptions());
  const [note, setNote] = useState('');
  return (
    <ConfirmDialog
      title="Clear the suspicious flag?"
      description="The license validates normally again. The security alert stays on record."
      variant="primary"
      confirmLabel="Clear flag"
      trigger={<Button variant="secondary">Clear flag</Button>}
      onOpenChange={() => setNote('')}
      onConfirm={async () => {
        const input = parseOrThrow(ClearFlagInput, { licenseId, note });
        await clearFlag.mutateAsync(input);
        await afterChange('The flag is cleared.');
      }}
    >
      <Input label="Review note" value={note} onChange={(event) => setNote(event.target.value)} hint="Recorded in the audit log, e.g. the customer moved offices." autoComplete="off" />
    </ConfirmDialog>
  );
}
