'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { PasswordField } from '@/components/password-field';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { ResetPasswordInput } from '@/lib/schemas/users';
import { serverFieldErrors, useTRPC } from '@/lib/trpc/client';

const linkClass = 'font-medium text-indigo-700 hover:underline';

/** For a link whose token is missing or malformed; the server words a used or expired one alike. */
export const INVALID_LINK_MESSAGE = 'This link is invalid or has expired. Request a new one.';

export function RequestNewLink() {
  return (
    <p className="text-center text-sm">
      <Link href="/forgot-password" className={linkClass}>
        Request a new link
      </Link>
    </p>
  );
}

/**
 * Chooses a password from an emailed link (a reset or an invitation; the server tells them
 * apart by the token). The link works once; afterwards the page offers sign-in.
 */
export function SetPasswordForm({ token, submitLabel, successMessage, requireCharacterClasses }: { token: string; submitLabel: string; successMessage: string; requireCharacterClasses: boolean }) {
  const trpc = useTRPC();
  const [formError, setFormError] = useState<string | null>(null);
  const [doneFor, setDoneFor] = useState<string | null>(null);
  const form = useForm<ResetPasswordInput>({ resolver: zodResolver(ResetPasswordInput), defaultValues: { token, password: '', confirmPassword: '' } });
  const resetPassword = useMutation(trpc.account.resetPassword.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const { email } = await resetPassword.mutateAsync(values);
      setDoneFor(email);
    } catch (error) {
      // The token is not a field of the form: a refusal of it is a refusal of the link.
      setFormError(serverFieldErrors(error).token ? INVALID_LINK_MESSAGE : applyServerErrors(form, error));
    }
  });

  if (doneFor) {
    return (
      <div className="mt-6 space-y-4">
        <p role="status" className="rounded-md bg-green-50 p-3 text-sm text-green-800">
          {successMessage}
        </p>
        <Link href="/sign-in" className={`block text-center text-sm ${linkClass}`}>
          Sign in as {doneFor}
        </Link>
      </div>
    );
  }

  const { errors, isSubmitting } = form.formState;
  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <PasswordField
        label="New password"
        error={errors.password?.message}
        requireCharacterClasses={requireCharacterClasses}
        onGenerated={(password) => {
          form.setValue('password', password, { shouldDirty: true, shouldValidate: true });
          // The generated password is shown in the field; typing it again would only invite typos.
          form.setValue('confirmPassword', password, { shouldDirty: true });
        }}
        {...form.register('password')}
      />
      <Input label="Confirm new password" type="password" autoComplete="new-password" error={errors.confirmPassword?.message} {...form.register('confirmPassword')} />
      <FormError message={formError} />
      <Button type="submit" pending={isSubmitting} className="w-full">
        {submitLabel}
      </Button>
      <RequestNewLink />
    </form>
  );
}
