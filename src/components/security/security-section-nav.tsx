import { NavLink } from '@/components/nav-link';

/** The security area's pages, under the one Security entry of the admin navigation. */
export function SecuritySectionNav() {
  return (
    <nav aria-label="Security sections" className="flex gap-1 border-b border-slate-200 pb-2">
      <NavLink href="/admin/security">Dashboard</NavLink>
      <NavLink href="/admin/alerts">Alerts</NavLink>
      <NavLink href="/admin/ip-blocks">IP blocks</NavLink>
    </nav>
  );
}
