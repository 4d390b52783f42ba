import { expect, it } from 'vitest';
import { describeWithDatabase, unique, uniqueEmail } from '../../../tests/helpers';
import { createSession, createUser, getLiveSession } from '../auth';
import { STEP_UP_REQUIRED } from '../auth/password-reset';
import { getDb, type Db } from '../db';
import { authenticateApiKey, flushApiKeyUsage } from '../apikeys';
import { createCaller } from './root';

const meta = { ip: '192.0.2.1', userAgent: 'vitest', requestId: 'api-keys' };

/** A customer user's caller (in a new organisation, or `customerId`'s), or an admin's with MFA on. */
async function signedInCaller(db: Db, role: 'CUSTOMER' | 'ADMIN', options: { customerId?: string; mfaVerifiedAt?: Date | null } = {}) {
  const customerId = role === 'CUSTOMER' ? (options.customerId ?? (await db.customer.create({ data: { name: unique('Org'), email: uniqueEmail('org') } })).id) : undefined;
  const user = await createUser(db, { email: uniqueEmail(role.toLowerCase()), name: role, role, password: 'Correct-Horse-Battery-9', customerId }, { type: 'system' });
  if (role === 'ADMIN') await db.mfaSecret.create({ data: { userId: user.id, encryptedSecret: 'unused', confirmedAt: new Date() } });
  const session = await createSession(db, { userId: user.id, ip: meta.ip, userAgent: 'vitest', mfaVerifiedAt: options.mfaVerifiedAt ?? null });
  const live = await getLiveSession(db, session.id);
  if (!live) throw new Error('session should be live');
  return { caller: createCaller({ db, session: live, meta }), userId: user.id, customerId: customerId ?? null };
}

const newKey = { name: 'CI', scopes: ['usage:write' as const], expiresInDays: '90' as const };

const authenticate = (db: Db, rawKey: string) => authenticateApiKey(db, { rawKey, ip: '203.0.113.9', origin: null, requiredScope: null });

describeWithDatabase('apiKeys router', () => {
  it('creates, lists, rotates with a grace and revokes a customer key, each audited in the user\'s name', async () => {
    const db = await getDb();
    const { caller, userId } = await signedInCaller(db, 'CUSTOMER');

    const created = await caller.apiKeys.create({ ...newKey, ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'], allowedOrigins: ['https://panel.example.com'], rateLimitPerHour: 500 });
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
    const listed = await caller.apiKeys.list({});
    expect(listed.items).toEqual([
      expect.objectContaining({ id: created.apiKeyId, prefix: created.prefix, status: 'active', ipAllowlist: ['203.0.113.0/24', '2001:db8::/32'], rateLimitPerHour: 500 }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(created.key.slice(-43));

    const rotated = await caller.apiKeys.rotate({ apiKeyId: created.apiKeyId, grace: '1h' });
    expect(rotated.oldKeyWorksUntil.getTime()).toBeGreaterThan(Date.now() + 59 * 60 * 1000);
    expect((await authenticate(db, created.key)).ok).toBe(true);
    expect((await authenticate(db, rotated.key)).ok).toBe(true);

    await caller.apiKeys.revoke({ apiKeyId: created.apiKeyId });
    expect(await authenticate(db, created.key)).toMatchObject({ ok: false, status: 401 });
    await expect(caller.apiKeys.revoke({ apiKeyId: created.apiKeyId })).rejects.toMatchObject({ code: 'CONFLICT' });

    const statuses = (await caller.apiKeys.list({})).items.map((key) => [key.prefix, key.status]);
    expect(statuses).toEqual([
      [rotated.prefix, 'active'],
      [created.prefix, 'revoked'],
    ]);
    const actions = await db.auditEvent.findMany({ where: { actorId: userId }, orderBy: { sequence: 'asc' }, select: { action: true } });
    expect(actions.map((event) => event.action)).toEqual(['api_key.create', 'api_key.rotate', 'api_key.revoke']);
  });

  it('counts requests per day for the key chart', async () => {
    const db = await getDb();
    const { caller } = await signedInCaller(db, 'CUSTOMER');
    const created = await caller.apiKeys.create(newKey);
    for (let request = 0; request < 3; request += 1) expect((await authenticate(db, created.key)).ok).toBe(true);
    const days = await caller.apiKeys.requestsPerDay({ apiKeyId: created.apiKeyId });
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), requests: 3 });
    await flushApiKeyUsage(db);
    expect((await caller.apiKeys.list({})).items[0]).toMatchObject({ lastUsedIp: '203.0.113.9' });
  });

  it("answers NOT_FOUND for another organisation's key through every procedure that takes a key id", async () => {
    const db = await getDb();
    const owner = await signedInCaller(db, 'CUSTOMER');
    const other = await signedInCaller(db, 'CUSTOMER');
    const { apiKeyId, key } = await owner.caller.apiKeys.create(newKey);

    await expect(other.caller.apiKeys.rotate({ apiKeyId, grace: 'now' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(other.caller.apiKeys.revoke({ apiKeyId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(other.caller.apiKeys.requestsPerDay({ apiKeyId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await other.caller.apiKeys.list({})).items).toEqual([]);
    expect((await authenticate(db, key)).ok).toBe(true);
  });

  it('refuses customer keys with the admin scope, and the 11th key created by one user within the hour', async () => {
    const db = await getDb();
    const { caller, customerId } = await signedInCaller(db, 'CUSTOMER');
    for (let created = 0; created < 10; created += 1) await caller.apiKeys.create(newKey);
    await expect(caller.apiKeys.create(newKey)).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/^You have created 10 API keys in the last hour\. Try again in \d+ minutes?\.$/) });
    // Another user of the same organisation has a limit of their own.
    const colleague = await signedInCaller(db, 'CUSTOMER', { customerId: customerId! });
    await expect(colleague.caller.apiKeys.create({ ...newKey, scopes: ['admin'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(colleague.caller.apiKeys.create(newKey)).resolves.toMatchObject({ name: 'CI' });
  });

  it('creates and rotates admin keys only after a recent step-up; revokes them without one', async () => {
    const db = await getDb();
    const stale = await signedInCaller(db, 'ADMIN', { mfaVerifiedAt: new Date(Date.now() - 11 * 60 * 1000) });
    await expect(stale.caller.apiKeys.createAdminKey({ name: 'ops', expiresInDays: '30' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: STEP_UP_REQUIRED });

    const fresh = await signedInCaller(db, 'ADMIN', { mfaVerifiedAt: new Date() });
    const created = await fresh.caller.apiKeys.createAdminKey({ name: 'ops', expiresInDays: '30' });
    expect(await authenticate(db, created.key)).toMatchObject({ ok: true, key: { customerId: null, scopes: ['admin'] } });
    await expect(stale.caller.apiKeys.rotateAdminKey({ apiKeyId: created.apiKeyId, grace: 'now' })).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    const rotated = await fresh.caller.apiKeys.rotateAdminKey({ apiKeyId: created.apiKeyId, grace: 'now' });
    expect(await authenticate(db, created.key)).toMatchObject({ ok: false, status: 401 });

    await stale.caller.apiKeys.revokeAdminKey({ apiKeyId: rotated.apiKeyId });
    expect(await authenticate(db, rotated.key)).toMatchObject({ ok: false, status: 401 });
    const adminKeys = await stale.caller.apiKeys.listAdminKeys({});
    expect(adminKeys.items.find((key) => key.id === rotated.apiKeyId)).toMatchObject({ status: 'revoked', customer: null });
  });

  it("lists every customer's keys (never an admin key) and revokes one in an emergency with the reason audited", async () => {
    const db = await getDb();
    const customer = await signedInCaller(db, 'CUSTOMER');
    const { apiKeyId, key } = await customer.caller.apiKeys.create(newKey);
    const admin = await signedInCaller(db, 'ADMIN', { mfaVerifiedAt: new Date() });
    const adminKey = await admin.caller.apiKeys.createAdminKey({ name: 'ops', expiresInDays: 'never' });

    const all = await admin.caller.apiKeys.listAllKeys({ limit: 100 });
    expect(all.items.map((item) => item.id)).toContain(apiKeyId);
    expect(all.items.every((item) => item.customer !== null)).toBe(true);
    const filtered = await admin.caller.apiKeys.listAllKeys({ customerId: customer.customerId! });
    expect(filtered.items).toEqual([expect.objectContaining({ id: apiKeyId, customer: { id: customer.customerId, name: expect.any(String) } })]);
    await expect(admin.caller.apiKeys.emergencyRevoke({ apiKeyId: adminKey.apiKeyId, reason: 'wrong list' })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await admin.caller.apiKeys.emergencyRevoke({ apiKeyId, reason: 'Key posted in a public repository' });
    expect(await authenticate(db, key)).toMatchObject({ ok: false, status: 401 });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: 'api_key.revoke', targetId: apiKeyId } });
    expect(event).toMatchObject({ actorId: admin.userId, customerId: customer.customerId });
    expect(event.metadata).toMatchObject({ reason: 'Key posted in a public repository' });
  });
});
