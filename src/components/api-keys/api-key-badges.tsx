import { Badge, type BadgeTone } from '@/components/ui/badge';
import { formatDateTime } from '@/lib/format';

type ApiKeyStatus = 'active' | 'rotating' | 'rotated' | 'expired' | 'revoked';

const STATUS_TONES: Record<ApiKeyStatus, BadgeTone> = { active: 'success', rotating: 'warning', rotated: 'neutral', expired: 'neutral', revoked: 'danger' };

/** A key's state; a rotated-out key still in its grace period says until when it works. */
export function ApiKeyStatusBadge({ status, graceEndsAt }: { status: ApiKeyStatus; graceEndsAt: Date | null }) {
  return (
    <span className="inline-flex flex-col items-start gap-0.5">
      <Badge tone={STATUS_TONES[status]}>{status}</Badge>
      {status === 'rotating' && graceEndsAt && <span className="text-xs text-slate-500">works until {formatDateTime(graceEndsAt)}</span>}
    </span>
  );
}

export function ScopeBadges({ scopes }: { scopes: string[] }) {
  return (
    <span className="flex flex-wrap gap-1">
      {scopes.map((scope) => (
        <Badge key={scope} tone={scope === 'admin' ? 'danger' : 'info'}>
          {scope}
        </Badge>
      ))}
    </span>
  );
}
