import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithDatabase, uniqueEmail } from '../../../tests/helpers';
import { createUser } from '../auth';
import { disconnectDb, getDb, type Db } from '../db';
import { isIpBlockedForApi } from './ip-block-cache';
import { blockIpManually, ipAllowlist, liftIpBlock, listIpBlocks } from './ip-block-admin';

// The allowlist is configuration: read when the policy is first consulted in this file's process.
vi.stubEnv('SECURITY_IP_ALLOWLIST', '192.0.2.0/28,2001:db8:ffff::/48');

let sequence = 0;
/** A fresh documentation-range address per test, so blocks never collide with other tests. */
const freshIp = () => `198.18.${process.pid % 250}.${(sequence += 1)}`;

describeWithDatabase('IP blocks page', () => {
  let db: Db;
  let change: { actor: { type: 'user'; id: string; label: string }; meta: { ip: string; userAgent: string } };

  beforeAll(async () => {
    db = await getDb();
    const admin = await createUser(db, { email: uniqueEmail('admin'), name: 'Admin', role: 'ADMIN', password: 'Correct-Horse-Battery-9' }, { type: 'system' });
    change = { actor: { type: 'user', id: admin.id, label: admin.email }, meta: { ip: '192.0.2.200', userAgent: 'vitest' } };
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await disconnectDb();
  });

  it('blocks an address for a while (canonical form, audited, at once for the API), and unblocks it', async () => {
    const ip = freshIp();
    const block = await blockIpManually(db, { ip: `::ffff:${ip}`, durationMinutes: 60, reason: 'credential stuffing' }, change);
    expect(block).toMatchObject({ ip, source: 'MANUAL', createdById: change.actor.id, reason: 'credential stuffing' });
    expect(block.expiresAt.getTime() - block.createdAt.getTime()).toBe(60 * 60 * 1000);
    expect(await isIpBlockedForApi(db, ip)).toBe(true);
    await expect(blockIpManually(db, { ip, durationMinutes: 15, reason: 'again' }, change)).rejects.toMatchObject({ code: 'CONFLICT' });

    const active = await listIpBlocks(db, { state: 'active', limit: 100 });
    expect(active.items.find((item) => item.id === block.id)).toMatchObject({ createdBy: change.actor.label, liftedAt: null });

    const lifted = await liftIpBlock(db, { blockId: block.id }, change);
    expect(lifted).toMatchObject({ id: block.id, ip });
    expect(await isIpBlockedForApi(db, ip)).toBe(false);
    expect(await db.ipBlock.findUniqueOrThrow({ where: { id: block.id } })).toMatchObject({ liftedById: change.actor.id });
    await expect(liftIpBlock(db, { blockId: block.id }, change)).rejects.toMatchObject({ code: 'CONFLICT' });
    const ended = await listIpBlocks(db, { state: 'ended', limit: 100 });
    expect(ended.items.find((item) => item.id === block.id)).toMatchObject({ liftedBy: change.actor.label });

    const audited = await db.auditEvent.findMany({ where: { targetType: 'ip', targetId: ip }, orderBy: { sequence: 'asc' } });
    expect(audited.map((event) => [event.action, event.actorId])).toEqual([
      ['security.ip_block', change.actor.id],
      ['security.ip_unblock', change.actor.id],
    ]);
    expect(audited[1]!.metadata).toMatchObject({ blockId: block.id, source: 'MANUAL', reason: 'credential stuffing' });
  });

  it('refuses what is not an address, and allowlisted addresses, which are shown read-only', async () => {
    await expect(blockIpManually(db, { ip: '203.0.113.0/24', durationMinutes: 15, reason: 'range' }, change)).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'ip' } });
    await expect(blockIpManually(db, { ip: '192.0.2.5', durationMinutes: 15, reason: 'office' }, change)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(blockIpManually(db, { ip: '2001:db8:ffff::1', durationMinutes: 15, reason: 'office' }, change)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(ipAllowlist()).toEqual(['192.0.2.0/28', '2001:db8:ffff::/48']);
    await expect(liftIpBlock(db, { blockId: '0195f0a0-0000-7000-8000-000000000000' }, change)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
