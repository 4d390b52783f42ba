import ipaddr from 'ipaddr.js';
import type { BlockIpInput, ListIpBlocksInput } from '@/lib/schemas/security';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { Db, DbOrTx } from '../db';
import { AppError } from '../errors';
import { forgetIpBlockSnapshot } from './ip-block-cache';
import { blockIp, isIpAllowlisted } from './ip-blocks';
import { securityPolicy } from './policy';

/** The IP blocks page: current and ended blocks, manual blocks and unblocking, the allowlist. */

type AdminChange = { actor: AuditActor & { type: 'user' }; meta?: { ip?: string | null; userAgent?: string | null } };

/** The address in the form requests are compared in: canonical text, IPv4-mapped IPv6 as IPv4. */
function canonicalIp(text: string): string | null {
  try {
    return ipaddr.process(text.trim()).toString();
  } catch {
    return null;
  }
}

export async function listIpBlocks(db: DbOrTx, input: Omit<ListIpBlocksInput, 'limit' | 'state'> & { limit?: number; state?: ListIpBlocksInput['state'] }, now = new Date()) {
  const limit = input.limit ?? 50;
  const active = (input.state ?? 'active') === 'active';
  const rows = await db.ipBlock.findMany({
    where: {
      ...(active ? { liftedAt: null, expiresAt: { gt: now } } : { OR: [{ liftedAt: { not: null } }, { expiresAt: { lte: now } }] }),
      ...(input.cursor ? { id: { lt: input.cursor } } : {}),
    },
    orderBy: { id: 'desc' },
    take: limit + 1,
  });
  const items = rows.slice(0, limit);
  const userIds = [...new Set(items.flatMap((block) => [block.createdById, block.liftedById].filter((id): id is string => id !== null)))];
  const users = userIds.length ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } }) : [];
  const emailOf = new Map(users.map((user) => [user.id, user.email]));
  return {
    items: items.map((block) => ({
      ...block,
      createdBy: block.createdById ? (emailOf.get(block.createdById) ?? null) : null,
      liftedBy: block.liftedById ? (emailOf.get(block.liftedById) ?? null) : null,
    })),
    nextCursor: rows.length > limit ? items[items.length - 1]!.id : null,
  };
}

/** An admin blocks an address for a while; an allowlisted address cannot be blocked (it would have no effect). */
export async function blockIpManually(db: Db, input: BlockIpInput, change: AdminChange, now = new Date()) {
  const ip = canonicalIp(input.ip);
  if (!ip) throw new AppError('BAD_REQUEST', 'Enter an IPv4 or IPv6 address, such as 203.0.113.7.', { field: 'ip' });
  if (isIpAllowlisted(ip)) throw new AppError('CONFLICT', `${ip} is on the configured allowlist (SECURITY_IP_ALLOWLIST) and is never blocked.`, { field: 'ip' });
  const block = await db.$transaction(async (tx) => {
    const existing = await tx.ipBlock.findFirst({ where: { ip, liftedAt: null, expiresAt: { gt: now } }, select: { id: true } });
    if (existing) throw new AppError('CONFLICT', `${ip} is already blocked; unblock it first to change the block.`, { field: 'ip' });
    return blockIp(
      tx,
      { ip, reason: input.reason, source: 'MANUAL', durationSeconds: input.durationMinutes * 60, createdById: change.actor.id },
      change.actor,
      now,
    );
  });
  // Again after the commit: a snapshot re-read inside the transaction would not have seen the block.
  forgetIpBlockSnapshot();
  return block;
}

/** Lifts a block now (it stays in the history); this instance forgets its cached copy at once, others within seconds. */
export async function liftIpBlock(db: Db, input: { blockId: string }, change: AdminChange, now = new Date()) {
  const lifted = await db.$transaction(async (tx) => {
    const block = await tx.ipBlock.findUnique({ where: { id: input.blockId } });
    if (!block) throw new AppError('NOT_FOUND', 'There is no such block.');
    const updated = await tx.ipBlock.updateMany({
      where: { id: block.id, liftedAt: null, expiresAt: { gt: now } },
      data: { liftedAt: now, liftedById: change.actor.id },
    });
    if (updated.count === 0) throw new AppError('CONFLICT', `The block of ${block.ip} has already ended.`);
    await recordAuditEvent(tx, {
      actor: change.actor,
      action: 'security.ip_unblock',
      target: { type: 'ip', id: block.ip },
      ip: change.meta?.ip,
      userAgent: change.meta?.userAgent,
      metadata: { blockId: block.id, source: block.source, reason: block.reason, expiresAt: block.expiresAt },
    });
    return { id: block.id, ip: block.ip, liftedAt: now };
  });
  forgetIpBlockSnapshot();
  return lifted;
}

/** The configured allowlist, shown read-only. */
export function ipAllowlist(): readonly string[] {
  return securityPolicy().signIn.ipAllowlist;
}
