'use client';

import { useEffect, useState } from 'react';
import { Input } from './ui/input';
import { Select } from './ui/select';

export type PickerOption = { value: string; label: string };

/** Typing pauses this long before the next search, so a name typed quickly costs one request. */
const SEARCH_DELAY_MS = 250;

/**
 * Chooses one row among many: a search box and a labelled select of the server's matches. The
 * caller runs the query for `search`; the chosen option stays listed when a later search drops it.
 */
export function SearchPicker({
  label,
  searchLabel,
  searchHint,
  value,
  onChange,
  onSearchChange,
  options,
  state,
  fetching = false,
  error,
  noun,
  noneLabel,
}: {
  label: string;
  searchLabel: string;
  searchHint?: string;
  value: string;
  onChange: (value: string) => void;
  onSearchChange: (search: string) => void;
  options: PickerOption[];
  state: 'pending' | 'error' | 'ready';
  fetching?: boolean;
  error?: string;
  /** What is chosen, for the placeholder texts: "customer", "plan". */
  noun: string;
  /** For an optional choice: the label of choosing none. */
  noneLabel?: string;
}) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<PickerOption | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => onSearchChange(search.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search, onSearchChange]);

  const shown = chosen && chosen.value === value && !options.some((option) => option.value === chosen.value) ? [chosen, ...options] : options;
  const placeholder =
    state === 'pending'
      ? `Loading ${noun}s…`
      : state === 'error'
        ? `The ${noun}s could not be loaded`
        : (noneLabel ?? (shown.length > 0 ? `Choose a ${noun}` : `No ${noun} matches`));

  return (
    <div className="space-y-3 rounded-md bg-slate-50 p-3">
      <Input label={searchLabel} type="search" value={search} onChange={(event) => setSearch(event.target.value)} hint={searchHint} />
      <Select
        label={label}
        value={value}
        error={error}
        aria-busy={fetching || undefined}
        onChange={(event) => {
          setChosen(shown.find((option) => option.value === event.target.value) ?? null);
          onChange(event.target.value);
        }}
        options={[{ value: '', label: placeholder }, ...shown]}
      />
    </div>
  );
}
