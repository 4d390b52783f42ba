'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm, useWatch } from 'react-hook-form';
import { PasswordField } from '@/components/password-field';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { PASSWORD_MIN_LENGTH, SetupInput } from '@/lib/schemas/auth';
import { completeSignIn } from '@/lib/sign-in';
import { errorMessage, serverFieldErrors, useTRPC } from '@/lib/trpc/client';

export function SetupForm({ requireCharacterClasses }: { requireCharacterClasses: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SetupInput>({ resolver: zodResolver(SetupInput), defaultValues: { name: '', email: '', password: '' } });
  const [name, email] = useWatch({ control: form.control, name: ['name', 'email'] });
  const createAdmin = useMutation(trpc.setup.createFirstAdmin.mutationOptions());
  const beginSignIn = useMutation(trpc.auth.beginSignIn.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      await createAdmin.mutateAsync(values);
    } catch (error) {
      const fields = serverFieldErrors(error);
      for (const [name, messages] of Object.entries(fields)) {
        if (messages?.[0]) form.setError(name as keyof SetupInput, { message: messages[0] });
      }
      if (Object.keys(fields).length === 0) setFormError(errorMessage(error));
      return;
    }
    try {
      const step = await beginSignIn.mutateAsync({ email: values.email, password: values.password });
      if (step.next === 'session') await completeSignIn(router, step.ticket, '/admin');
      else router.push('/sign-in');
    } catch {
      router.push('/sign-in');
    }
  });

  const { errors, isSubmitting } = form.formState;
  return (
    <form onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <Input label="Your name" autoComplete="name" error={errors.name?.message} {...form.register('name')} />
      <Input label="Email" type="email" autoComplete="email" error={errors.email?.message} {...form.register('email')} />
      <PasswordField
        label="Password"
        hint={`At least ${PASSWORD_MIN_LENGTH} characters.`}
        error={errors.password?.message}
        userInputs={{ email, name }}
        requireCharacterClasses={requireCharacterClasses}
        onGenerated={(password) => form.setValue('password', password, { shouldDirty: true, shouldValidate: true })}
        {...form.register('password')}
      />
      {formError && (
        <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
          {formError}
        </p>
      )}
      <Button type="submit" pending={isSubmitting} className="w-full">
        Create admin account
      </Button>
    </form>
  );
}
