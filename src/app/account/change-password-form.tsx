'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { PasswordField } from '@/components/password-field';
import { useStepUp } from '@/components/step-up-dialog';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { ChangePasswordInput } from '@/lib/schemas/users';
import { useTRPC } from '@/lib/trpc/client';

type ChangePasswordFormProps = { email: string; name: string; requireCharacterClasses: boolean };

/** A fresh form after each change, so the strength meter forgets the password just set. */
export function ChangePasswordForm(props: ChangePasswordFormProps) {
  const [generation, setGeneration] = useState(0);
  return <ChangePasswordFields key={generation} {...props} onChanged={() => setGeneration((value) => value + 1)} />;
}

const emptyValues = { currentPassword: '', newPassword: '', confirmPassword: '' };

function ChangePasswordFields({ email, name, requireCharacterClasses, onChanged }: ChangePasswordFormProps & { onChanged: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<ChangePasswordInput>({ resolver: zodResolver(ChangePasswordInput), defaultValues: emptyValues });
  const changePassword = useMutation(trpc.account.changePassword.mutationOptions());
  const { runWithStepUp, dialog } = useStepUp();

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await runWithStepUp(() => changePassword.mutateAsync(values));
    } catch (error) {
      setFormError(applyServerErrors(form, error));
      return;
    }
    toast.success('Password changed. You were signed out on every other device.');
    onChanged();
    // The sessions summary and "last changed" come from the server.
    router.refresh();
  });

  const { errors, isSubmitting } = form.formState;
  return (
    <>
      <form onSubmit={onSubmit} noValidate className="space-y-4">
        <Input label="Current password" type="password" autoComplete="current-password" error={errors.currentPassword?.message} {...form.register('currentPassword')} />
        <PasswordField
          label="New password"
          error={errors.newPassword?.message}
          userInputs={{ email, name }}
          requireCharacterClasses={requireCharacterClasses}
          onGenerated={(password) => {
            form.setValue('newPassword', password, { shouldDirty: true, shouldValidate: true });
            // The generated password is shown in the field; confirming it again would only invite typos.
            form.setValue('confirmPassword', password, { shouldDirty: true });
          }}
          {...form.register('newPassword')}
        />
        <Input label="Confirm new password" type="password" autoComplete="new-password" error={errors.confirmPassword?.message} {...form.register('confirmPassword')} />
        <FormError message={formError} />
        <Button type="submit" pending={isSubmitting}>
          Change password
        </Button>
      </form>
      {dialog}
    </>
  );
}
