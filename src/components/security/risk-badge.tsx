import { Badge, type BadgeTone } from '@/components/ui/badge';
import type { RiskAssessment } from '@/server/security/risk';

const TONES: Record<RiskAssessment['level'], BadgeTone> = { low: 'success', medium: 'warning', high: 'danger' };

/** A risk score from 0 to 1 with its level; opening it lists the signals that raised it. */
export function RiskBadge({ label, risk }: { label: string; risk: RiskAssessment }) {
  return (
    <details className="relative inline-block">
      <summary className="cursor-pointer list-none" aria-label={`${label}: ${risk.score.toFixed(2)}, ${risk.level}. Show the reasons.`}>
        <Badge tone={TONES[risk.level]}>
          {label} {risk.score.toFixed(2)} · {risk.level}
        </Badge>
      </summary>
      <div className="absolute z-10 mt-1 w-72 rounded-md bg-white p-3 text-sm font-normal text-slate-700 shadow-lg ring-1 ring-slate-200">
        {risk.reasons.length === 0 ? (
          <p>No risk signals.</p>
        ) : (
          <ul className="list-disc space-y-1 pl-4">
            {risk.reasons.map((reason) => (
              <li key={reason}>{reason}</li>
            ))}
          </ul>
        )}
      </div>
    </details>
  );
}
