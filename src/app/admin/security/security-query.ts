import { SecurityWindow } from '@/lib/schemas/security';

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

/** The window in a security page's URL (`?window=1h|24h|7d`); a malformed one (a hand-edited URL) means 24 hours. */
export function windowFromParams(params: Record<string, string | string[] | undefined>): SecurityWindow {
  return SecurityWindow.catch('24h').parse(first(params.window) ?? '24h');
}

/** A security list's URL with its filters, leaving out the empty ones. */
export function hrefWith(path: string, params: Record<string, string | undefined | null>): string {
  const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])));
  const query = search.toString();
  return query ? `${path}?${query}` : path;
}

export const firstParam = first;
