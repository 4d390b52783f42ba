'use client';

import type { FieldValues, Path, UseFormReturn } from 'react-hook-form';
import { errorMessage, serverFieldErrors } from '@/lib/trpc/client';

/** A form-level error, announced when it appears. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
      {message}
    </p>
  );
}

/**
 * Puts the server's field errors under their inputs and returns null; an error without fields
 * comes back as one message for FormError.
 */
export function applyServerErrors<Values extends FieldValues>(form: UseFormReturn<Values>, error: unknown): string | null {
  const fields = Object.entries(serverFieldErrors(error)).filter(([, messages]) => messages?.[0]);
  for (const [name, messages] of fields) form.setError(name as Path<Values>, { message: messages![0] });
  return fields.length > 0 ? null : errorMessage(error);
}
