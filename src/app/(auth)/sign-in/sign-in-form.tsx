'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { SignInInput } from '@/lib/schemas/auth';

export function SignInForm({ returnTo }: { returnTo: string | null }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SignInInput>({ resolver: zodResolver(SignInInput), defaultValues: { email: '', password: '' } });

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await signIn('credentials', { ...values, redirect: false });
    if (!result || result.error) {
      // One message for unknown email and wrong password: which one it was is not revealed.
      setFormError('Incorrect email or password.');
      return;
    }
    router.push(returnTo ?? '/');
    router.refresh();
  });

  const { errors, isSubmitting } = form.formState;
  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <Input label="Email" type="email" autoComplete="username" error={errors.email?.message} {...form.register('email')} />
      <Input label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...form.register('password')} />
      {formError && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
          {formError}
        </p>
      )}
      <Button type="submit" pending={isSubmitting} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
