import { createPublicKey, verify } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, importSPKI, jwtVerify } from 'jose';
import { beforeAll, expect, it } from 'vitest';
import { describeWithDatabase, uniqueEmail } from '../../../tests/helpers';
import { createLicenseFixture, freshIp, freshNonce, signedRequest, type LicenseFixture } from '../../../tests/licensing-fixtures';
import { getDb, type Db } from '../db';
import { blockIp } from '../security/ip-blocks';
import { handleLicenseApiRequest, type LicenseApiRequest, type LicenseApiResponse, type LicenseOperation } from './api';
import { invalidateLicensePolicy } from './license-cache';
import { sha256Hex } from './request-signature';
import { publicKeyDocument } from './signing';

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

async function call(operation: LicenseOperation, request: LicenseApiRequest) {
  const response = await handleLicenseApiRequest(db, operation, request);
  const rawNonce = request.header('x-licensor-nonce');
  return { ...response, json: JSON.parse(response.body) as Record<string, unknown>, rawNonce };
}

/** Section 3: what a panel checks on every answer. */
function expectSignedResponse(response: LicenseApiResponse, requestNonce: string | null) {
  const header = response.headers['X-Licensor-Response-Signature'];
  const timestamp = response.headers['X-Licensor-Timestamp'];
  expect(header).toMatch(/^ed25519=[A-Za-z0-9+/]{86}==$/);
  expect(timestamp).toMatch(/^[1-9][0-9]*$/);
  const message = `${requestNonce ?? ''}\n${timestamp}\n${sha256Hex(response.body)}`;
  const key = createPublicKey(publicKeyDocument().publicKeyPem);
  expect(verify(null, Buffer.from(message), key, Buffer.from(header!.slice('ed25519='.length), 'base64'))).toBe(true);
}

const validateBody = (fixture: LicenseFixture, extra: Record<string, unknown> = {}) => ({ licenseKey: fixture.licenseKey, fingerprint: 'machine-01', ...extra });

describeWithDatabase('POST /api/v1/licenses/validate', () => {
  it('activates a new machine on first use and answers VALID with a signed answer and an offline token', async () => {
    const fixture = await createLicenseFixture(db);
    const request = signedRequest('validate', validateBody(fixture, { feature: 'core', hostname: 'web-1', version: '1.2.3' }), fixture.signingSecret);
    const response = await call('validate', request);
    expect(response.status).toBe(200);
    expectSignedResponse(response, response.rawNonce);
    expect(response.json).toMatchObject({ valid: true, code: 'VALID', license: { id: fixture.licenseId, status: 'ACTIVE', features: ['core', 'reports'], maxMachines: 3, activeMachines: 1 } });

    const token = response.json.token as string;
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: publicKeyDocument().keyId });
    const { payload } = await jwtVerify(token, await importSPKI(publicKeyDocument().publicKeyPem, 'EdDSA'));
    expect(payload).toMatchObject({ sub: fixture.licenseId, fp: 'machine-01', features: ['core', 'reports'] });
    expect(payload.exp! - payload.iat!).toBe(7 * 24 * 60 * 60);
    expect(new Date(response.json.nextCheckAt as string).getTime() - payload.iat! * 1000).toBe(24 * 60 * 60 * 1000);

    const license = await db.license.findUniqueOrThrow({ where: { id: fixture.licenseId }, include: { machines: true, validations: true } });
    expect(license.machines.map((machine) => machine.fingerprint)).toEqual(['machine-01']);
    expect(license.validations).toHaveLength(1);
    expect(license.validations[0]).toMatchObject({ code: 'VALID', success: true, nonce: request.header('x-licensor-nonce'), fingerprint: 'machine-01', feature: 'core' });
    expect(license.validationCount).toBe(1);
    expect(license.lastValidationIp).toBe(request.ip);
  });

  it('normalises the key first: surrounding white space and lower case are accepted', async () => {
    const fixture = await createLicenseFixture(db);
    const response = await call('validate', signedRequest('validate', validateBody(fixture, { licenseKey: `\t \n${fixture.licenseKey.toLowerCase()}\r ` }), fixture.signingSecret));
    expect(response.json.code).toBe('VALID');
  });

  it('answers NOT_FOUND, without a license, for an unknown key and for a key whose check value fails', async () => {
    const fixture = await createLicenseFixture(db);
    const broken = fixture.licenseKey.slice(0, -1) + (fixture.licenseKey.endsWith('0') ? '1' : '0');
    for (const licenseKey of [broken, 'LK-00000-00000-00000-00000-00000']) {
      const response = await call('validate', signedRequest('validate', { licenseKey, fingerprint: 'm' }, fixture.signingSecret));
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ valid: false, code: 'NOT_FOUND', detail: expect.any(String) });
      expectSignedResponse(response, response.rawNonce);
    }
  });

  it.each([
    ['REVOKED', { status: 'REVOKED' }],
    ['SUSPENDED', { status: 'SUSPENDED' }],
    ['EXPIRED', { expiresAt: new Date(Date.now() - 1000) }],
    ['OVERDUE', { status: 'OVERDUE' }],
    ['FLAGGED', { suspicious: true, suspiciousReason: 'test' }],
  ] as const)('refuses a license in state %s with that code and status', async (code, change) => {
    const fixture = await createLicenseFixture(db);
    await db.license.update({ where: { id: fixture.licenseId }, data: change });
    invalidateLicensePolicy(fixture.licenseId);
    const response = await call('validate', signedRequest('validate', validateBody(fixture), fixture.signingSecret));
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ valid: false, code, license: { status: code === 'FLAGGED' ? 'ACTIVE' : code } });
    expect(response.json.token).toBeUndefined();
    expect(response.json.nextCheckAt).toBeUndefined();
  });

  it('checks the state rules in order: revoked wins over expired and flagged', async () => {
    const fixture = await createLicenseFixture(db);
    await db.license.update({ where: { id: fixture.licenseId }, data: { status: 'REVOKED', expiresAt: new Date(0), suspicious: true } });
    invalidateLicensePolicy(fixture.licenseId);
    const response = await call('validate', signedRequest('validate', validateBody(fixture), fixture.signingSecret));
    expect(response.json.code).toBe('REVOKED');
  });

  it('refuses an unknown machine without auto-activation, and a new machine once the seats are full', async () => {
    const manual = await createLicenseFixture(db, { autoActivate: false });
    const mismatch = await call('validate', signedRequest('validate', validateBody(manual), manual.signingSecret));
    expect(mismatch.json).toMatchObject({ valid: false, code: 'FINGERPRINT_MISMATCH', license: { activeMachines: 0 } });

    const oneSeat = await createLicenseFixture(db, { maxMachines: 1 });
    expect((await call('validate', signedRequest('validate', validateBody(oneSeat), oneSeat.signingSecret))).json.code).toBe('VALID');
    const second = await call('validate', signedRequest('validate', validateBody(oneSeat, { fingerprint: 'machine-02' }), oneSeat.signingSecret));
    expect(second.json).toMatchObject({ valid: false, code: 'TOO_MANY_MACHINES', license: { activeMachines: 1, maxMachines: 1 } });
  });

  it('refuses a feature outside the license, and a feature whose monthly quota is used up', async () => {
    const fixture = await createLicenseFixture(db, { features: ['core', 'api'], quotas: { api: 100 } });
    expect((await call('validate', signedRequest('validate', validateBody(fixture, { feature: 'reports' }), fixture.signingSecret))).json.code).toBe(
      'FEATURE_NOT_ENTITLED',
    );
    expect((await call('validate', signedRequest('validate', validateBody(fixture, { feature: 'api' }), fixture.signingSecret))).json.code).toBe('VALID');
    const now = new Date();
    await db.usageRecord.createMany({
      data: [
        { customerId: fixture.customerId, licenseId: fixture.licenseId, metric: 'api', quantity: 60, occurredAt: now, idempotencyKey: freshNonce() },
        // Last month's usage does not count.
        { customerId: fixture.customerId, licenseId: fixture.licenseId, metric: 'api', quantity: 500, occurredAt: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 0)), idempotencyKey: freshNonce() },
      ],
    });
    expect((await call('validate', signedRequest('validate', validateBody(fixture, { feature: 'api' }), fixture.signingSecret))).json.code).toBe('VALID');
    await db.usageRecord.create({ data: { customerId: fixture.customerId, licenseId: fixture.licenseId, metric: 'api', quantity: 40, occurredAt: now, idempotencyKey: freshNonce() } });
    expect((await call('validate', signedRequest('validate', validateBody(fixture, { feature: 'api' }), fixture.signingSecret))).json.code).toBe('QUOTA_EXCEEDED');
  });
});

describeWithDatabase('malformed and unauthenticated requests', () => {
  it.each<[string, (fixture: LicenseFixture) => LicenseApiRequest]>([
    ['a content type other than JSON', (f) => signedRequest('validate', validateBody(f), f.signingSecret, { headers: { 'content-type': 'text/plain' } })],
    ['a body that is not JSON', (f) => signedRequest('validate', null, f.signingSecret, { rawBody: '{"licenseKey":' })],
    ['an unknown field', (f) => signedRequest('validate', validateBody(f, { extra: 1 }), f.signingSecret)],
    ['a malformed key', (f) => signedRequest('validate', { licenseKey: 'LK-ILOU0-00000-00000-00000-00000', fingerprint: 'm' }, f.signingSecret)],
    ['a fingerprint over 128 characters', (f) => signedRequest('validate', validateBody(f, { fingerprint: 'x'.repeat(129) }), f.signingSecret)],
    ['a body over 16 KiB', (f) => signedRequest('validate', validateBody(f, { hostname: 'h'.repeat(17 * 1024) }), f.signingSecret)],
    ['a missing nonce', (f) => signedRequest('validate', validateBody(f), f.signingSecret, { headers: { 'x-licensor-nonce': null } })],
    ['an upper-case signature', (f) => {
      const request = signedRequest('validate', validateBody(f), f.signingSecret);
      const signature = request.header('x-licensor-signature')!.toUpperCase();
      return signedRequest('validate', validateBody(f), f.signingSecret, { headers: { 'x-licensor-signature': signature } });
    }],
    ['a timestamp with a leading zero', (f) => signedRequest('validate', validateBody(f), f.signingSecret, { headers: { 'x-licensor-timestamp': '0123' } })],
  ])('answers 400 BAD_REQUEST to %s and changes nothing', async (_case, build) => {
    const fixture = await createLicenseFixture(db);
    const response = await call('validate', build(fixture));
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'BAD_REQUEST', message: expect.any(String) });
    const license = await db.license.findUniqueOrThrow({ where: { id: fixture.licenseId }, include: { machines: true } });
    expect(license.machines).toHaveLength(0);
    expect(license.validationCount).toBe(0);
  });

  it('answers 401 BAD_SIGNATURE and STALE_TIMESTAMP without consuming the nonce, then accepts it', async () => {
    const fixture = await createLicenseFixture(db);
    const nonce = freshNonce();
    const badSignature = await call('validate', signedRequest('validate', validateBody(fixture), fixture.signingSecret, { nonce, signWith: 'A'.repeat(43) }));
    expect([badSignature.status, badSignature.json.error]).toEqual([401, 'BAD_SIGNATURE']);
    expectSignedResponse(badSignature, nonce);
    const stale = await call('validate', signedRequest('validate', validateBody(fixture), fixture.signingSecret, { nonce, timestamp: Math.floor(Date.now() / 1000) - 301 }));
    expect([stale.status, stale.json.error]).toEqual([401, 'STALE_TIMESTAMP']);
    const onTheEdge = await call('validate', signedRequest('validate', validateBody(fixture), fixture.signingSecret, { nonce, timestamp: Math.floor(Date.now() / 1000) + 299 }));
    expect(onTheEdge.json.code).toBe('VALID');
    const replay = await call('validate', signedRequest('validate', validateBody(fixture), fixture.signingSecret, { nonce }));
    expect([replay.status, replay.json.error]).toEqual([401, 'REPLAYED_NONCE']);
    const license = await db.license.findUniqueOrThrow({ where: { id: fixture.licenseId } });
    expect(license.validationCount).toBe(4);
    expect(license.failedValidationCount).toBe(3);
  });

  it('checks the signature before the timestamp, and both before the nonce', async () => {
    const fixture = await createLicenseFixture(db);
    const nonce = freshNonce();
    await call('validate', signedRequest('validate', validateBody(fixture), fixture.signingSecret, { nonce }));
    const staleReplay = await call('validate', signedRequest('validate', validateBody(fixture), fixture.signingSecret, { nonce, timestamp: 1_600_000_000 }));
    expect(staleReplay.json.error).toBe('STALE_TIMESTAMP');
    const forgedStale = await call('validate', signedRequest('validate', validateBody(fixture), fixture.signingSecret, { nonce, timestamp: 1_600_000_000, signWith: 'B'.repeat(43) }));
    expect(forgedStale.json.error).toBe('BAD_SIGNATURE');
  });

  it('accepts one of twenty concurrent copies of the same signed request', async () => {
    const fixture = await createLicenseFixture(db);
    const request = signedRequest('validate', validateBody(fixture), fixture.signingSecret);
    const responses = await Promise.all(Array.from({ length: 20 }, () => call('validate', request)));
    expect(responses.filter((response) => response.json.code === 'VALID')).toHaveLength(1);
    expect(responses.filter((response) => response.json.error === 'REPLAYED_NONCE')).toHaveLength(19);
  });

  it('answers 403 IP_BLOCKED to a blocked address before looking at the key', async () => {
    const fixture = await createLicenseFixture(db);
    const ip = freshIp();
    await blockIp(db, { ip, reason: 'test', source: 'MANUAL', durationSeconds: 600 }, { type: 'system' });
    const response = await call('validate', signedRequest('validate', { licenseKey: 'LK-00000-00000-00000-00000-00000', fingerprint: 'm' }, fixture.signingSecret, { ip }));
    expect([response.status, response.json.error]).toEqual([403, 'IP_BLOCKED']);
  });
});

describeWithDatabase('rate limits', () => {
  it('answers 429 with Retry-After and RateLimit headers past 100 validations a minute of one license', async () => {
    const fixture = await createLicenseFixture(db);
    const responses = [];
    for (let i = 0; i < 101; i += 1) responses.push(await call('validate', signedRequest('validate', validateBody(fixture), fixture.signingSecret)));
    expect(responses.slice(0, 100).every((response) => response.json.code === 'VALID')).toBe(true);
    const limited = responses[100]!;
    expect([limited.status, limited.json.error]).toEqual([429, 'RATE_LIMITED']);
    for (const name of ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']) expect(limited.headers[name]).toMatch(/^\d+$/);
    expect(limited.headers['RateLimit-Limit']).toBe('100');
    expectSignedResponse(limited, limited.rawNonce);
  });
});

describeWithDatabase('POST /api/v1/licenses/activate and deactivate', () => {
  it('activates (201), answers ALREADY_ACTIVE (200), frees the seat, and refuses an unknown machine (404)', async () => {
    const fixture = await createLicenseFixture(db);
    const body = { licenseKey: fixture.licenseKey, fingerprint: 'panel-7', hostname: 'panel.example', platform: 'linux' };
    const first = await call('activate', signedRequest('activate', body, fixture.signingSecret));
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ code: 'ACTIVATED', machine: { fingerprint: 'panel-7' }, license: { activeMachines: 1 } });
    expectSignedResponse(first, first.rawNonce);
    const again = await call('activate', signedRequest('activate', body, fixture.signingSecret));
    expect([again.status, again.json.code]).toEqual([200, 'ALREADY_ACTIVE']);

    const off = await call('deactivate', signedRequest('deactivate', { licenseKey: fixture.licenseKey, fingerprint: 'panel-7' }, fixture.signingSecret));
    expect(off.status).toBe(200);
    expect(off.json).toMatchObject({ deactivated: true, machine: { fingerprint: 'panel-7', deactivatedAt: expect.any(String) } });
    const missing = await call('deactivate', signedRequest('deactivate', { licenseKey: fixture.licenseKey, fingerprint: 'panel-7' }, fixture.signingSecret));
    expect([missing.status, missing.json.error]).toEqual([404, 'MACHINE_NOT_FOUND']);
    const unknown = await call('activate', signedRequest('activate', { licenseKey: 'LK-00000-00000-00000-00000-00000', fingerprint: 'x' }, fixture.signingSecret));
    expect([unknown.status, unknown.json.error]).toEqual([404, 'NOT_FOUND']);
  });

  it('refuses activation of a suspended license with 409, but lets a panel deactivate', async () => {
    const fixture = await createLicenseFixture(db);
    await call('activate', signedRequest('activate', { licenseKey: fixture.licenseKey, fingerprint: 'p1' }, fixture.signingSecret));
    await db.license.update({ where: { id: fixture.licenseId }, data: { status: 'SUSPENDED' } });
    invalidateLicensePolicy(fixture.licenseId);
    const refused = await call('activate', signedRequest('activate', { licenseKey: fixture.licenseKey, fingerprint: 'p2' }, fixture.signingSecret));
    expect([refused.status, refused.json.error]).toEqual([409, 'SUSPENDED']);
    const freed = await call('deactivate', signedRequest('deactivate', { licenseKey: fixture.licenseKey, fingerprint: 'p1' }, fixture.signingSecret));
    expect(freed.status).toBe(200);
  });

  it('never exceeds the seats when twenty machines activate at once', async () => {
    const fixture = await createLicenseFixture(db, { maxMachines: 3 });
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call('activate', signedRequest('activate', { licenseKey: fixture.licenseKey, fingerprint: `racer-${i}` }, fixture.signingSecret))),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(3);
    expect(responses.filter((response) => response.json.error === 'TOO_MANY_MACHINES')).toHaveLength(7);
    // Past the seats, the activate limit (10 an hour per license) answers the rest.
    expect(responses.filter((response) => response.json.error === 'RATE_LIMITED')).toHaveLength(10);
    expect(await db.machine.count({ where: { licenseId: fixture.licenseId, deactivatedAt: null } })).toBe(3);
  });
});

describeWithDatabase('offline token claims', () => {
  it('uses the license expiry when it comes before the grace period ends', async () => {
    const dbClient = await getDb();
    const fixture = await createLicenseFixture(dbClient, { durationDays: 2 });
    const response = await handleLicenseApiRequest(dbClient, 'validate', signedRequest('validate', { licenseKey: fixture.licenseKey, fingerprint: uniqueEmail('fp').slice(0, 40) }, fixture.signingSecret));
    const body = JSON.parse(response.body) as { token: string; nextCheckAt: string };
    const claims = decodeJwt(body.token);
    const license = await dbClient.license.findUniqueOrThrow({ where: { id: fixture.licenseId } });
    expect(claims.exp).toBe(Math.floor(license.expiresAt!.getTime() / 1000));
    expect(claims.iss).toMatch(/^https?:\/\/[^/]+$/);
  });
});
