'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { toast } from 'sonner';
import { useStepUp } from '@/components/step-up-dialog';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';
import { ROLE_LABELS } from '@/components/user-badges';
import type { Role } from '@/generated/prisma/enums';
import { ChangeRoleInput } from '@/lib/schemas/users';
import { useTRPC } from '@/lib/trpc/client';
import { RoleFields } from '../role-fields';

type ManagedUser = {
  id: string;
  name: string;
  email: string;
  role: Role;
  customer: { id: string; name: string } | null;
  disabled: boolean;
  mfaEnabled: boolean;
};

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="space-y-2 border-t border-slate-100 pt-4 first:border-t-0 first:pt-0">
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      {children}
    </section>
  );
}

function Explanation({ children }: { children: ReactNode }) {
  return <p className="text-sm text-slate-600">{children}</p>;
}

/** After a change: this page reloads its server data, and the users list refetches when shown again. */
function useShowChange() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  return () => {
    router.refresh();
    void queryClient.invalidateQueries(trpc.users.list.pathFilter());
  };
}

/** What an admin may do to another user; each change is confirmed, and none applies to oneself. */
export function UserActions({ user, liveSessions, isSelf }: { user: ManagedUser; liveSessions: number; isSelf: boolean }) {
  return (
    <div className="space-y-4">
      <Section title="Role">
        {isSelf ? <Explanation>You cannot change your own role. Another admin can.</Explanation> : <ChangeRoleForm user={user} />}
      </Section>
      <Section title="Access">
        {isSelf ? <Explanation>You cannot disable your own account. Another admin can.</Explanation> : <DisableOrEnable user={user} />}
      </Section>
      <Section title="Two-factor authentication">
        {isSelf ? (
          <Explanation>
            Manage your own on your{' '}
            <Link href="/account/mfa" className="font-medium text-indigo-700 hover:underline">
              account page
            </Link>
            .
          </Explanation>
        ) : user.mfaEnabled ? (
          <ResetMfa user={user} />
        ) : (
          <Explanation>This user has not set up an authenticator.</Explanation>
        )}
      </Section>
      <Section title="Sessions">
        {isSelf ? (
          <Explanation>
            End your own sessions on your{' '}
            <Link href="/account/sessions" className="font-medium text-indigo-700 hover:underline">
              sessions page
            </Link>
            .
          </Explanation>
        ) : (
          <RevokeSessions user={user} liveSessions={liveSessions} />
        )}
      </Section>
    </div>
  );
}

function ChangeRoleForm({ user }: { user: ManagedUser }) {
  const trpc = useTRPC();
  const showChange = useShowChange();
  const [confirming, setConfirming] = useState<ChangeRoleInput | null>(null);
  const form = useForm<ChangeRoleInput>({
    resolver: zodResolver(ChangeRoleInput),
    defaultValues: { userId: user.id, role: user.role, customerId: user.customer?.id ?? '' },
  });
  const [role, customerId] = useWatch({ control: form.control, name: ['role', 'customerId'] });
  const changeRole = useMutation(trpc.users.changeRole.mutationOptions());
  const unchanged = role === user.role && (role !== 'CUSTOMER' || customerId === (user.customer?.id ?? ''));

  return (
    <FormProvider {...form}>
      <form onSubmit={form.handleSubmit((values) => setConfirming(values))} noValidate className="space-y-3">
        <RoleFields initialCustomer={user.customer} />
        <Button type="submit" variant="secondary" disabled={unchanged}>
          Change role
        </Button>
      </form>
      <ConfirmDialog
        title={`Change the role of ${user.name}?`}
        description={
          confirming &&
          `From ${ROLE_LABELS[user.role].toLowerCase()} to ${ROLE_LABELS[confirming.role].toLowerCase()}. What they can see and do changes at their next request.`
        }
        open={confirming !== null}
        onOpenChange={(open) => {
          if (!open) setConfirming(null);
        }}
        variant="primary"
        confirmLabel="Change role"
        onConfirm={async () => {
          if (!confirming) return;
          await changeRole.mutateAsync({ ...confirming, customerId: confirming.role === 'CUSTOMER' ? confirming.customerId : null });
          toast.success(`${user.name} is now ${ROLE_LABELS[confirming.role].toLowerCase()}.`);
          showChange();
        }}
      />
    </FormProvider>
  );
}

function DisableOrEnable({ user }: { user: ManagedUser }) {
  const trpc = useTRPC();
  const showChange = useShowChange();
  const setDisabled = useMutation(trpc.users.setDisabled.mutationOptions());

  if (user.disabled) {
    return (
      <>
        <Explanation>This account is disabled: it cannot sign in.</Explanation>
        <ConfirmDialog
          title={`Re-enable ${user.name}?`}
          description="They can sign in again with their current password."
          variant="primary"
          confirmLabel="Re-enable user"
          trigger={<Button variant="secondary">Re-enable user</Button>}
          onConfirm={async () => {
            await setDisabled.mutateAsync({ userId: user.id, disabled: false });
            toast.success(`${user.name} can sign in again.`);
            showChange();
          }}
        />
      </>
    );
  }
  return (
    <>
      <Explanation>A disabled account cannot sign in, and every session it has ends at once.</Explanation>
      <ConfirmDialog
        title={`Disable ${user.name}?`}
        description="They are signed out everywhere and cannot sign in until an admin re-enables the account."
        confirmLabel="Disable user"
        confirmationText={user.email}
        trigger={<Button variant="danger">Disable user</Button>}
        onConfirm={async () => {
          await setDisabled.mutateAsync({ userId: user.id, disabled: true });
          toast.success(`${user.name} is disabled and signed out everywhere.`);
          showChange();
        }}
      />
    </>
  );
}

function ResetMfa({ user }: { user: ManagedUser }) {
  const trpc = useTRPC();
  const showChange = useShowChange();
  const resetMfa = useMutation(trpc.mfa.resetForUser.mutationOptions());
  const { runWithStepUp, dialog } = useStepUp();
  return (
    <>
      <Explanation>For a lost authenticator without backup codes. Needs your own authenticator code.</Explanation>
      <ConfirmDialog
        title={`Reset two-factor authentication of ${user.name}?`}
        description={
          user.role === 'CUSTOMER'
            ? 'Their authenticator and backup codes stop working. They can sign in with their password alone until they set up a new one.'
            : 'Their authenticator and backup codes stop working. They must set up a new authenticator before they can use the console again.'
        }
        confirmLabel="Reset MFA"
        trigger={<Button variant="danger">Reset MFA</Button>}
        onConfirm={async () => {
          await runWithStepUp(() => resetMfa.mutateAsync({ userId: user.id }));
          toast.success(`Two-factor authentication of ${user.name} was reset.`);
          showChange();
        }}
      />
      {dialog}
    </>
  );
}

function RevokeSessions({ user, liveSessions }: { user: ManagedUser; liveSessions: number }) {
  const trpc = useTRPC();
  const showChange = useShowChange();
  const revokeSessions = useMutation(trpc.users.revokeSessions.mutationOptions());
  return (
    <>
      <Explanation>
        {liveSessions === 0 ? 'No live sessions.' : `${liveSessions} live session${liveSessions === 1 ? '' : 's'}.`} Ending them signs the user out on every
        device (a lost laptop, someone leaving).
      </Explanation>
      <ConfirmDialog
        title={`Sign ${user.name} out everywhere?`}
        description="Every session of this user ends now. They can sign in again unless the account is disabled."
        confirmLabel="Revoke all sessions"
        trigger={
          <Button variant="danger" disabled={liveSessions === 0}>
            Revoke all sessions
          </Button>
        }
        onConfirm={async () => {
          const { sessionsEnded } = await revokeSessions.mutateAsync({ userId: user.id });
          toast.success(`${sessionsEnded} session${sessionsEnded === 1 ? '' : 's'} ended.`);
          showChange();
        }}
      />
    </>
  );
}
