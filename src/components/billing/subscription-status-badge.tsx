import { Badge, type BadgeTone } from '@/components/ui/badge';

const TONES: Record<string, BadgeTone> = {
  active: 'success',
  trialing: 'info',
  past_due: 'warning',
  unpaid: 'danger',
  paused: 'warning',
  incomplete: 'neutral',
  incomplete_expired: 'neutral',
  canceled: 'neutral',
};

/** A Stripe subscription status, as Stripe names it (past_due reads "past due"). */
export function SubscriptionStatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status] ?? 'neutral'}>{status.replace(/_/g, ' ')}</Badge>;
}
