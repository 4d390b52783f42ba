import type { ReactNode } from 'react';
import { AppShell } from '@/components/app-shell';
import { requirePageSession } from '@/server/http/page-guards';

const PORTAL_NAV = [
  { href: '/portal', label: 'Overview', exact: true },
  { href: '/portal/licenses', label: 'Licenses' },
  { href: '/portal/api-keys', label: 'API keys' },
  { href: '/portal/usage', label: 'Usage' },
  { href: '/portal/billing', label: 'Billing' },
  { href: '/portal/activity', label: 'Activity' },
];

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const session = await requirePageSession(['CUSTOMER'], '/portal');
  return (
    <AppShell area="Portal" nav={PORTAL_NAV} user={session.user}>
      {children}
    </AppShell>
  );
}
