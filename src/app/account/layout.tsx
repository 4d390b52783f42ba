import type { ReactNode } from 'react';
import { AppShell } from '@/components/app-shell';
import { homePathFor, requirePageSession } from '@/server/http/page-guards';

/** Account pages belong to every role: profile, password, MFA, sessions. */
export default async function AccountLayout({ children }: { children: ReactNode }) {
  // The layout frames the MFA enrolment page too; each other account page enforces enrolment itself.
  const session = await requirePageSession(['ADMIN', 'RESELLER', 'CUSTOMER'], '/account', { allowWithoutMfa: true });
  const nav = [
    { href: homePathFor(session.user.role), label: 'Home', exact: true },
    { href: '/account', label: 'Account', exact: true },
    { href: '/account/mfa', label: 'Two-factor authentication' },
    { href: '/account/sessions', label: 'Sessions' },
  ];
  return (
    <AppShell area="Account" nav={nav} user={session.user}>
      {children}
    </AppShell>
  );
}
