import Link from 'next/link';
import type { ReactNode } from 'react';
import { NavLink } from './nav-link';
import { SignOutButton } from './sign-out-button';

export type NavItem = { href: string; label: string; exact?: boolean };

/** The frame of every signed-in page: navigation (only pages that exist), the user (a link to their account), sign-out. */
export function AppShell({
  area,
  nav,
  user,
  children,
}: {
  area: string;
  nav: NavItem[];
  user: { name: string; email: string; role: string };
  children: ReactNode;
}) {
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 py-3">
          <div className="flex items-center gap-6">
            <span className="text-base font-bold tracking-tight text-indigo-700">
              Licensor <span className="font-medium text-slate-500">{area}</span>
            </span>
            <nav aria-label={`${area} navigation`} className="flex gap-1">
              {nav.map((item) => (
                <NavLink key={item.href} href={item.href} exact={item.exact}>
                  {item.label}
                </NavLink>
              ))}
            </nav>
          </div>
          <div className="flex items-center gap-3">
            <div className="text-right text-sm" data-testid="signed-in-user">
              <p>
                <Link href="/account" className="font-medium text-slate-900 hover:text-indigo-700 hover:underline">
                  {user.name}
                </Link>
              </p>
              <p className="text-slate-500">
                {user.email} · {user.role.toLowerCase()}
              </p>
            </div>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-8">{children}</main>
    </div>
  );
}
