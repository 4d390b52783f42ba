'use client';

import { toast } from 'sonner';
import { Button } from './ui/button';

/** Copies a value to the clipboard; `label` names what is copied for screen readers and the toast. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      toast.success(`${label} copied.`);
    } catch {
      toast.error(`Could not copy. Select the ${label.toLowerCase()} and copy it instead.`);
    }
  };
  return (
    <Button variant="secondary" onClick={copy} aria-label={`Copy ${label.toLowerCase()}`}>
      Copy
    </Button>
  );
}
