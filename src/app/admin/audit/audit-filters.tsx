'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { auditFilterFromParams, auditFilterToParams, type AuditFilter } from '@/lib/schemas/audit';

const SEVERITY_OPTIONS = [
  { value: '', label: 'Any severity' },
  { value: 'INFO', label: 'Info' },
  { value: 'WARNING', label: 'Warning' },
  { value: 'CRITICAL', label: 'Critical' },
];

const FIELDS = ['from', 'to', 'actor', 'action', 'targetType', 'targetId', 'ip', 'severity'] as const;
type Field = (typeof FIELDS)[number];

/** The explorer's filters, applied on submit and kept in the URL, so a view can be bookmarked, shared and exported. */
export function AuditFilters({ filter }: { filter: AuditFilter }) {
  const router = useRouter();
  const pathname = usePathname();
  const [isNavigating, startNavigation] = useTransition();
  const shown = auditFilterToParams(filter);
  const [values, setValues] = useState<Record<Field, string>>(() => Object.fromEntries(FIELDS.map((field) => [field, shown.get(field) ?? ''])) as Record<Field, string>);
  const set = (field: Field) => (event: { target: { value: string } }) => setValues((current) => ({ ...current, [field]: event.target.value }));

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Parsed as the server parses the URL, keeping a customer filter that came in a link.
    const next = auditFilterFromParams((name) => (name === 'customerId' ? filter.customerId : values[name as Field]?.trim()));
    const query = auditFilterToParams(next).toString();
    startNavigation(() => router.replace(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  };

  return (
    <form role="search" aria-label="Filter audit events" aria-busy={isNavigating || undefined} onSubmit={apply} className="space-y-4 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Input label="From (UTC day)" type="date" value={values.from} onChange={set('from')} />
        <Input label="To (UTC day, included)" type="date" value={values.to} onChange={set('to')} />
        <Input label="Actor" value={values.actor} onChange={set('actor')} hint="Email or id." />
        <Input label="Action" value={values.action} onChange={set('action')} hint="Exact, or a prefix such as license.*" />
        <Input label="Target type" value={values.targetType} onChange={set('targetType')} hint="license, user, customer, ip…" />
        <Input label="Target id" value={values.targetId} onChange={set('targetId')} />
        <Input label="IP address" value={values.ip} onChange={set('ip')} />
        <Select label="Severity" value={values.severity} options={SEVERITY_OPTIONS} onChange={set('severity')} />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" pending={isNavigating}>
          Apply filters
        </Button>
        <Button
          variant="ghost"
          onClick={() => {
            setValues(Object.fromEntries(FIELDS.map((field) => [field, ''])) as Record<Field, string>);
            startNavigation(() => router.replace(pathname, { scroll: false }));
          }}
        >
          Clear
        </Button>
        {filter.customerId && <p className="text-sm text-slate-600">Showing one customer&apos;s events.</p>}
      </div>
    </form>
  );
}
