import type { ReactNode } from 'react';
import { AppShell } from '@/components/app-shell';
import { requirePageSession } from '@/server/http/page-guards';

const RESELLER_NAV = [{ href: '/reseller', label: 'Overview', exact: true }];

export default async function ResellerLayout({ children }: { children: ReactNode }) {
  const session = await requirePageSession(['RESELLER'], '/reseller');
  return (
    <AppShell area="Reseller" nav={RESELLER_NAV} user={session.user}>
      {children}
    </AppShell>
  );
}
