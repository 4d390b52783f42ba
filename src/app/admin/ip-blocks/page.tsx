import type { Metadata } from 'next';
import { SecuritySectionNav } from '@/components/security/security-section-nav';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { ListIpBlocksInput } from '@/lib/schemas/security';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { ipAllowlist, listIpBlocks } from '@/server/security/ip-block-admin';
import { BlockIpDialog } from './block-ip-dialog';
import { IpBlocksList } from './ip-blocks-list';

export const metadata: Metadata = { title: 'IP blocks' };

const PAGE_SIZE = 25;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) || undefined;

export default async function IpBlocksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requirePageSession(['ADMIN'], '/admin/ip-blocks');
  const state = ListIpBlocksInput.shape.state.catch('active').parse(first((await searchParams).state));
  const firstPage = await listIpBlocks(await getDb(), { state, limit: PAGE_SIZE });
  const allowlist = ipAllowlist();
  const tab = (value: typeof state, label: string) => (
    <Link
      href={value === 'active' ? '/admin/ip-blocks' : '/admin/ip-blocks?state=ended'}
      aria-current={state === value ? 'page' : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${state === value ? 'bg-indigo-50 text-indigo-700' : 'text-slate-700 hover:bg-slate-100'}`}
    >
      {label}
    </Link>
  );

  return (
    <div className="space-y-6">
      <SecuritySectionNav />
      <div className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold text-slate-900">IP blocks</h1>
          <p className="text-sm text-slate-600">Blocked addresses cannot sign in or call the license API. Sign-in abuse blocks addresses on its own; block others here.</p>
        </div>
        <BlockIpDialog />
      </div>
      <nav aria-label="Blocks shown" className="flex gap-2">
        {tab('active', 'Current blocks')}
        {tab('ended', 'Ended and lifted')}
      </nav>
      <IpBlocksList state={state} pageSize={PAGE_SIZE} firstPage={firstPage} />
      <Card title="Allowlisted addresses">
        <p className="mb-3 text-sm text-slate-600">Never blocked, from the SECURITY_IP_ALLOWLIST setting (change it in the server configuration).</p>
        {allowlist.length === 0 ? (
          <p className="text-sm text-slate-500">None configured.</p>
        ) : (
          <ul className="flex flex-wrap gap-2" aria-label="Allowlisted addresses and ranges">
            {allowlist.map((entry) => (
              <li key={entry}>
                <code className="rounded bg-slate-100 px-2 py-1 font-mono text-xs">{entry}</code>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
