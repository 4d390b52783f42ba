'use client';

import * as RadixDialog from '@radix-ui/react-dialog';
import { useState, type FormEvent, type ReactElement, type ReactNode } from 'react';
import { errorMessage } from '@/lib/trpc/client';
import { Button } from './button';
import { Input } from './input';

type DialogProps = {
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  /** The element that opens the dialog; without one, the caller controls `open`. */
  trigger?: ReactElement;
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
};

/** A modal dialog named by its title: focus stays inside, Escape and the backdrop close it. */
export function Dialog({ title, description, children, trigger, open, onOpenChange }: DialogProps) {
  return (
    <RadixDialog.Root open={open} onOpenChange={onOpenChange}>
      {trigger && <RadixDialog.Trigger asChild>{trigger}</RadixDialog.Trigger>}
      <RadixDialog.Portal>
        <RadixDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <RadixDialog.Content className="fixed top-1/2 left-1/2 z-50 max-h-[calc(100vh-2rem)] w-[calc(100%-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-xl bg-white p-6 shadow-xl ring-1 ring-slate-200 focus:outline-none">
          <RadixDialog.Title className="text-base font-semibold text-slate-900">{title}</RadixDialog.Title>
          {description && <RadixDialog.Description className="mt-1 text-sm text-slate-600">{description}</RadixDialog.Description>}
          {children}
        </RadixDialog.Content>
      </RadixDialog.Portal>
    </RadixDialog.Root>
  );
}

type ConfirmDialogProps = DialogProps & {
  confirmLabel: string;
  cancelLabel?: string;
  variant?: 'danger' | 'primary';
  /** For dangerous actions: the confirm button stays disabled until this exact text is typed. */
  confirmationText?: string;
  /** Shows the confirm button busy, for work the caller tracks itself. */
  pending?: boolean;
  /** Runs on confirm. The dialog closes when it resolves and shows the error when it throws. */
  onConfirm: () => Promise<unknown>;
};

/**
 * Asks before an action: extra fields go in `children`, the action runs inside the dialog and
 * its error stays in view, so a failed attempt can be corrected or cancelled.
 */
export function ConfirmDialog({
  confirmLabel,
  cancelLabel = 'Cancel',
  variant = 'danger',
  confirmationText,
  pending = false,
  onConfirm,
  open,
  onOpenChange,
  children,
  ...dialogProps
}: ConfirmDialogProps) {
  const [uncontrolledOpen, setUncontrolledOpen] = useState(false);
  const [running, setRunning] = useState(false);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<string | null>(null);
  const isOpen = open ?? uncontrolledOpen;
  const busy = pending || running;

  const setOpen = (next: boolean) => {
    // Closing mid-action would hide its outcome; the action finishes or fails first.
    if (!next && busy) return;
    setTyped('');
    setError(null);
    if (open === undefined) setUncontrolledOpen(next);
    onOpenChange?.(next);
  };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The dialog is portalled, but React still bubbles its submit to any form that renders it.
    event.stopPropagation();
    if (confirmationText && typed !== confirmationText) return;
    setError(null);
    setRunning(true);
    try {
      await onConfirm();
    } catch (caught) {
      setError(errorMessage(caught));
      return;
    } finally {
      setRunning(false);
    }
    setTyped('');
    if (open === undefined) setUncontrolledOpen(false);
    onOpenChange?.(false);
  };

  return (
    <Dialog {...dialogProps} open={isOpen} onOpenChange={setOpen}>
      <form onSubmit={submit} noValidate className="mt-4 space-y-4">
        {children}
        {confirmationText && (
          <Input
            label={`Type ${confirmationText} to confirm`}
            value={typed}
            onChange={(event) => setTyped(event.target.value)}
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
          />
        )}
        {error && (
          <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
            {error}
          </p>
        )}
        <div className="flex justify-end gap-3">
          <Button variant="secondary" disabled={busy} onClick={() => setOpen(false)}>
            {cancelLabel}
          </Button>
          <Button type="submit" variant={variant} pending={busy} disabled={Boolean(confirmationText) && typed !== confirmationText}>
            {confirmLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
