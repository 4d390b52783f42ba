'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { toast } from 'sonner';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { CreateProductInput } from '@/lib/schemas/licensing';
import { useTRPC } from '@/lib/trpc/client';

/** "Acme Panel Pro" → "acme-panel-pro": the slug follows the name until it is edited by hand. */
const slugFrom = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);

const emptyProduct = { name: '', slug: '', description: '', keyPrefix: 'LK' };

export function NewProductDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [slugEdited, setSlugEdited] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm({ resolver: zodResolver(CreateProductInput), defaultValues: emptyProduct });
  const createProduct = useMutation(trpc.catalog.createProduct.mutationOptions());
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const product = await createProduct.mutateAsync({ ...values, description: values.description || undefined });
      toast.success(`Created ${product.name}. Add a plan to issue licenses on it.`);
      setOpen(false);
      form.reset(emptyProduct);
      setSlugEdited(false);
      await queryClient.invalidateQueries(trpc.catalog.pathFilter());
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  const nameField = form.register('name', {
    onChange: (event: { target: { value: string } }) => {
      if (!slugEdited) form.setValue('slug', slugFrom(event.target.value));
    },
  });
  const slugField = form.register('slug', { onChange: () => setSlugEdited(true) });

  return (
    <Dialog
      title="New product"
      description="A product groups plans; its key prefix starts every license key issued for it."
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        setFormError(null);
      }}
      trigger={<Button>New product</Button>}
    >
      <form onSubmit={onSubmit} noValidate className="mt-4 space-y-4">
        <Input label="Name" autoComplete="off" error={errors.name?.message} {...nameField} />
        <Input label="Slug" autoComplete="off" spellCheck={false} error={errors.slug?.message} hint="Unique; lower-case letters, digits and dashes." {...slugField} />
        <Input
          label="Key prefix"
          autoComplete="off"
          spellCheck={false}
          className="max-w-40"
          error={errors.keyPrefix?.message}
          hint="2 to 8 letters, e.g. LK in LK-XXXXX-…"
          {...form.register('keyPrefix')}
        />
        <Input label="Description (optional)" autoComplete="off" error={errors.description?.message} {...form.register('description')} />
        <FormError message={formError} />
        <div className="flex justify-end gap-3">
          <Button variant="secondary" disabled={isSubmitting} onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" pending={isSubmitting}>
            Create product
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
