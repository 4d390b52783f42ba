import ipaddr from 'ipaddr.js';
import type { IpBlockSource } from '@/generated/prisma/enums';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { DbOrTx } from '../db';
import { forgetIpBlockSnapshot } from './ip-block-cache';
import { securityPolicy } from './policy';

/** IPv4-mapped IPv6 addresses match IPv4 ranges, as a client reaching a dual-stack server appears. */
function parseAddress(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  try {
    const address = ipaddr.parse(ip);
    return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
  } catch {
    return null;
  }
}

/** True when the IP is one of the addresses or inside one of the CIDR ranges. */
export function ipMatchesAny(ip: string, cidrs: readonly string[]): boolean {
  const address = parseAddress(ip);
  if (!address) return false;
  return cidrs.some((entry) => {
    try {
      const [range, bits] = entry.includes('/') ? ipaddr.parseCIDR(entry) : [ipaddr.parse(entry), entry.includes(':') ? 128 : 32];
      const normalisedRange = range.kind() === 'ipv6' && (range as ipaddr.IPv6).isIPv4MappedAddress() ? (range as ipaddr.IPv6).toIPv4Address() : range;
      return normalisedRange.kind() === address.kind() && address.match(normalisedRange, normalisedRange.kind() === 'ipv4' && bits > 32 ? bits - 96 : bits);
    } catch {
      return false;
    }
  });
}

export function isIpAllowlisted(ip: string): boolean {
  return ipMatchesAny(ip, securityPolicy().signIn.ipAllowlist);
}

export async function findActiveIpBlock(db: DbOrTx, ip: string, now = new Date()) {
  return db.ipBlock.findFirst({
    where: { ip, liftedAt: null, expiresAt: { gt: now } },
    orderBy: { expiresAt: 'desc' },
    select: { id: true, ip: true, reason: true, source: true, level: true, expiresAt: true },
  });
}

export async function blockIp(
  db: DbOrTx,
  input: { ip: string; reason: string; source: IpBlockSource; durationSeconds: number; level?: number; createdById?: string | null },
  actor: AuditActor,
  now = new Date(),
) {
  const block = await db.ipBlock.create({
    data: {
      ip: input.ip,
      reason: input.reason,
      source: input.source,
      level: input.level ?? 1,
      createdById: input.createdById ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + input.durationSeconds * 1000),
    },
  });
  await recordAuditEvent(db, {
    actor,
    action: 'security.ip_block',
    target: { type: 'ip', id: input.ip },
    ip: input.ip,
    severity: 'WARNING',
    metadata: { reason: input.reason, source: input.source, level: block.level, expiresAt: block.expiresAt },
  });
  forgetIpBlockSnapshot();
  return block;
}

/**
 * After a failed sign-in: an IP with `failureThreshold` failures within the window is blocked,
 * for longer each time it is blocked again within the lookback (15 minutes, 1 hour, 24 hours).
 * Allowlisted addresses are never blocked. Returns the new block, if one was made.
 */
export async function blockIpAfterRepeatedSignInFailures(db: DbOrTx, ip: string, now = new Date()) {
  const policy = securityPolicy().signIn;
  if (isIpAllowlisted(ip)) return null;
  if (await findActiveIpBlock(db, ip, now)) return null;
  const failures = await db.signInAttempt.count({
    where: { ip, success: false, reason: { in: ['bad_credentials', 'bad_mfa_code'] }, createdAt: { gte: new Date(now.getTime() - policy.failureWindowSeconds * 1000) } },
  });
  if (failures < policy.failureThreshold) return null;
  // Failures from before the last block ended were already punished by it.
  const lastBlock = await db.ipBlock.findFirst({ where: { ip, source: 'SIGN_IN' }, orderBy: { createdAt: 'desc' } });
  if (lastBlock) {
    const failuresSinceLastBlock = await db.signInAttempt.count({
      where: { ip, success: false, reason: { in: ['bad_credentials', 'bad_mfa_code'] }, createdAt: { gte: lastBlock.expiresAt } },
    });
    if (failuresSinceLastBlock < policy.failureThreshold) return null;
  }
  const recentBlocks = await db.ipBlock.count({
    where: { ip, source: 'SIGN_IN', createdAt: { gte: new Date(now.getTime() - policy.escalationLookbackSeconds * 1000) } },
  });
  const level = Math.min(recentBlocks + 1, policy.blockDurationsSeconds.length);
  return blockIp(
    db,
    {
      ip,
      reason: `${failures} failed sign-ins in ${policy.failureWindowSeconds / 60} minutes`,
      source: 'SIGN_IN',
      level,
      durationSeconds: policy.blockDurationsSeconds[level - 1]!,
    },
    { type: 'system', label: 'sign-in protection' },
    now,
  );
}
