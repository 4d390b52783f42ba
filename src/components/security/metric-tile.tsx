import Link from 'next/link';
import type { ReactNode } from 'react';

/**
 * A dashboard number that links to the list behind it. Over its alert threshold it is drawn in
 * red and says so in words, not only in colour.
 */
export function MetricTile({ label, value, detail, href, alarming = false }: { label: string; value: ReactNode; detail?: ReactNode; href: string; alarming?: boolean }) {
  return (
    <Link
      href={href}
      className={`block rounded-lg p-4 shadow-sm ring-1 hover:ring-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 ${
        alarming ? 'bg-red-50 ring-red-300 hover:ring-red-400' : 'bg-white ring-slate-200 hover:ring-indigo-300'
      }`}
    >
      <span className="block text-sm text-slate-500">{label}</span>
      <span className={`mt-1 block text-2xl font-semibold tabular-nums ${alarming ? 'text-red-800' : 'text-slate-900'}`}>{value}</span>
      {detail && <span className="mt-1 block text-xs text-slate-600">{detail}</span>}
      {alarming && <span className="mt-1 block text-xs font-medium text-red-800">Over the alert threshold</span>}
    </Link>
  );
}
