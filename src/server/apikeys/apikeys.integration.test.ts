import { beforeAll, expect, it, vi } from 'vitest';
import { describeWithDatabase, unique, uniqueEmail } from '../../../tests/helpers';
import { createLicenseFixture } from '../../../tests/licensing-fixtures';
import { getDb, type Db } from '../db';
import { createCustomer } from '../licensing';
import { reportUsage } from '../usage';
import { apiKeyRequestsPerDay, authenticateApiKey, createApiKey, flushApiKeyUsage, listApiKeys, revokeApiKey, rotateApiKey } from '.';

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

const actor = { type: 'system' as const, label: 'test' };

async function customerKey(options: Partial<Parameters<typeof createApiKey>[1]> = {}, now = new Date()) {
  const customer = await createCustomer(db, { name: unique('Org'), email: uniqueEmail('org') }, actor);
  const { apiKey, key } = await createApiKey(
    db,
    { name: 'CI', scopes: ['usage:write', 'licenses:read'], expiresInDays: '30', owner: { customerId: customer.id }, createdById: null, ...options },
    actor,
    {},
    now,
  );
  return { customerId: customer.id, apiKeyId: apiKey.id, key };
}

const authenticate = (rawKey: string, extra: Partial<Parameters<typeof authenticateApiKey>[1]> = {}) =>
  authenticateApiKey(db, { rawKey, ip: '203.0.113.10', origin: null, requiredScope: 'usage:write', ...extra });

describeWithDatabase('API key authentication', () => {
  it('accepts a valid key, stores only the SHA-256 of its secret, and shows the key once', async () => {
    const { key, apiKeyId } = await customerKey();
    expect(key).toMatch(/^lk_[0-9A-Za-z]{12}_[A-Za-z0-9_-]{43}$/);
    const stored = await db.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } });
    expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(key.split('_').slice(2).join('_'));
    expect(await authenticate(key)).toMatchObject({ ok: true, key: { id: apiKeyId } });
  });

  it('refuses a malformed key with 401 before any query', async () => {
    const spy = vi.spyOn(db.apiKey, 'findUnique');
    for (const raw of ['', 'lk_short_secret', 'Bearer lk_x', `lk_${'a'.repeat(12)}_${'b'.repeat(42)}`]) {
      expect(await authenticate(raw)).toMatchObject({ ok: false, status: 401, error: 'UNAUTHORIZED' });
    }
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
  });

  it('refuses a wrong secret, an expired key and a revoked key with 401', async () => {
    const { key, apiKeyId, customerId } = await customerKey();
    const wrongSecret = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect(await authenticate(wrongSecret)).toMatchObject({ ok: false, status: 401 });
    expect(await authenticate(key, { now: new Date(Date.now() + 31 * 24 * 60 * 60 * 1000) })).toMatchObject({ ok: false, status: 401 });
    await revokeApiKey(db, { apiKeyId, scope: { customerId } }, actor);
    expect(await authenticate(key)).toMatchObject({ ok: false, status: 401 });
  });

  it('keeps a rotated key working until the grace ends, and the new one from the start', async () => {
    const { key: oldKey, apiKeyId, customerId } = await customerKey();
    const { key: newKey } = await rotateApiKey(db, { apiKeyId, grace: '1h', scope: { customerId }, createdById: null }, actor);
    expect((await authenticate(oldKey)).ok).toBe(true);
    expect((await authenticate(newKey)).ok).toBe(true);
    const afterGrace = new Date(Date.now() + 61 * 60 * 1000);
    expect(await authenticate(oldKey, { now: afterGrace })).toMatchObject({ ok: false, status: 401 });
    expect((await authenticate(newKey, { now: afterGrace })).ok).toBe(true);
    const listed = await listApiKeys(db, { customerId });
    expect(listed.items.map((item) => item.status).sort()).toEqual(['active', 'rotating']);
  });

  it('refuses with 403 a missing scope, an address outside the allowlist (IPv4 and IPv6), and an origin not allowed', async () => {
    const { key } = await customerKey({ scopes: ['licenses:read'] });
    expect(await authenticate(key)).toMatchObject({ ok: false, status: 403, error: 'FORBIDDEN' });

    const restricted = await customerKey({ ipAllowlist: ['198.51.100.0/24', '2001:db8:ab::/48'], allowedOrigins: ['https://panel.example.com'] });
    expect((await authenticate(restricted.key, { ip: '198.51.100.77' })).ok).toBe(true);
    expect((await authenticate(restricted.key, { ip: '2001:db8:ab:1::5' })).ok).toBe(true);
    expect(await authenticate(restricted.key, { ip: '198.51.101.1' })).toMatchObject({ status: 403 });
    expect(await authenticate(restricted.key, { ip: '2001:db8:ac::1' })).toMatchObject({ status: 403 });
    expect((await authenticate(restricted.key, { ip: '198.51.100.77', origin: 'https://panel.example.com' })).ok).toBe(true);
    expect(await authenticate(restricted.key, { ip: '198.51.100.77', origin: 'https://evil.example' })).toMatchObject({ status: 403 });
  });

  it('applies a key\'s own hourly limit with 429 and the limit headers', async () => {
    const { key } = await customerKey({ rateLimitPerHour: 2 });
    expect((await authenticate(key)).ok).toBe(true);
    expect((await authenticate(key)).ok).toBe(true);
    const limited = await authenticate(key);
    expect(limited).toMatchObject({ ok: false, status: 429, error: 'RATE_LIMITED' });
    expect(limited.ok === false && limited.rateLimit?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('counts use per day for the chart and records where a key was last used', async () => {
    const { key, apiKeyId, customerId } = await customerKey();
    await authenticate(key, { ip: '192.0.2.44' });
    await authenticate(key, { ip: '192.0.2.44' });
    await flushApiKeyUsage(db);
    const days = await apiKeyRequestsPerDay(db, { apiKeyId, scope: { customerId } });
    expect(days).toHaveLength(30);
    expect(days.at(-1)).toEqual({ day: new Date().toISOString().slice(0, 10), requests: 2 });
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: apiKeyId } })).toMatchObject({ lastUsedIp: '192.0.2.44' });
  });

  it('allows at most 20 live keys per customer', async () => {
    const { customerId } = await customerKey();
    for (let i = 1; i < 20; i += 1) await createApiKey(db, { name: `k${i}`, scopes: ['usage:write'], expiresInDays: 'never', owner: { customerId }, createdById: null }, actor);
    await expect(createApiKey(db, { name: 'k21', scopes: ['usage:write'], expiresInDays: 'never', owner: { customerId }, createdById: null }, actor)).rejects.toMatchObject({ code: 'LIMIT_REACHED' });
  });
});

describeWithDatabase('usage reports', () => {
  async function keyFor(customerId: string) {
    const { apiKey, key } = await createApiKey(db, { name: 'usage', scopes: ['usage:write'], expiresInDays: '30', owner: { customerId }, createdById: null }, actor);
    const auth = await authenticate(key);
    if (!auth.ok) throw new Error('key should authenticate');
    return { apiKey, auth: auth.key };
  }

  it('counts twenty concurrent reports with one idempotency key once', async () => {
    const fixture = await createLicenseFixture(db);
    const { auth } = await keyFor(fixture.customerId);
    const json = { licenseKey: fixture.licenseKey.toLowerCase(), metric: 'api', quantity: 7, idempotencyKey: unique('report') };
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => reportUsage(db, { apiKey: auth, json })));
    expect(outcomes.filter((outcome) => outcome.status === 202 && !outcome.body.duplicate)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 202 && outcome.body.duplicate)).toHaveLength(19);
    expect(await db.usageRecord.aggregate({ where: { licenseId: fixture.licenseId }, _sum: { quantity: true } })).toMatchObject({ _sum: { quantity: 7 } });
  });

  it('refuses malformed reports, another customer\'s license, and more than 60 reports an hour', async () => {
    const mine = await createLicenseFixture(db);
    const theirs = await createLicenseFixture(db);
    const { auth } = await keyFor(mine.customerId);
    for (const json of [
      { metric: 'API', quantity: 1, idempotencyKey: 'a' },
      { metric: 'api', quantity: 1.5, idempotencyKey: 'b' },
      { metric: 'api', quantity: 0, idempotencyKey: 'c' },
      { metric: 'api', quantity: 1, idempotencyKey: 'd', extra: true },
      { metric: 'api', quantity: 1, idempotencyKey: 'e', occurredAt: new Date(Date.now() + 600_000).toISOString() },
      { metric: 'api', quantity: 1, idempotencyKey: 'f', occurredAt: new Date(Date.now() - 36 * 86_400_000).toISOString() },
    ]) {
      expect((await reportUsage(db, { apiKey: auth, json })).status).toBe(400);
    }
    expect((await reportUsage(db, { apiKey: auth, json: { metric: 'api', quantity: 2.0, idempotencyKey: unique('ok') } })).status).toBe(202);
    expect((await reportUsage(db, { apiKey: auth, json: { licenseKey: theirs.licenseKey, metric: 'api', quantity: 1, idempotencyKey: unique('x') } })).status).toBe(403);
    expect((await reportUsage(db, { apiKey: auth, json: { licenseKey: 'LK-00000-00000-00000-00000-00000', metric: 'api', quantity: 1, idempotencyKey: unique('y') } })).status).toBe(403);
    let limited = null;
    for (let i = 0; i < 70 && !limited; i += 1) {
      const outcome = await reportUsage(db, { apiKey: auth, json: { metric: 'api', quantity: 1, idempotencyKey: unique('burst') } });
      if (outcome.status === 429) limited = outcome;
    }
    expect(limited?.rateLimit.retryAfterSeconds).toBeGreaterThan(0);
  });
});
