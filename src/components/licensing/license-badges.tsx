import { LICENSE_STATUS_TONES } from '@/components/license-status-list';
import { Badge } from '@/components/ui/badge';
import type { LicenseStatus } from '@/generated/prisma/enums';

export function LicenseStatusBadge({ status }: { status: LicenseStatus }) {
  return <Badge tone={LICENSE_STATUS_TONES[status]}>{status.toLowerCase()}</Badge>;
}

export function FlaggedBadge() {
  return <Badge tone="danger">flagged</Badge>;
}

/** The outcome of one validate, activate or deactivate attempt: its protocol code. */
export function OutcomeBadge({ success, code }: { success: boolean; code: string }) {
  return <Badge tone={success ? 'success' : code === 'NOT_FOUND' || code.startsWith('BAD_') ? 'neutral' : 'danger'}>{code}</Badge>;
}
