'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormProvider, useForm, useWatch } from 'react-hook-form';
import { toast } from 'sonner';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { PasswordField } from '@/components/password-field';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { CreateUserByAdminInput, InviteUserInput } from '@/lib/schemas/users';
import { useTRPC } from '@/lib/trpc/client';
import { RoleFields } from './role-fields';

function useRefreshUserList() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries(trpc.users.list.pathFilter());
}

const emptyUser = { name: '', email: '', role: 'CUSTOMER' as const, customerId: '' };

export function CreateUserDialog({ requireCharacterClasses }: { requireCharacterClasses: boolean }) {
  const trpc = useTRPC();
  const refreshList = useRefreshUserList();
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<CreateUserByAdminInput>({ resolver: zodResolver(CreateUserByAdminInput), defaultValues: { ...emptyUser, password: '' } });
  const [name, email] = useWatch({ control: form.control, name: ['name', 'email'] });
  const createUser = useMutation(trpc.users.create.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const user = await createUser.mutateAsync({ ...values, customerId: values.role === 'CUSTOMER' ? values.customerId : null });
      toast.success(`Created ${user.email}. Give them their password through a channel you trust.`);
      setOpen(false);
      form.reset();
      await refreshList();
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  return (
    <Dialog
      title="Create user"
      description="The account can sign in at once with the password you set. To let the person choose their own, invite them instead."
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setFormError(null);
      }}
      trigger={<Button>Create user</Button>}
    >
      <FormProvider {...form}>
        <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
          <Input label="Name" autoComplete="off" error={form.formState.errors.name?.message} {...form.register('name')} />
          <Input label="Email" type="email" autoComplete="off" error={form.formState.errors.email?.message} {...form.register('email')} />
          <RoleFields />
          <PasswordField
            label="Initial password"
            error={form.formState.errors.password?.message}
            userInputs={{ email, name }}
            requireCharacterClasses={requireCharacterClasses}
            onGenerated={(password) => form.setValue('password', password, { shouldDirty: true, shouldValidate: true })}
            {...form.register('password')}
          />
          <FormError message={formError} />
          <div className="flex justify-end gap-3">
            <Button variant="secondary" disabled={form.formState.isSubmitting} onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={form.formState.isSubmitting}>
              Create user
            </Button>
          </div>
        </form>
      </FormProvider>
    </Dialog>
  );
}

export function InviteUserDialog() {
  const trpc = useTRPC();
  const refreshList = useRefreshUserList();
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<InviteUserInput>({ resolver: zodResolver(InviteUserInput), defaultValues: emptyUser });
  const inviteUser = useMutation(trpc.users.invite.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const user = await inviteUser.mutateAsync({ ...values, customerId: values.role === 'CUSTOMER' ? values.customerId : null });
      toast.success(`Invitation sent to ${user.email}. The link is valid for 3 days.`);
      setOpen(false);
      form.reset();
      await refreshList();
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  return (
    <Dialog
      title="Invite user"
      description="We email a link to choose a password. The account cannot sign in until then."
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setFormError(null);
      }}
      trigger={<Button variant="secondary">Invite user</Button>}
    >
      <FormProvider {...form}>
        <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
          <Input label="Name" autoComplete="off" error={form.formState.errors.name?.message} {...form.register('name')} />
          <Input label="Email" type="email" autoComplete="off" error={form.formState.errors.email?.message} {...form.register('email')} />
          <RoleFields />
          <FormError message={formError} />
          <div className="flex justify-end gap-3">
            <Button variant="secondary" disabled={form.formState.isSubmitting} onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={form.formState.isSubmitting}>
              Send invitation
            </Button>
          </div>
        </form>
      </FormProvider>
    </Dialog>
  );
}
