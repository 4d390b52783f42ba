'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { UpdateProfileInput } from '@/lib/schemas/users';
import { useTRPC } from '@/lib/trpc/client';

export function ProfileForm({ name, email }: { name: string; email: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<UpdateProfileInput>({ resolver: zodResolver(UpdateProfileInput), defaultValues: { name } });
  const updateProfile = useMutation(trpc.account.updateProfile.mutationOptions());

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const updated = await updateProfile.mutateAsync(values);
      form.reset({ name: updated.name });
      toast.success('Profile saved.');
      // The header shows the name too.
      router.refresh();
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  const { errors, isSubmitting, isDirty } = form.formState;
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4">
      <Input label="Name" autoComplete="name" error={errors.name?.message} {...form.register('name')} />
      <Input label="Email" type="email" value={email} readOnly hint="Your sign-in name. An admin can change it for you." />
      <FormError message={formError} />
      <Button type="submit" variant="secondary" pending={isSubmitting} disabled={!isDirty}>
        Save profile
      </Button>
    </form>
  );
}
