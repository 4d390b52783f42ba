import { Badge } from '@/components/ui/badge';
import type { Role } from '@/generated/prisma/enums';

export const ROLE_LABELS: Record<Role, string> = { ADMIN: 'Admin', RESELLER: 'Reseller', CUSTOMER: 'Customer' };

export function RoleBadge({ role }: { role: Role }) {
  return <Badge tone={role === 'ADMIN' ? 'info' : 'neutral'}>{ROLE_LABELS[role]}</Badge>;
}

export function MfaBadge({ enabled }: { enabled: boolean }) {
  return <Badge tone={enabled ? 'success' : 'warning'}>{enabled ? 'MFA on' : 'MFA off'}</Badge>;
}

export function UserStatusBadge({ disabledAt }: { disabledAt: Date | null }) {
  return <Badge tone={disabledAt ? 'danger' : 'success'}>{disabledAt ? 'Disabled' : 'Active'}</Badge>;
}
