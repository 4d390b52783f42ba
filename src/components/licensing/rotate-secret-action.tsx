'use client';

import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { ShownOnceSecrets } from './shown-once-secrets';

/**
 * Rotates a license's signing secret after a confirmation, then shows the new secret once. The
 * old secret stops working at once (PROTOCOL.md section 1), which the confirmation says.
 */
export function RotateSecretAction({ rotate, onRotated, disabled = false }: { rotate: () => Promise<{ signingSecret: string }>; onRotated?: () => void; disabled?: boolean }) {
  const [newSecret, setNewSecret] = useState<string | null>(null);
  return (
    <>
      <ConfirmDialog
        title="Rotate the signing secret?"
        description="A new secret is made and shown once. The current one stops working at once: every installation of this license fails its signed requests until it has the new secret."
        confirmLabel="Rotate secret"
        trigger={
          <Button variant="secondary" disabled={disabled}>
            Rotate signing secret
          </Button>
        }
        onConfirm={async () => {
          const { signingSecret } = await rotate();
          setNewSecret(signingSecret);
          toast.success('The signing secret was rotated. Copy the new one now.');
          onRotated?.();
        }}
      />
      <Dialog
        title="Save the new signing secret"
        open={newSecret !== null}
        onOpenChange={(open) => {
          if (!open) setNewSecret(null);
        }}
      >
        {newSecret && <ShownOnceSecrets kind="rotated" signingSecret={newSecret} />}
        <div className="mt-6 flex justify-end">
          <Button onClick={() => setNewSecret(null)}>Done, I saved it</Button>
        </div>
      </Dialog>
    </>
  );
}
