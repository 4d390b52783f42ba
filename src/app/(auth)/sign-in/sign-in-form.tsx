'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { SecondFactorCode, SignInInput } from '@/lib/schemas/auth';
import { errorMessage, useTRPC } from '@/lib/trpc/client';
import { completeSignIn } from '@/lib/sign-in';

const CodeForm = z.object({ code: SecondFactorCode });
type CodeForm = z.infer<typeof CodeForm>;

export function SignInForm({ returnTo }: { returnTo: string | null }) {
  const [challenge, setChallenge] = useState<string | null>(null);
  return challenge ? (
    <SecondFactorStep challenge={challenge} returnTo={returnTo} onRestart={() => setChallenge(null)} />
  ) : (
    <PasswordStep returnTo={returnTo} onMfaRequired={setChallenge} />
  );
}

function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
      {message}
    </p>
  );
}

function PasswordStep({ returnTo, onMfaRequired }: { returnTo: string | null; onMfaRequired: (challenge: string) => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SignInInput>({ resolver: zodResolver(SignInInput), defaultValues: { email: '', password: '' } });
  const beginSignIn = useMutation(trpc.auth.beginSignIn.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const step = await beginSignIn.mutateAsync(values);
      if (step.next === 'mfa') onMfaRequired(step.challenge);
      else await completeSignIn(router, step.ticket, returnTo);
    } catch (error) {
      setFormError(errorMessage(error));
    }
  });

  const { errors, isSubmitting } = form.formState;
  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <Input label="Email" type="email" autoComplete="username" error={errors.email?.message} {...form.register('email')} />
      <Input label="Password" type="password" autoComplete="current-password" error={errors.password?.message} {...form.register('password')} />
      <FormError message={formError} />
      <Button type="submit" pending={isSubmitting} className="w-full">
        Sign in
      </Button>
      <p className="text-center text-sm">
        <a href="/forgot-password" className="font-medium text-indigo-700 hover:underline">
          Forgot your password?
        </a>
      </p>
    </form>
  );
}

function SecondFactorStep({ challenge, returnTo, onRestart }: { challenge: string; returnTo: string | null; onRestart: () => void }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<CodeForm>({ resolver: zodResolver(CodeForm), defaultValues: { code: '' } });
  const completeMfa = useMutation(trpc.auth.completeMfa.mutationOptions());

  const onSubmit = form.handleSubmit(async ({ code }) => {
    setFormError(null);
    try {
      const { ticket } = await completeMfa.mutateAsync({ challenge, code });
      await completeSignIn(router, ticket, returnTo);
    } catch (error) {
      setFormError(errorMessage(error));
      form.setValue('code', '');
      form.setFocus('code');
    }
  });

  const { errors, isSubmitting } = form.formState;
  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <p className="text-sm text-slate-600">Enter the 6-digit code from your authenticator app, or one of your backup codes.</p>
      <Input
        label="Authentication code"
        autoComplete="one-time-code"
        inputMode="text"
        autoFocus
        error={errors.code?.message}
        {...form.register('code')}
      />
      <FormError message={formError} />
      <Button type="submit" pending={isSubmitting} className="w-full">
        Verify
      </Button>
      <p className="text-center text-sm">
        <button type="button" onClick={onRestart} className="font-medium text-indigo-700 hover:underline">
          Start again
        </button>
      </p>
    </form>
  );
}
