'use client';

import { useState } from 'react';
import { Controller, useFormContext, useWatch, type FieldError, type FieldErrors } from 'react-hook-form';
import { Checkbox } from '@/components/ui/checkbox';
import { Input } from '@/components/ui/input';
import { FeaturesInput } from './features-input';

/** The first message of a field's errors, whether on the field itself or on one of its items. */
export function firstErrorMessage(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { message } = error as FieldError;
  if (typeof message === 'string' && message) return message;
  for (const nested of Object.values(error as Record<string, unknown>)) {
    if (nested && typeof nested === 'object' && nested !== (error as FieldError).ref) {
      const found = firstErrorMessage(nested);
      if (found) return found;
    }
  }
  return undefined;
}

/** A whole number from a number box; an empty or unreadable box is NaN, which the schema refuses by name. */
const wholeNumberFrom = (text: string) => (text.trim() === '' ? Number.NaN : Number(text));

/**
 * A number that may also be "none" (unlimited machines, a perpetual duration): the checkbox sets
 * null, and unticking it brings back a sensible number.
 */
export function NullableNumberField({
  label,
  noneLabel,
  noneHint,
  value,
  onChange,
  fallback,
  error,
  hint,
}: {
  label: string;
  noneLabel: string;
  noneHint?: string;
  value: number | null;
  onChange: (value: number | null) => void;
  fallback: number;
  error?: string;
  hint?: string;
}) {
  const none = value === null;
  return (
    <div className="space-y-2">
      <Input
        label={label}
        type="number"
        inputMode="numeric"
        min={1}
        step={1}
        disabled={none}
        value={none || Number.isNaN(value) ? '' : value}
        onChange={(event) => onChange(wholeNumberFrom(event.target.value))}
        error={none ? undefined : error}
        hint={hint}
      />
      <Checkbox label={noneLabel} hint={noneHint} checked={none} onChange={(event) => onChange(event.target.checked ? null : fallback)} />
    </div>
  );
}

type Entitlements = { maxMachines: number | null; features: string[]; quotas: Record<string, number> };

/**
 * Seats, features and a monthly quota per feature, for the plan form and a license's entitlements.
 * Reads the form of the surrounding FormProvider; removing a feature drops its quota.
 */
export function EntitlementFields() {
  const { control, setValue, getValues, formState } = useFormContext<Entitlements>();
  const features = useWatch({ control, name: 'features' });
  const errors: FieldErrors<Entitlements> = formState.errors;
  return (
    <>
      <Controller
        control={control}
        name="maxMachines"
        render={({ field }) => (
          <NullableNumberField
            label="Machines per license"
            noneLabel="Unlimited machines"
            value={field.value}
            onChange={field.onChange}
            fallback={3}
            error={errors.maxMachines?.message}
            hint="How many installations may be active at once."
          />
        )}
      />
      <Controller
        control={control}
        name="features"
        render={({ field }) => (
          <FeaturesInput
            label="Features"
            value={field.value}
            onChange={(next) => {
              field.onChange(next);
              const quotas = getValues('quotas');
              const kept = Object.fromEntries(Object.entries(quotas).filter(([feature]) => next.includes(feature)));
              if (Object.keys(kept).length !== Object.keys(quotas).length) setValue('quotas', kept, { shouldDirty: true });
            }}
            error={firstErrorMessage(errors.features)}
            hint="Press Enter or type a comma after each. Lower-case letters, digits and _ . : -"
          />
        )}
      />
      {features.length > 0 && (
        <Controller
          control={control}
          name="quotas"
          render={({ field }) => (
            <fieldset className="space-y-3 border-l-2 border-slate-200 pl-3">
              <legend className="text-sm font-medium text-slate-700">Monthly quotas</legend>
              <p className="-mt-2 text-xs text-slate-500">Units per calendar month (UTC) of the usage reported under the feature&apos;s name. Leave blank for no quota.</p>
              {features.map((feature) => (
                <Input
                  key={feature}
                  label={`Quota for ${feature}`}
                  type="number"
                  inputMode="numeric"
                  min={0}
                  step={1}
                  value={field.value[feature] === undefined || Number.isNaN(field.value[feature]) ? '' : field.value[feature]}
                  onChange={(event) => {
                    const { [feature]: _previous, ...others } = field.value;
                    field.onChange(event.target.value.trim() === '' ? others : { ...others, [feature]: wholeNumberFrom(event.target.value) });
                  }}
                  error={firstErrorMessage(errors.quotas?.[feature])}
                />
              ))}
            </fieldset>
          )}
        />
      )}
    </>
  );
}

/** A price typed in major units ("49.99"), kept in the smallest unit (4999); blank is no price. */
export function PriceField({ value, onChange, currency, error }: { value: number | null; onChange: (cents: number | null) => void; currency: string; error?: string }) {
  const [text, setText] = useState(value === null || Number.isNaN(value) ? '' : (value / 100).toFixed(2));
  return (
    <Input
      label={`Price (${currency.toUpperCase() || 'currency'} per billing period)`}
      inputMode="decimal"
      value={text}
      onChange={(event) => {
        const typed = event.target.value;
        setText(typed);
        const trimmed = typed.trim();
        if (trimmed === '') onChange(null);
        else onChange(/^\d+(\.\d{1,2})?$/.test(trimmed) ? Math.round(Number(trimmed) * 100) : Number.NaN);
      }}
      error={error}
      hint="Optional, for revenue figures; e.g. 49.00. The Stripe price is linked later."
    />
  );
}
