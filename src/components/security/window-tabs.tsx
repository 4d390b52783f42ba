import Link from 'next/link';
import { SecurityWindow, WINDOW_LABELS } from '@/lib/schemas/security';

/** The 1 h / 24 h / 7 d choice as links, so a window can be bookmarked; `hrefFor` keeps the page's other filters. */
export function WindowTabs({ current, hrefFor }: { current: SecurityWindow; hrefFor: (window: SecurityWindow) => string }) {
  return (
    <nav aria-label="Time window" className="inline-flex rounded-md shadow-sm ring-1 ring-slate-300">
      {SecurityWindow.options.map((window) => (
        <Link
          key={window}
          href={hrefFor(window)}
          aria-current={window === current ? 'page' : undefined}
          aria-label={WINDOW_LABELS[window]}
          className={`px-3 py-1.5 text-sm font-medium first:rounded-l-md last:rounded-r-md ${window === current ? 'bg-indigo-600 text-white' : 'bg-white text-slate-700 hover:bg-slate-50'}`}
        >
          {window}
        </Link>
      ))}
    </nav>
  );
}
