import type { LicenseStatus } from '@/generated/prisma/enums';
import { Badge, type BadgeTone } from './ui/badge';

export const LICENSE_STATUS_TONES: Record<LicenseStatus, BadgeTone> = {
  ACTIVE: 'success',
  SUSPENDED: 'warning',
  REVOKED: 'danger',
  EXPIRED: 'neutral',
  OVERDUE: 'warning',
};
const STATUSES = Object.keys(LICENSE_STATUS_TONES) as LicenseStatus[];

export function LicenseStatusList({ counts }: { counts: Partial<Record<LicenseStatus, number>> }) {
  return (
    <ul className="space-y-2">
      {STATUSES.map((status) => (
        <li key={status} className="flex items-center justify-between text-sm">
          <Badge tone={LICENSE_STATUS_TONES[status]}>{status.toLowerCase()}</Badge>
          <span className="tabular-nums text-slate-700">{counts[status] ?? 0}</span>
        </li>
      ))}
    </ul>
  );
}
