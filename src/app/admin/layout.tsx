import type { ReactNode } from 'react';
import { AppShell } from '@/components/app-shell';
import { requirePageSession } from '@/server/http/page-guards';

const ADMIN_NAV = [
  { href: '/admin', label: 'Dashboard', exact: true },
  { href: '/admin/products', label: 'Products' },
  { href: '/admin/customers', label: 'Customers' },
  { href: '/admin/licenses', label: 'Licenses' },
  { href: '/admin/usage', label: 'Usage' },
  { href: '/admin/api-keys', label: 'API keys' },
  { href: '/admin/billing', label: 'Billing' },
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/security', label: 'Security' },
  { href: '/admin/audit', label: 'Audit' },
];

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await requirePageSession(['ADMIN'], '/admin');
  return (
    <AppShell area="Admin" nav={ADMIN_NAV} user={session.user}>
      {children}
    </AppShell>
  );
}
