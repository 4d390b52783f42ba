/** How licenses, plans and machines read on every page (server- and browser-rendered alike). */

/** Only the last 4 characters of a key are ever shown after issue. */
export const keyTail = (keyLast4: string) => `…${keyLast4}`;

/** "2025-03-01": dates in UTC, so server-rendered and hydrated text agree. */
export function formatDate(date: Date | null | undefined, fallback = '–'): string {
  return date ? date.toISOString().slice(0, 10) : fallback;
}

export const formatExpiry = (expiresAt: Date | null) => formatDate(expiresAt, 'Never');

/** "2 / 5" machines, or "2 / unlimited". */
export const formatMachines = (active: number, max: number | null) => `${active} / ${max ?? 'unlimited'}`;

export const formatSeats = (max: number | null) => (max === null ? 'Unlimited' : `${max} machine${max === 1 ? '' : 's'}`);

export const formatDuration = (days: number | null) => (days === null ? 'Perpetual' : `${days} day${days === 1 ? '' : 's'}`);

export function formatPrice(cents: number | null, currency: string): string {
  if (cents === null) return '–';
  return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).format(cents / 100);
}

/** "api.calls: 10,000/month, reports: 50/month", or "None". */
export function formatQuotas(quotas: Record<string, number>): string {
  const entries = Object.entries(quotas);
  if (entries.length === 0) return 'None';
  return entries.map(([feature, units]) => `${feature}: ${units.toLocaleString('en')}/month`).join(', ');
}

/** A date input's "YYYY-MM-DD" as the end of that day in UTC: a license is valid through the day chosen. */
export function endOfUtcDay(day: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const date = new Date(`${day}T23:59:59.999Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}
