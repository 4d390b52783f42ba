import type { DbOrTx } from '../db';
import { isIpAllowlisted } from './ip-blocks';
import { securityPolicy } from './policy';

type Snapshot = { blocked: Map<string, Date>; loadedAt: number };
let snapshot: Snapshot | null = null;
let loading: Promise<Snapshot> | null = null;

async function load(db: DbOrTx, now: number): Promise<Snapshot> {
  const rows = await db.ipBlock.findMany({ where: { liftedAt: null, expiresAt: { gt: new Date(now) } }, select: { ip: true, expiresAt: true } });
  const blocked = new Map<string, Date>();
  for (const row of rows) {
    const known = blocked.get(row.ip);
    if (!known || known < row.expiresAt) blocked.set(row.ip, row.expiresAt);
  }
  return { blocked, loadedAt: now };
}

/**
 * Whether the IP is blocked, from a per-instance copy of the active blocks re-read every few
 * seconds: the license API checks every request without a query of its own.
 */
export async function isIpBlockedForApi(db: DbOrTx, ip: string, now = Date.now()): Promise<boolean> {
  if (!snapshot || now - snapshot.loadedAt > securityPolicy().licenseApi.ipBlockRefreshMs) {
    loading ??= load(db, now).finally(() => {
      loading = null;
    });
    snapshot = await loading;
  }
  const until = snapshot.blocked.get(ip);
  return until !== undefined && until.getTime() > now && !isIpAllowlisted(ip);
}

/** Drops the copy, so a block or unblock made on this instance applies at once. */
export function forgetIpBlockSnapshot(): void {
  snapshot = null;
}
