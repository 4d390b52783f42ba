'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { RequestPasswordResetInput } from '@/lib/schemas/users';
import { useTRPC } from '@/lib/trpc/client';

const linkClass = 'font-medium text-indigo-700 hover:underline';

/** After a request the server's answer is shown as it is: the same whether the account exists or not. */
export function ForgotPasswordForm() {
  const trpc = useTRPC();
  const [answer, setAnswer] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<RequestPasswordResetInput>({ resolver: zodResolver(RequestPasswordResetInput), defaultValues: { email: '' } });
  const requestReset = useMutation(trpc.account.requestPasswordReset.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const { message } = await requestReset.mutateAsync(values);
      setAnswer(message);
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  if (answer) {
    return (
      <div className="mt-6 space-y-4">
        <p role="status" className="rounded-md bg-green-50 p-3 text-sm text-green-800">
          {answer}
        </p>
        <p className="text-center text-sm">
          <Link href="/sign-in" className={linkClass}>
            Back to sign in
          </Link>
        </p>
      </div>
    );
  }

  const { errors, isSubmitting } = form.formState;
  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <Input label="Email" type="email" autoComplete="username" autoFocus error={errors.email?.message} {...form.register('email')} />
      <FormError message={formError} />
      <Button type="submit" pending={isSubmitting} className="w-full">
        Send reset link
      </Button>
      <p className="text-center text-sm">
        <Link href="/sign-in" className={linkClass}>
          Back to sign in
        </Link>
      </p>
    </form>
  );
}
