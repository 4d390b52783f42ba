import { z } from 'zod';

/** Shapes shared by the audit explorer's filters (URL, tRPC, export route) and the procedures. */

export const SeverityName = z.enum(['INFO', 'WARNING', 'CRITICAL']);
export type SeverityName = z.infer<typeof SeverityName>;

/** Audit sequences are positive 64-bit integers, carried as decimal text. */
export const SequenceText = z.string().regex(/^[1-9]\d{0,18}$/, 'Must be an event number');

const Text = (max: number) => z.string().trim().min(1).max(max).optional();

/**
 * The explorer's filters. `actor` matches an actor's id or label (an email); `action` is exact,
 * or a prefix when it ends with `*` or `.` (`license.*`); `to` is exclusive.
 */
export const AuditFilter = z.object({
  from: z.date().optional(),
  to: z.date().optional(),
  actor: Text(320),
  action: Text(120),
  targetType: Text(64),
  targetId: Text(128),
  customerId: Text(64),
  ip: Text(64),
  severity: SeverityName.optional(),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

export const ListAuditEventsInput = AuditFilter.extend({
  // Nullish: tRPC's infinite queries send null for the first page.
  cursor: SequenceText.nullish(),
  limit: z.int().min(1).max(200).default(50),
});
export type ListAuditEventsInput = z.input<typeof ListAuditEventsInput>;

export const AuditEventInput = z.object({ sequence: SequenceText });

export const CustomerActivityInput = z.object({ cursor: SequenceText.nullish(), limit: z.int().min(1).max(100).default(25) });
export type CustomerActivityInput = z.input<typeof CustomerActivityInput>;

export const ExportFormat = z.enum(['csv', 'json']);
export type ExportFormat = z.infer<typeof ExportFormat>;

const first = (value: string | string[] | null | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

/** A `YYYY-MM-DD` day in UTC: its start, or (for `to`, which is exclusive) the start of the next day. */
function utcDay(value: string | undefined, endOfDay: boolean): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime())) return undefined;
  return endOfDay ? new Date(date.getTime() + 24 * 60 * 60 * 1000) : date;
}

/**
 * The filters as they appear in the explorer's URL and the export link (`?from=2025-01-01&to=…`);
 * a malformed value (a hand-edited URL) is dropped rather than an error.
 */
export function auditFilterFromParams(get: (name: string) => string | string[] | null | undefined): AuditFilter {
  const text = (name: keyof AuditFilter, max: number) => z.string().trim().min(1).max(max).optional().catch(undefined).parse(first(get(name)));
  return {
    from: utcDay(first(get('from')), false),
    to: utcDay(first(get('to')), true),
    actor: text('actor', 320),
    action: text('action', 120),
    targetType: text('targetType', 64),
    targetId: text('targetId', 128),
    customerId: text('customerId', 64),
    ip: text('ip', 64),
    severity: SeverityName.optional().catch(undefined).parse(first(get('severity'))),
  };
}

/** The inverse of auditFilterFromParams: days as `YYYY-MM-DD`, `to` as the last day included. */
export function auditFilterToParams(filter: AuditFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.from) params.set('from', filter.from.toISOString().slice(0, 10));
  if (filter.to) params.set('to', new Date(filter.to.getTime() - 1).toISOString().slice(0, 10));
  for (const name of ['actor', 'action', 'targetType', 'targetId', 'customerId', 'ip', 'severity'] as const) {
    const value = filter[name];
    if (value) params.set(name, value);
  }
  return params;
}
