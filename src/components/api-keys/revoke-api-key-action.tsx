'use client';

import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/dialog';

/** Revokes a key after a confirmation: every request with it is refused from then on. */
export function RevokeApiKeyAction({ prefix, revoke, onRevoked }: { prefix: string; revoke: () => Promise<unknown>; onRevoked: () => void }) {
  return (
    <ConfirmDialog
      title={`Revoke ${prefix}?`}
      description="Requests with this key are refused with 401 at once. This cannot be undone: create a new key if you need one again."
      confirmLabel="Revoke key"
      trigger={
        <Button variant="danger" aria-label={`Revoke ${prefix}`}>
          Revoke
        </Button>
      }
      onConfirm={async () => {
        await revoke();
        toast.success(`${prefix} was revoked.`);
        onRevoked();
      }}
    />
  );
}
