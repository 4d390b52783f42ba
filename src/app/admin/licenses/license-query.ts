import { z } from 'zod';
import { ListLicensesInput } from '@/lib/schemas/licensing';

/** The license list's filters as they appear in the URL: `?search=&status=&flagged=yes|no&expiring=30&sort=`. */
export type LicenseListFilter = Pick<ListLicensesInput, 'search' | 'status' | 'flagged' | 'expiringWithinDays' | 'sort'>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

/** A malformed value (a hand-edited URL) is ignored rather than an error page. */
const LicenseListQuery = z.object({
  search: ListLicensesInput.shape.search.catch(undefined),
  status: ListLicensesInput.shape.status.catch(undefined),
  flagged: z
    .enum(['yes', 'no'])
    .optional()
    .catch(undefined)
    .transform((value) => (value === undefined ? undefined : value === 'yes')),
  expiringWithinDays: z.coerce.number().pipe(ListLicensesInput.shape.expiringWithinDays.unwrap()).optional().catch(undefined),
  sort: ListLicensesInput.shape.sort.catch('created_desc'),
});

export function licenseFilterFromParams(params: Record<string, string | string[] | undefined>): LicenseListFilter {
  return LicenseListQuery.parse({
    search: first(params.search),
    status: first(params.status),
    flagged: first(params.flagged),
    expiringWithinDays: first(params.expiring),
    sort: first(params.sort),
  });
}

export function licenseFilterToParams(filter: LicenseListFilter): URLSearchParams {
  const params = new URLSearchParams();
  if (filter.search) params.set('search', filter.search);
  if (filter.status) params.set('status', filter.status);
  if (filter.flagged !== undefined) params.set('flagged', filter.flagged ? 'yes' : 'no');
  if (filter.expiringWithinDays !== undefined) params.set('expiring', String(filter.expiringWithinDays));
  if (filter.sort && filter.sort !== 'created_desc') params.set('sort', filter.sort);
  return params;
}
