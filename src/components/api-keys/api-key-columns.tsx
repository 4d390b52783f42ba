import type { inferRouterOutputs } from '@trpc/server';
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Column } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { formatDate, formatExpiry } from '@/lib/licensing-format';
import type { AppRouter } from '@/server/routers/root';
import { ApiKeyStatusBadge, ScopeBadges } from './api-key-badges';

/** A key as every key list returns it: metadata only. */
export type ApiKeyRow = inferRouterOutputs<AppRouter>['apiKeys']['list']['items'][number];

/** When and from where a key was last used, or that it never was. */
function LastUsed({ apiKey }: { apiKey: ApiKeyRow }) {
  if (!apiKey.lastUsedAt) return <span className="text-slate-500">Never</span>;
  return (
    <span className="flex flex-col">
      <span className="tabular-nums">{formatDateTime(apiKey.lastUsedAt)}</span>
      {apiKey.lastUsedIp && <span className="font-mono text-xs text-slate-500">from {apiKey.lastUsedIp}</span>}
    </span>
  );
}

/**
 * The columns of a key list: name (a link when the key has a page), prefix, scopes, created,
 * last use, expiry, status; optionally the organisation, and the actions of a live key.
 */
export function apiKeyColumns({
  nameHref,
  showCustomer = false,
  actions,
}: {
  nameHref?: (key: ApiKeyRow) => string;
  showCustomer?: boolean;
  actions?: (key: ApiKeyRow) => ReactNode;
}): Column<ApiKeyRow>[] {
  const live = (key: ApiKeyRow) => key.status === 'active' || key.status === 'rotating';
  return [
    {
      header: 'Name',
      cell: (key) =>
        nameHref ? (
          <Link href={nameHref(key)} className="font-medium text-indigo-700 hover:underline">
            {key.name}
          </Link>
        ) : (
          <span className="font-medium text-slate-900">{key.name}</span>
        ),
    },
    ...(showCustomer ? [{ header: 'Organisation', cell: (key: ApiKeyRow) => key.customer?.name ?? '–' }] : []),
    { header: 'Key', cell: (key) => <code className="font-mono text-xs">{key.prefix}</code>, className: 'whitespace-nowrap' },
    { header: 'Scopes', cell: (key) => <ScopeBadges scopes={key.scopes} /> },
    { header: 'Created', cell: (key) => formatDate(key.createdAt), className: 'whitespace-nowrap tabular-nums' },
    { header: 'Last used', cell: (key) => <LastUsed apiKey={key} />, className: 'whitespace-nowrap' },
    { header: 'Expires', cell: (key) => formatExpiry(key.expiresAt), className: 'whitespace-nowrap tabular-nums' },
    { header: 'Status', cell: (key) => <ApiKeyStatusBadge status={key.status} graceEndsAt={key.graceEndsAt} /> },
    ...(actions ? [{ header: 'Actions', cell: (key: ApiKeyRow) => (live(key) ? <div className="flex gap-2">{actions(key)}</div> : null) }] : []),
  ];
}
