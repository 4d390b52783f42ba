'use client';

import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { Select } from '@/components/ui/select';
import { formatDateTime } from '@/lib/format';
import type { RotateApiKeyInput } from '@/lib/schemas/apikeys';
import { ShownOnceApiKey } from './shown-once-api-key';

type Grace = RotateApiKeyInput['grace'];

const GRACE_OPTIONS: { value: Grace; label: string }[] = [
  { value: 'now', label: 'Stop the old key now' },
  { value: '1h', label: 'Keep the old key for 1 hour' },
  { value: '24h', label: 'Keep the old key for 24 hours' },
  { value: '7d', label: 'Keep the old key for 7 days' },
];

/** A rotation's new key with what became of the old one, for NewApiKeyDialog. */
export type RotatedApiKey = { key: string; note: string };

/**
 * Replaces a key with a new one of the same name, scopes and restrictions. The old key keeps
 * working for the chosen grace, so deployments can switch without downtime. The new key goes to
 * `onRotated` for the list to show once: this row loses its Rotate button as soon as the list
 * refreshes, so it cannot hold the key itself.
 */
export function RotateApiKeyAction({
  prefix,
  rotate,
  onRotated,
}: {
  prefix: string;
  rotate: (grace: Grace) => Promise<{ key: string; oldKeyWorksUntil: Date }>;
  onRotated: (rotated: RotatedApiKey) => void;
}) {
  const [grace, setGrace] = useState<Grace>('24h');
  return (
    <ConfirmDialog
      title={`Rotate ${prefix}?`}
      description="A new key with the same name, scopes and restrictions is made and shown once. Choose how long the current key keeps working while you deploy the new one."
      confirmLabel="Rotate key"
      variant="primary"
      trigger={
        <Button variant="secondary" aria-label={`Rotate ${prefix}`}>
          Rotate
        </Button>
      }
      onOpenChange={(open) => {
        if (open) setGrace('24h');
      }}
      onConfirm={async () => {
        const { key, oldKeyWorksUntil } = await rotate(grace);
        toast.success(`${prefix} was rotated. Copy the new key now.`);
        onRotated({
          key,
          note:
            grace === 'now'
              ? `The old key ${prefix} stopped working.`
              : `The old key ${prefix} works until ${formatDateTime(oldKeyWorksUntil)}; deploy the new one before then.`,
        });
      }}
    >
      <Select label="Old key" value={grace} options={GRACE_OPTIONS} onChange={(event) => setGrace(event.target.value as Grace)} />
    </ConfirmDialog>
  );
}

/** Shows a rotation's new key once, until closed. */
export function NewApiKeyDialog({ rotated, onClose }: { rotated: RotatedApiKey | null; onClose: () => void }) {
  return (
    <Dialog
      title="Save the new API key"
      open={rotated !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
    >
      {rotated && <ShownOnceApiKey apiKey={rotated.key} note={rotated.note} />}
      <div className="mt-6 flex justify-end">
        <Button onClick={onClose}>Done, I saved it</Button>
      </div>
    </Dialog>
  );
}
