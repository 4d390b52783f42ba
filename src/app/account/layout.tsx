import type { ReactNode } from 'react';
import { AppShell } from '@/components/app-shell';
import { homePathFor, requirePageSession } from '@/server/http/page-guards';

/** Account pages belong to every role: profile, password, MFA, sessions. */
export default async function AccountLayout({ children }: { children: ReactNode }) {
  const session = await requirePageSession(['ADMIN', 'RESELLER', 'CUSTOMER'], '/account');
  const nav = [
    { href: homePathFor(session.user.role), label: 'Home', exact: true },
    { href: '/account', label: 'Account', exact: true },
    { href: '/account/mfa', label: 'Two-factor authentication' },
  ];
  return (
    <AppShell area="Account" nav={nav} user={session.user}>
      {children}
    </AppShell>
  );
}
