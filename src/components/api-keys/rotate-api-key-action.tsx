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

export type RotatedApiKey = { key: string; oldKeyWorksUntil: Date };

/**
 * Replaces a key with a new one of the same name, scopes and restrictions. The old key keeps
 * working for the chosen grace, so deployments can switch without downtime; the new key is
 * shown once.
 */
export function RotateApiKeyAction({ prefix, rotate, onRotated }: { prefix: string; rotate: (grace: Grace) => Promise<RotatedApiKey>; onRotated: () => void }) {
  const [grace, setGrace] = useState<Grace>('24h');
  const [rotated, setRotated] = useState<(RotatedApiKey & { grace: Grace }) | null>(null);
  return (
    <>
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
          setRotated({ ...(await rotate(grace)), grace });
          toast.success(`${prefix} was rotated. Copy the new key now.`);
          onRotated();
        }}
      >
        <Select label="Old key" value={grace} options={GRACE_OPTIONS} onChange={(event) => setGrace(event.target.value as Grace)} />
      </ConfirmDialog>
      <Dialog
        title="Save the new API key"
        open={rotated !== null}
        onOpenChange={(open) => {
          if (!open) setRotated(null);
        }}
      >
        {rotated && (
          <ShownOnceApiKey
            apiKey={rotated.key}
            note={
              rotated.grace === 'now'
                ? `The old key ${prefix} stopped working.`
                : `The old key ${prefix} works until ${formatDateTime(rotated.oldKeyWorksUntil)}; deploy the new one before then.`
            }
          />
        )}
        <div className="mt-6 flex justify-end">
          <Button onClick={() => setRotated(null)}>Done, I saved it</Button>
        </div>
      </Dialog>
    </>
  );
}
