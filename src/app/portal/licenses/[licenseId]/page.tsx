import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { LicenseStatusBadge } from '@/components/licensing/license-badges';
import { Card } from '@/components/ui/card';
import { formatDateTime } from '@/lib/format';
import { formatExpiry, formatMachines, formatQuotas, keyTail } from '@/lib/licensing-format';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { requirePageSession } from '@/server/http/page-guards';
import { getLicenseDetail, listLicenseValidations } from '@/server/licensing/license-admin';
import { PortalMachines, PortalRotateSecret, PortalValidations } from './portal-license-parts';

export const metadata: Metadata = { title: 'License' };

const VALIDATIONS_PAGE_SIZE = 25;

/** Only the organisation's own license: another organisation's is "not found", like one that does not exist. */
async function loadOwnLicense(licenseId: string, customerId: string) {
  const db = await getDb();
  try {
    const license = await getLicenseDetail(db, licenseId, { customerId });
    const validations = await listLicenseValidations(db, licenseId, { limit: VALIDATIONS_PAGE_SIZE }, { customerId });
    return { license, validations };
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
}

export default async function PortalLicensePage({ params }: { params: Promise<{ licenseId: string }> }) {
  const { licenseId } = await params;
  const session = await requirePageSession(['CUSTOMER'], `/portal/licenses/${encodeURIComponent(licenseId)}`);
  const { license, validations } = await loadOwnLicense(licenseId, session.user.customerId as string);
  const activeMachines = license.machines.filter((machine) => machine.deactivatedAt === null).length;

  return (
    <div className="space-y-6">
      <div>
        <Link href="/portal/licenses" className="text-sm font-medium text-indigo-700 hover:underline">
          ← Licenses
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold text-slate-900">
            License <span className="font-mono">{keyTail(license.keyLast4)}</span>
          </h1>
          <LicenseStatusBadge status={license.status} />
        </div>
        <p className="mt-1 text-sm text-slate-600">
          {license.product.name} / {license.plan.name} · <code className="font-mono text-xs">{license.maskedKey}</code>
        </p>
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Details">
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className="text-slate-500">Status</dt>
            <dd>{license.status.toLowerCase()}</dd>
            <dt className="text-slate-500">Expires</dt>
            <dd>{formatExpiry(license.expiresAt)}</dd>
            <dt className="text-slate-500">Machines</dt>
            <dd>{formatMachines(activeMachines, license.maxMachines)}</dd>
            <dt className="text-slate-500">Features</dt>
            <dd>{license.features.length === 0 ? 'None' : <span className="font-mono text-xs">{license.features.join(', ')}</span>}</dd>
            <dt className="text-slate-500">Quotas</dt>
            <dd>{formatQuotas(license.quotas)}</dd>
            <dt className="text-slate-500">Last checked</dt>
            <dd>{formatDateTime(license.lastValidatedAt, 'Never')}</dd>
          </dl>
        </Card>
        <Card title="Signing secret">
          <p className="mb-3 text-sm text-slate-600">
            Your installations sign every request with this license&apos;s secret.{' '}
            {license.signingSecretRotatedAt ? `It was last rotated ${formatDateTime(license.signingSecretRotatedAt)}.` : 'It has not been rotated since the license was issued.'}{' '}
            Rotate it if it may have leaked: the current one stops working at once.
          </p>
          <PortalRotateSecret licenseId={license.id} disabled={license.status === 'REVOKED'} />
        </Card>
      </div>

      <Card title="Machines">
        <PortalMachines licenseId={license.id} machines={license.machines} />
      </Card>

      <Card title="Recent checks">
        <PortalValidations licenseId={license.id} pageSize={VALIDATIONS_PAGE_SIZE} firstPage={validations} />
      </Card>
    </div>
  );
}
