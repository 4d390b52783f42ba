import { Badge, type BadgeTone } from '@/components/ui/badge';

const TONES: Record<'INFO' | 'WARNING' | 'CRITICAL', BadgeTone> = { INFO: 'neutral', WARNING: 'warning', CRITICAL: 'danger' };

export function SeverityBadge({ severity }: { severity: 'INFO' | 'WARNING' | 'CRITICAL' }) {
  return <Badge tone={TONES[severity]}>{severity.toLowerCase()}</Badge>;
}
