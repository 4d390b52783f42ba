'use client';

import { useId, useState, type KeyboardEvent } from 'react';

/** Splits typed text into feature names: commas and white space separate them. */
const namesIn = (text: string) => text.split(/[\s,]+/).map((name) => name.trim().toLowerCase()).filter(Boolean);

/**
 * Features as tags: type a name and press Enter or a comma (or paste a comma list); Backspace in
 * the empty box removes the last one, and each tag has its own remove button.
 */
export function FeaturesInput({ label, value, onChange, error, hint }: { label: string; value: string[]; onChange: (features: string[]) => void; error?: string; hint?: string }) {
  const inputId = useId();
  const [draft, setDraft] = useState('');
  const add = (text: string) => {
    const added = namesIn(text).filter((name, index, names) => !value.includes(name) && names.indexOf(name) === index);
    if (added.length > 0) onChange([...value, ...added]);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if ((event.key === 'Enter' || event.key === ',') && draft.trim()) {
      // Enter adds the tag rather than submitting the form; with an empty box it submits.
      event.preventDefault();
      add(draft);
      setDraft('');
    } else if (event.key === 'Backspace' && draft === '' && value.length > 0) {
      onChange(value.slice(0, -1));
    }
  };
  const describedBy = [error ? `${inputId}-error` : null, hint && !error ? `${inputId}-hint` : null].filter(Boolean).join(' ') || undefined;

  return (
    <div>
      <label htmlFor={inputId} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <div
        className={`mt-1 flex flex-wrap items-center gap-1.5 rounded-md px-2 py-1.5 shadow-sm ring-1 ring-inset focus-within:ring-2 ${
          error ? 'ring-red-400 focus-within:ring-red-600' : 'ring-slate-300 focus-within:ring-indigo-600'
        }`}
      >
        <ul aria-label={`${label}: ${value.length} chosen`} className="contents">
          {value.map((feature) => (
            <li key={feature} className="inline-flex items-center gap-1 rounded bg-indigo-50 py-0.5 pr-1 pl-2 font-mono text-xs text-indigo-800">
              {feature}
              <button
                type="button"
                aria-label={`Remove ${feature}`}
                onClick={() => onChange(value.filter((name) => name !== feature))}
                className="rounded px-1 text-indigo-600 hover:bg-indigo-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        <input
          id={inputId}
          value={draft}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          autoComplete="off"
          spellCheck={false}
          placeholder={value.length === 0 ? 'e.g. core, reports, api.calls' : undefined}
          onChange={(event) => {
            const text = event.target.value;
            // A comma ends a name: what is before the last comma becomes tags at once (pasted lists too).
            const cut = text.lastIndexOf(',');
            if (cut >= 0) {
              add(text.slice(0, cut));
              setDraft(text.slice(cut + 1).trimStart());
            } else {
              setDraft(text);
            }
          }}
          onKeyDown={onKeyDown}
          onBlur={() => {
            add(draft);
            setDraft('');
          }}
          className="min-w-32 flex-1 border-0 p-1 text-sm text-slate-900 placeholder:text-slate-400 focus:ring-0 focus:outline-none"
        />
      </div>
      {hint && !error && (
        <p id={`${inputId}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${inputId}-error`} role="alert" className="mt-1 text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}
