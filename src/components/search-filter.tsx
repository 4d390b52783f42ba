'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { Input } from './ui/input';

/** Typing pauses this long before the URL (and so the list) follows the search box. */
const SEARCH_DELAY_MS = 300;

/** A list's search box kept in the URL's `search` parameter, so a search can be bookmarked and reloaded. */
export function SearchFilter({ label, hint, search }: { label: string; hint?: string; search?: string }) {
  const router = useRouter();
  const pathname = usePathname();
  const [isNavigating, startNavigation] = useTransition();
  const [text, setText] = useState(search ?? '');

  useEffect(() => {
    const trimmed = text.trim();
    if (trimmed === (search ?? '')) return;
    const timer = setTimeout(() => {
      startNavigation(() => router.replace(trimmed ? `${pathname}?${new URLSearchParams({ search: trimmed })}` : pathname, { scroll: false }));
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, search, router, pathname]);

  return (
    <form role="search" aria-busy={isNavigating || undefined} onSubmit={(event) => event.preventDefault()} className="max-w-md">
      <Input label={label} type="search" value={text} onChange={(event) => setText(event.target.value)} hint={hint} />
    </form>
  );
}
