'use client';

import { zodResolver } from '@hookform/resolvers/zod';
import { useState } from 'react';
import { useForm } from 'react-hook-form';
import { z } from 'zod';
import { applyServerErrors, FormError } from '@/components/form-feedback';
import { Button } from '@/components/ui/button';
import { Checkbox } from '@/components/ui/checkbox';
import { Dialog } from '@/components/ui/dialog';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { Textarea } from '@/components/ui/textarea';
import { API_KEY_EXPIRY_CHOICES, CreateApiKeyInput, CUSTOMER_API_KEY_SCOPES } from '@/lib/schemas/apikeys';
import { ShownOnceApiKey } from './shown-once-api-key';

const SCOPE_HINTS: Record<(typeof CUSTOMER_API_KEY_SCOPES)[number], string> = {
  'licenses:read': "List your organisation's licenses through the API.",
  'usage:write': 'Report usage with POST /api/v1/usage.',
  'billing:read': 'Read reported usage per day.',
};

const EXPIRY_OPTIONS = API_KEY_EXPIRY_CHOICES.map((choice) => ({ value: choice, label: choice === 'never' ? 'Never' : `In ${choice} days` }));

const linesOf = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

/** A textarea of one entry per line, checked entry by entry with the server's own schema. */
const lineList = (schema: z.ZodType) =>
  z.string().superRefine((text, context) => {
    const result = schema.safeParse(linesOf(text));
    if (result.success) return;
    const issue = result.error.issues[0]!;
    const line = typeof issue.path[0] === 'number' ? `Line ${issue.path[0] + 1}: ` : '';
    context.addIssue({ code: 'custom', message: `${line}${issue.message}` });
  });

/** The form's fields as typed (lists as text, the limit as text); submitted as CreateApiKeyInput. */
const ApiKeyForm = z.object({
  name: CreateApiKeyInput.shape.name,
  scopes: CreateApiKeyInput.shape.scopes,
  expiresInDays: CreateApiKeyInput.shape.expiresInDays,
  ipAllowlist: lineList(CreateApiKeyInput.shape.ipAllowlist),
  allowedOrigins: lineList(CreateApiKeyInput.shape.allowedOrigins),
  rateLimitPerHour: z
    .string()
    .trim()
    .refine((text) => text === '' || (/^\d{1,7}$/.test(text) && Number(text) >= 1 && Number(text) <= 1_000_000), 'Use a whole number from 1 to 1,000,000, or leave it empty'),
});
type ApiKeyForm = z.infer<typeof ApiKeyForm>;

export type CreatedApiKey = { apiKeyId: string; prefix: string; key: string };

/**
 * Creates a key: name, scopes, expiry and optional restrictions (addresses, origins, an hourly
 * limit of its own). On success the dialog shows the key once, with a copy button, until closed.
 * Admin keys always carry the admin scope, so `kind="admin"` offers no scope choice.
 */
export function CreateApiKeyDialog({
  kind,
  create,
  onCreated,
}: {
  kind: 'customer' | 'admin';
  create: (input: CreateApiKeyInput) => Promise<CreatedApiKey>;
  onCreated: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const defaultValues: ApiKeyForm = {
    name: '',
    scopes: kind === 'admin' ? ['admin'] : ['usage:write'],
    expiresInDays: '90',
    ipAllowlist: '',
    allowedOrigins: '',
    rateLimitPerHour: '',
  };
  const form = useForm<ApiKeyForm>({ resolver: zodResolver(ApiKeyForm), defaultValues });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    try {
      const key = await create({
        name: values.name,
        scopes: values.scopes,
        expiresInDays: values.expiresInDays,
        ipAllowlist: linesOf(values.ipAllowlist),
        allowedOrigins: linesOf(values.allowedOrigins),
        rateLimitPerHour: values.rateLimitPerHour ? Number(values.rateLimitPerHour) : null,
      });
      setCreated(key);
      onCreated();
    } catch (error) {
      setFormError(applyServerErrors(form, error));
    }
  });

  const close = () => {
    setOpen(false);
    setCreated(null);
    setFormError(null);
    form.reset(defaultValues);
  };

  return (
    <Dialog
      title={created ? 'Save your API key' : kind === 'admin' ? 'Create admin key' : 'Create API key'}
      description={
        created
          ? undefined
          : kind === 'admin'
            ? 'An admin key can call the admin API procedures open to scripts. Creating one asks for your authenticator code.'
            : 'Scripts and servers send the key in the Authorization header. Give each integration its own key with only the scopes it needs.'
      }
      open={open}
      onOpenChange={(next) => (next ? setOpen(true) : close())}
      trigger={<Button>{kind === 'admin' ? 'Create admin key' : 'Create key'}</Button>}
    >
      {created ? (
        <>
          <ShownOnceApiKey apiKey={created.key} note={`Store it in your secret manager. Lists show only its prefix, ${created.prefix}.`} />
          <div className="mt-6 flex justify-end">
            <Button onClick={close}>Done, I saved it</Button>
          </div>
        </>
      ) : (
        <form
          // The dialog is portalled, but React still bubbles its submit to any form that renders it.
          onSubmit={(event) => {
            event.stopPropagation();
            void onSubmit(event);
          }}
          noValidate
          className="mt-4 space-y-4"
        >
          <Input label="Name" autoComplete="off" hint="Where the key is used, such as “Billing exporter”." error={errors.name?.message} {...form.register('name')} />
          {kind === 'customer' && (
            <fieldset aria-describedby={errors.scopes ? 'api-key-scopes-error' : undefined}>
              <legend className="text-sm font-medium text-slate-700">Scopes</legend>
              <div className="mt-2 space-y-2">
                {CUSTOMER_API_KEY_SCOPES.map((scope) => (
                  <Checkbox key={scope} label={scope} hint={SCOPE_HINTS[scope]} value={scope} {...form.register('scopes')} />
                ))}
              </div>
              {errors.scopes && (
                <p id="api-key-scopes-error" role="alert" className="mt-1 text-sm text-red-600">
                  {errors.scopes.message}
                </p>
              )}
            </fieldset>
          )}
          <Select label="Expires" options={EXPIRY_OPTIONS} error={errors.expiresInDays?.message} {...form.register('expiresInDays')} />
          <Textarea
            label="Allowed IP addresses (optional)"
            hint="One IPv4 or IPv6 address or CIDR range per line, such as 203.0.113.0/24 or 2001:db8::/32. Empty: any address."
            error={errors.ipAllowlist?.message}
            spellCheck={false}
            autoCapitalize="off"
            {...form.register('ipAllowlist')}
          />
          <Textarea
            label="Allowed origins (optional)"
            hint="For keys used from a browser: one origin per line, such as https://panel.example.com. Empty: any origin."
            error={errors.allowedOrigins?.message}
            spellCheck={false}
            autoCapitalize="off"
            {...form.register('allowedOrigins')}
          />
          <Input
            label="Own hourly limit (optional)"
            inputMode="numeric"
            hint="Requests per hour this key may make; more are refused with 429."
            error={errors.rateLimitPerHour?.message}
            {...form.register('rateLimitPerHour')}
          />
          <FormError message={formError} />
          <div className="flex justify-end gap-3">
            <Button variant="secondary" disabled={isSubmitting} onClick={close}>
              Cancel
            </Button>
            <Button type="submit" pending={isSubmitting}>
              Create key
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
