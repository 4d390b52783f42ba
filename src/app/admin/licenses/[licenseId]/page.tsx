import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { FlaggedBadge, LicenseStatusBadge } from '@/components/licensing/license-badges';
import { RiskBadge } from '@/components/security/risk-badge';
import { Card, StatTile } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Table } from '@/components/ui/table';
import { formatDateTime } from '@/lib/format';
import { formatExpiry, formatMachines, formatQuotas, formatSeats, keyTail } from '@/lib/licensing-format';
import { getDb } from '@/server/db';
import { isAppError } from '@/server/errors';
import { requirePageSession } from '@/server/http/page-guards';
import { getLicenseDetail, listLicenseAuditEvents, listLicenseValidations } from '@/server/licensing/license-admin';
import { assessLicenseRisk } from '@/server/security/risk';
import { ClearFlagAction, LicenseActions } from './license-actions';
import { LicenseMachines } from './license-machines';
import { LicenseValidations } from './license-validations';

export const metadata: Metadata = { title: 'License' };

const VALIDATIONS_PAGE_SIZE = 25;
const numberFormat = new Intl.NumberFormat('en');
const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

async function loadLicense(licenseId: string) {
  const db = await getDb();
  try {
    const license = await getLicenseDetail(db, licenseId);
    const [validations, auditEvents, risk] = await Promise.all([
      listLicenseValidations(db, licenseId, { limit: VALIDATIONS_PAGE_SIZE }),
      listLicenseAuditEvents(db, licenseId),
      assessLicenseRisk(db, licenseId),
    ]);
    return { license, validations, auditEvents, risk };
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
}

export default async function LicensePage({ params }: { params: Promise<{ licenseId: string }> }) {
  const { licenseId } = await params;
  await requirePageSession(['ADMIN'], `/admin/licenses/${encodeURIComponent(licenseId)}`);
  const { license, validations, auditEvents, risk } = await loadLicense(licenseId);
  const activeMachines = license.machines.filter((machine) => machine.deactivatedAt === null).length;

  return (
    <div className="space-y-6">
      <div>
        <Link href="/admin/licenses" className="text-sm font-medium text-indigo-700 hover:underline">
          ← Licenses
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold text-slate-900">
            License <span className="font-mono">{keyTail(license.keyLast4)}</span>
          </h1>
          <LicenseStatusBadge status={license.status} />
          {license.suspicious && <FlaggedBadge />}
        </div>
        <p className="mt-1 text-sm text-slate-600">
          <Link href={`/admin/customers/${license.customer.id}`} className="font-medium text-indigo-700 hover:underline">
            {license.customer.name}
          </Link>{' '}
          · {license.product.name} / {license.plan.name} · <code className="font-mono text-xs">{license.maskedKey}</code>
        </p>
      </div>

      {license.suspicious && (
        <section aria-label="Suspicious flag" className="flex flex-wrap items-center justify-between gap-4 rounded-lg bg-red-50 p-4 ring-1 ring-red-200">
          <div className="text-sm text-red-900">
            <p className="font-semibold">Flagged as suspicious {license.flaggedAt ? `on ${formatDateTime(license.flaggedAt)}` : ''}</p>
            <p>{license.suspiciousReason ?? 'No reason was recorded.'}</p>
            <p className="mt-1 text-red-800">
              {license.plan.blockFlagged ? 'Its plan blocks flagged licenses: validations answer FLAGGED.' : 'Its plan does not block flagged licenses: validations go on.'}
            </p>
          </div>
          <ClearFlagAction licenseId={license.id} />
        </section>
      )}

      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        <StatTile label="Validations" value={numberFormat.format(license.validationCount)} detail={`${numberFormat.format(license.failedValidationCount)} failed`} />
        <StatTile label="Machines" value={formatMachines(activeMachines, license.maxMachines)} detail="active / allowed" />
        <StatTile label="Last validated" value={<span className="text-base">{formatDateTime(license.lastValidatedAt, 'Never')}</span>} detail={license.lastValidationIp ?? undefined} />
        <StatTile label="Risk score" value={<RiskBadge label="Validation risk" risk={risk} />} detail="from the last 24 hours of calls" />
      </dl>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Status and policy">
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2 text-sm">
            <dt className="text-slate-500">Status</dt>
            <dd>
              {license.status.toLowerCase()}
              {license.suspendedAt && license.status === 'SUSPENDED' ? ` since ${formatDateTime(license.suspendedAt)}` : ''}
              {license.revokedAt ? ` on ${formatDateTime(license.revokedAt)}` : ''}
              {license.overdueSince && license.status === 'OVERDUE' ? ` since ${formatDateTime(license.overdueSince)}` : ''}
            </dd>
            <dt className="text-slate-500">Expires</dt>
            <dd>{formatExpiry(license.expiresAt)}</dd>
            <dt className="text-slate-500">Machines</dt>
            <dd>{formatSeats(license.maxMachines)}</dd>
            <dt className="text-slate-500">Features</dt>
            <dd>{license.features.length === 0 ? 'None' : <span className="font-mono text-xs">{license.features.join(', ')}</span>}</dd>
            <dt className="text-slate-500">Quotas</dt>
            <dd>{formatQuotas(license.quotas)}</dd>
            <dt className="text-slate-500">Auto-activate</dt>
            <dd>{yesNo(license.plan.autoActivate)}</dd>
            <dt className="text-slate-500">Block when flagged</dt>
            <dd>{yesNo(license.plan.blockFlagged)}</dd>
            <dt className="text-slate-500">Suspend on anomaly</dt>
            <dd>{yesNo(license.plan.autoSuspendOnAnomaly)}</dd>
            <dt className="text-slate-500">Issued</dt>
            <dd>
              {formatDateTime(license.createdAt)} by {license.issuedBy?.email ?? license.issuedVia.toLowerCase()}
            </dd>
            <dt className="text-slate-500">Signing secret</dt>
            <dd>{license.signingSecretRotatedAt ? `Rotated ${formatDateTime(license.signingSecretRotatedAt)}` : 'As issued'}</dd>
          </dl>
        </Card>
        <Card title="Actions">
          <LicenseActions
            license={{
              id: license.id,
              keyLast4: license.keyLast4,
              status: license.status,
              expiresAt: license.expiresAt,
              maxMachines: license.maxMachines,
              features: license.features,
              quotas: license.quotas,
              activeMachines,
            }}
          />
        </Card>
      </div>

      <Card title="Machines">
        <LicenseMachines licenseId={license.id} machines={license.machines} />
      </Card>

      <Card title="Validation timeline">
        <LicenseValidations licenseId={license.id} pageSize={VALIDATIONS_PAGE_SIZE} firstPage={validations} />
      </Card>

      <Card title="Audit events">
        {auditEvents.length === 0 ? (
          <EmptyState title="No audit events" />
        ) : (
          <Table
            caption="Audit events of this license"
            rows={auditEvents}
            rowKey={(event) => event.sequence.toString()}
            columns={[
              { header: 'When', cell: (event) => formatDateTime(event.createdAt), className: 'whitespace-nowrap tabular-nums' },
              { header: 'Action', cell: (event) => <code className="font-mono text-xs">{event.action}</code> },
              { header: 'Actor', cell: (event) => event.actorLabel ?? event.actorType },
              { header: 'IP address', cell: (event) => <span className="font-mono text-xs">{event.ip ?? '–'}</span> },
              {
                header: 'Details',
                cell: (event) => {
                  const details = JSON.stringify(event.metadata);
                  return details === '{}' ? '–' : <code className="font-mono text-xs break-all text-slate-600">{details}</code>;
                },
              },
            ]}
          />
        )}
      </Card>
    </div>
  );
}
