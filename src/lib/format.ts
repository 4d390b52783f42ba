/**
 * Dates as "2025-03-01 14:05 UTC": the same text on the server and in the browser whatever
 * their time zones, so server-rendered and hydrated markup agree.
 */
export function formatDateTime(date: Date | null | undefined, fallback = '–'): string {
  if (!date) return fallback;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
