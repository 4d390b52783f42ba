'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { BlockIpInput } from '@/lib/schemas/security';
import { useTRPC } from '@/lib/trpc/client';

/** Manual block lengths: 15 minutes to 30 days. */
const DURATION_OPTIONS = [
  { value: '15', label: '15 minutes' },
  { value: '60', label: '1 hour' },
  { value: String(24 * 60), label: '24 hours' },
  { value: String(7 * 24 * 60), label: '7 days' },
  { value: String(30 * 24 * 60), label: '30 days' },
];
const emptyBlock = { ip: '', durationMinutes: 60, reason: '' };

/** Blocks an address for a chosen time, with a reason (both kept with the block and in the audit log). */
export function BlockIpDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ resolver: zodResolver(BlockIpInput), defaultValues: emptyBlock });
  const blockIp = useMutation(trpc.security.blockIp.mutationOptions());
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const block = await blockIp.mutateAsync(values);
      toast.success(`Blocked ${block.ip}.`);
      setOpen(false);
      form.reset(emptyBlock);
      router.refresh();
      await queryClient.invalidateQueries(trpc.security.pathFilter());
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  return (
    <Dialog
      title="Block an IP address"
      description="Sign-in and the license API refuse the address until the block ends or is lifted."
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setFormError(null);
      }}
      trigger={<Button>Block an IP address</Button>}
    >
      <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
        <Input label="IP address" autoComplete="off" spellCheck={false} hint="IPv4 or IPv6, such as 203.0.113.7." error={errors.ip?.message} {...form.register('ip')} />
        <Select label="For" options={DURATION_OPTIONS} error={errors.durationMinutes?.message} {...form.register('durationMinutes', { valueAsNumber: true })} />
        <Input label="Reason" autoComplete="off" error={errors.reason?.message} {...form.register('reason')} />
        <FormError message={formError} />
        <div className="flex justify-end gap-3">
          <Button variant="secondary" disabled={isSubmitting} onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" pending={isSubmitting}>
            Block
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
