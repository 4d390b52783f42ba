import type { Metadata } from 'next';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { RoleBadge } from '@/components/user-badges';
import { formatDateTime } from '@/lib/format';
import { mfaStatus } from '@/server/auth/mfa';
import { listLiveSessions } from '@/server/auth/sessions';
import { getUserForAdmin } from '@/server/auth/user-admin';
import { getDb } from '@/server/db';
import { requirePageSession } from '@/server/http/page-guards';
import { securityPolicy } from '@/server/security/policy';
import { ChangePasswordForm } from './change-password-form';
import { ProfileForm } from './profile-form';

export const metadata: Metadata = { title: 'Account' };

const linkClass = 'font-medium text-indigo-700 hover:underline';

export default async function AccountPage() {
  const session = await requirePageSession(['ADMIN', 'RESELLER', 'CUSTOMER'], '/account');
  const db = await getDb();
  // The same details an admin sees of this user: organisation and password age included.
  const [user, mfa, sessions] = await Promise.all([getUserForAdmin(db, session.user.id), mfaStatus(db, session.user.id), listLiveSessions(db, session.user.id)]);

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold text-slate-900">Account</h1>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Profile">
          <dl className="mb-4 grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className="text-slate-500">Role</dt>
            <dd>
              <RoleBadge role={user.role} />
            </dd>
            <dt className="text-slate-500">Organisation</dt>
            <dd>{user.customer?.name ?? '–'}</dd>
            <dt className="text-slate-500">Member since</dt>
            <dd>{formatDateTime(user.createdAt)}</dd>
          </dl>
          <ProfileForm name={user.name} email={user.email} />
        </Card>

        <Card title="Password">
          <p className="mb-4 text-sm text-slate-600">
            Last changed {formatDateTime(user.passwordChangedAt, 'never')}. Changing it signs you out on every other device.
          </p>
          <ChangePasswordForm email={user.email} name={user.name} requireCharacterClasses={securityPolicy().password.requireCharacterClasses} />
        </Card>

        <Card title="Two-factor authentication">
          <div className="space-y-2 text-sm text-slate-700">
            <p className="flex items-center gap-2">
              <Badge tone={mfa.enabled ? 'success' : 'warning'}>{mfa.enabled ? 'On' : 'Off'}</Badge>
              {mfa.enabled ? `Since ${formatDateTime(mfa.enabledAt)}.` : 'Your account is protected by your password alone.'}
            </p>
            {mfa.enabled && (
              <p>
                {mfa.backupCodesRemaining} unused backup code{mfa.backupCodesRemaining === 1 ? '' : 's'}.
              </p>
            )}
            <p>
              <Link href="/account/mfa" className={linkClass}>
                {mfa.enabled ? 'Manage two-factor authentication and backup codes' : 'Set up two-factor authentication'}
              </Link>
            </p>
          </div>
        </Card>

        <Card title="Sessions">
          <div className="space-y-2 text-sm text-slate-700">
            <p>
              You have {sessions.length} live session{sessions.length === 1 ? '' : 's'}, this one included.
            </p>
            <p>
              <Link href="/account/sessions" className={linkClass}>
                See and end your sessions
              </Link>
            </p>
          </div>
        </Card>
      </div>
    </div>
  );
}
