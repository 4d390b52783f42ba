/** Usage per metric per day as the usage pages chart it; shared by the procedures and the pages' first render. */

export type UsageRow = { day: string; metric: string; quantity: number };

/** The rows of a window of `days` days ending on `until` (UTC, "YYYY-MM-DD"), so every page charts the same days the server summed. */
export type UsageWindow = { days: number; until: string; rows: UsageRow[] };

export const usageWindow = (rows: UsageRow[], days: number, now: Date): UsageWindow => ({ days, until: now.toISOString().slice(0, 10), rows });

const DAY_MS = 24 * 60 * 60 * 1000;

/** Every day of the window, oldest first. */
export function windowDays({ days, until }: Pick<UsageWindow, 'days' | 'until'>): string[] {
  const last = Date.parse(`${until}T00:00:00Z`);
  return Array.from({ length: days }, (_, index) => new Date(last - (days - 1 - index) * DAY_MS).toISOString().slice(0, 10));
}

/** One point per day with a quantity per metric (zero on days without reports), and the metrics by name. */
export function usageSeries(window: UsageWindow): { metrics: string[]; points: ({ day: string } & Record<string, number | string>)[] } {
  const metrics = [...new Set(window.rows.map((row) => row.metric))].sort();
  const byDay = new Map<string, Record<string, number>>();
  for (const row of window.rows) byDay.set(row.day, { ...byDay.get(row.day), [row.metric]: row.quantity });
  const points = windowDays(window).map((day) => ({ day, ...Object.fromEntries(metrics.map((metric) => [metric, byDay.get(day)?.[metric] ?? 0])) }));
  return { metrics, points };
}
