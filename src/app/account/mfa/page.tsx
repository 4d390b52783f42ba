import type { Metadata } from 'next';
import { beginTotpEnrolment, mfaStatus, pendingTotpEnrolment } from '@/server/auth/mfa';
import { getDb } from '@/server/db';
import { homePathFor, requirePageSession } from '@/server/http/page-guards';
import { MfaSettings } from './mfa-settings';
import { TotpEnrolmentSetup } from './totp-enrolment';

export const metadata: Metadata = { title: 'Two-factor authentication' };

export default async function MfaPage() {
  // Admins and resellers without MFA are sent here, so this page must not send them away.
  const session = await requirePageSession(['ADMIN', 'RESELLER', 'CUSTOMER'], '/account/mfa', { allowWithoutMfa: true });
  const db = await getDb();
  const status = await mfaStatus(db, session.user.id);
  if (status.enabled) return <MfaSettings initialStatus={status} accountEmail={session.user.email} />;

  // Reloading shows the secret already scanned; only a first visit (or "Use a new key") creates one.
  const enrolment = (await pendingTotpEnrolment(db, session.user)) ?? (await beginTotpEnrolment(db, session.user));
  return (
    <TotpEnrolmentSetup
      initialEnrolment={enrolment}
      accountEmail={session.user.email}
      homeHref={homePathFor(session.user.role)}
      required={session.user.role !== 'CUSTOMER'}
    />
  );
}
