'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation } from '@tanstack/react-query';
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { useForm } from 'react-hook-form';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { StepUpInput } from '@/lib/schemas/mfa';
import { isStepUpRequired } from '@/lib/step-up';
import { errorMessage, serverFieldErrors, useTRPC } from '@/lib/trpc/client';

/** runWithStepUp rejects with this when the user closes the code dialog instead of confirming. */
const STEP_UP_CANCELLED = 'Not changed: the change needs a code from your authenticator app.';

type PendingStepUp = { resolve: () => void; reject: (error: Error) => void };

/**
 * Sensitive changes need a second factor proved in the last 10 minutes. `runWithStepUp` runs an
 * action; when the server asks for the step-up, it opens `dialog` for a code, calls
 * mfa.stepUp, and runs the action once more. Render `dialog` once in the component.
 */
export function useStepUp(): { runWithStepUp: <T>(action: () => Promise<T>) => Promise<T>; dialog: ReactNode } {
  const [open, setOpen] = useState(false);
  const pending = useRef<PendingStepUp | null>(null);

  const runWithStepUp = useCallback(async <T,>(action: () => Promise<T>): Promise<T> => {
    try {
      return await action();
    } catch (error) {
      if (!isStepUpRequired(error)) throw error;
    }
    await new Promise<void>((resolve, reject) => {
      pending.current = { resolve, reject };
      setOpen(true);
    });
    return action();
  }, []);

  const settle = (outcome: 'verified' | 'cancelled') => {
    const waiting = pending.current;
    pending.current = null;
    setOpen(false);
    if (outcome === 'verified') waiting?.resolve();
    else waiting?.reject(new Error(STEP_UP_CANCELLED));
  };

  const dialog = (
    <Dialog
      title="Confirm it's you"
      description="Enter the 6-digit code from your authenticator app, or one of your backup codes. The confirmation lasts 10 minutes."
      open={open}
      onOpenChange={(next) => {
        if (!next) settle('cancelled');
      }}
    >
      {open && <StepUpForm onVerified={() => settle('verified')} onCancel={() => settle('cancelled')} />}
    </Dialog>
  );
  return { runWithStepUp, dialog };
}

function StepUpForm({ onVerified, onCancel }: { onVerified: () => void; onCancel: () => void }) {
  const trpc = useTRPC();
  const stepUp = useMutation(trpc.mfa.stepUp.mutationOptions());
  const form = useForm<StepUpInput>({ resolver: zodResolver(StepUpInput), defaultValues: { code: '' } });

  const onSubmit = form.handleSubmit(async (values) => {
    try {
      await stepUp.mutateAsync(values);
      onVerified();
    } catch (error) {
      const message = serverFieldErrors(error).code?.[0] ?? errorMessage(error);
      form.setError('code', { message });
      form.setValue('code', '');
      form.setFocus('code');
    }
  });

  const { errors, isSubmitting } = form.formState;
  return (
    <form
      // The dialog is portalled, but React still bubbles its submit to any form that renders it.
      onSubmit={(event) => {
        event.stopPropagation();
        void onSubmit(event);
      }}
      noValidate
      className="mt-4 space-y-4"
    >
      <Input label="Authentication code" autoComplete="one-time-code" autoFocus error={errors.code?.message} {...form.register('code')} />
      <div className="flex justify-end gap-3">
        <Button variant="secondary" disabled={isSubmitting} onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" pending={isSubmitting}>
          Confirm
        </Button>
      </div>
    </form>
  );
}
