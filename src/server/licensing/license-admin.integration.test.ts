import { beforeAll, expect, it } from 'vitest';
import { describeWithDatabase, unique, uniqueEmail } from '../../../tests/helpers';
import { createLicenseFixture, signedRequest } from '../../../tests/licensing-fixtures';
import { verifyAuditChain } from '../audit';
import { createUser } from '../auth';
import { getDb, type Db } from '../db';
import { handleLicenseApiRequest } from './api';
import { createCustomer } from './customers';
import {
  clearLicenseFlag,
  deactivateLicenseMachine,
  extendLicenseExpiry,
  getLicenseDetail,
  issueLicenseAsReseller,
  listLicenses,
  listLicenseValidations,
  reinstateLicense,
  resetLicenseMachines,
  revokeLicense,
  rotateLicenseSigningSecret,
  suspendLicense,
  updateLicenseEntitlements,
} from './license-admin';

let db: Db;
beforeAll(async () => {
  db = await getDb();
});

const admin = { actor: { type: 'user' as const, id: 'admin-id', label: 'admin@example.test' } };

async function validateCode(licenseKey: string, secret: string, fingerprint = 'machine-01') {
  const response = await handleLicenseApiRequest(db, 'validate', signedRequest('validate', { licenseKey, fingerprint }, secret));
  const body = JSON.parse(response.body) as { code?: string; error?: string };
  return body.code ?? body.error;
}

describeWithDatabase('license administration', () => {
  it('suspends, reinstates and revokes, and the API sees each change at once', async () => {
    const fixture = await createLicenseFixture(db);
    expect(await validateCode(fixture.licenseKey, fixture.signingSecret)).toBe('VALID');
    await suspendLicense(db, { licenseId: fixture.licenseId, reason: 'unpaid invoice' }, admin);
    expect(await validateCode(fixture.licenseKey, fixture.signingSecret)).toBe('SUSPENDED');
    await expect(suspendLicense(db, { licenseId: fixture.licenseId, reason: 'again' }, admin)).rejects.toMatchObject({ code: 'CONFLICT' });
    await reinstateLicense(db, { licenseId: fixture.licenseId }, admin);
    expect(await validateCode(fixture.licenseKey, fixture.signingSecret)).toBe('VALID');
    await revokeLicense(db, { licenseId: fixture.licenseId, reason: 'chargeback' }, admin);
    expect(await validateCode(fixture.licenseKey, fixture.signingSecret)).toBe('REVOKED');
    await expect(reinstateLicense(db, { licenseId: fixture.licenseId }, admin)).rejects.toMatchObject({ code: 'CONFLICT' });
    const actions = await db.auditEvent.findMany({ where: { targetId: fixture.licenseId }, orderBy: { sequence: 'asc' }, select: { action: true } });
    expect(actions.map((event) => event.action)).toEqual(['license.issue', 'license.suspend', 'license.reinstate', 'license.revoke']);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('extends an expired license back to life and changes its entitlements', async () => {
    const fixture = await createLicenseFixture(db);
    await db.license.update({ where: { id: fixture.licenseId }, data: { status: 'EXPIRED', expiresAt: new Date(Date.now() - 1000) } });
    await expect(extendLicenseExpiry(db, { licenseId: fixture.licenseId, expiresAt: new Date(Date.now() - 1) }, admin)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await extendLicenseExpiry(db, { licenseId: fixture.licenseId, expiresAt: new Date(Date.now() + 86_400_000) }, admin);
    expect(await validateCode(fixture.licenseKey, fixture.signingSecret)).toBe('VALID');

    await expect(updateLicenseEntitlements(db, { licenseId: fixture.licenseId, maxMachines: 0, features: ['core'], quotas: {} }, admin)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(updateLicenseEntitlements(db, { licenseId: fixture.licenseId, maxMachines: 2, features: ['core'], quotas: { api: 5 } }, admin)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await updateLicenseEntitlements(db, { licenseId: fixture.licenseId, maxMachines: 1, features: ['core', 'api'], quotas: { api: 5 } }, admin);
    expect(await validateCode(fixture.licenseKey, fixture.signingSecret, 'machine-02')).toBe('TOO_MANY_MACHINES');
    const detail = await getLicenseDetail(db, fixture.licenseId);
    expect(detail).toMatchObject({ maxMachines: 1, features: ['core', 'api'], quotas: { api: 5 } });
    expect(detail.maskedKey.endsWith(fixture.licenseKey.slice(-4))).toBe(true);
    expect(detail.maskedKey).not.toContain(fixture.licenseKey.slice(3, 8));
  });

  it('frees seats one at a time or all at once', async () => {
    const fixture = await createLicenseFixture(db, { maxMachines: 2 });
    await validateCode(fixture.licenseKey, fixture.signingSecret, 'a');
    await validateCode(fixture.licenseKey, fixture.signingSecret, 'b');
    expect(await validateCode(fixture.licenseKey, fixture.signingSecret, 'c')).toBe('TOO_MANY_MACHINES');
    const machine = await db.machine.findFirstOrThrow({ where: { licenseId: fixture.licenseId, fingerprint: 'a' } });
    await deactivateLicenseMachine(db, { licenseId: fixture.licenseId, machineId: machine.id }, admin);
    expect(await validateCode(fixture.licenseKey, fixture.signingSecret, 'c')).toBe('VALID');
    expect(await resetLicenseMachines(db, { licenseId: fixture.licenseId }, admin)).toEqual({ machinesDeactivated: 2 });
    expect(await db.machine.count({ where: { licenseId: fixture.licenseId, deactivatedAt: null } })).toBe(0);
  });

  it('rotates the signing secret: the old one fails at once, the new one works', async () => {
    const fixture = await createLicenseFixture(db);
    const { signingSecret } = await rotateLicenseSigningSecret(db, { licenseId: fixture.licenseId }, admin);
    expect(signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await validateCode(fixture.licenseKey, fixture.signingSecret)).toBe('BAD_SIGNATURE');
    expect(await validateCode(fixture.licenseKey, signingSecret)).toBe('VALID');
    const audit = await db.auditEvent.findFirstOrThrow({ where: { targetId: fixture.licenseId, action: 'license.rotate_secret' } });
    expect(JSON.stringify(audit.metadata)).not.toContain(signingSecret);
  });

  it('clears a flag after review', async () => {
    const fixture = await createLicenseFixture(db);
    await db.license.update({ where: { id: fixture.licenseId }, data: { suspicious: true, suspiciousReason: 'many IPs' } });
    await clearLicenseFlag(db, { licenseId: fixture.licenseId, note: 'office NAT change' }, admin);
    expect(await validateCode(fixture.licenseKey, fixture.signingSecret)).toBe('VALID');
  });

  it('keeps customers to their own licenses', async () => {
    const mine = await createLicenseFixture(db);
    const theirs = await createLicenseFixture(db);
    const scope = { customerId: mine.customerId };
    await expect(getLicenseDetail(db, theirs.licenseId, scope)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(listLicenseValidations(db, theirs.licenseId, {}, scope)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rotateLicenseSigningSecret(db, { licenseId: theirs.licenseId }, admin, scope)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const page = await listLicenses(db, {}, scope);
    expect(page.items.map((license) => license.id)).toEqual([mine.licenseId]);
  });

  it('finds licenses by the last four characters of the key and by customer name, a page at a time', async () => {
    const fixture = await createLicenseFixture(db);
    const byKey = await listLicenses(db, { search: fixture.licenseKey.slice(-4) });
    expect(byKey.items.some((license) => license.id === fixture.licenseId)).toBe(true);
    const customer = await db.customer.findUniqueOrThrow({ where: { id: fixture.customerId } });
    const byName = await listLicenses(db, { search: customer.name.toLowerCase(), limit: 1 });
    expect(byName.items.map((license) => license.id)).toEqual([fixture.licenseId]);
    const first = await listLicenses(db, { limit: 2 });
    const second = await listLicenses(db, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((license) => license.id)).not.toContain(first.items[0]!.id);
  });

  it('lets a reseller issue to its own customers only, within its hourly quota', async () => {
    const reseller = await createUser(db, { email: uniqueEmail('reseller'), name: 'Reseller', role: 'RESELLER', password: 'Correct-Horse-Battery-9' }, { type: 'system' });
    await db.user.update({ where: { id: reseller.id }, data: { resellerHourlyQuota: 2 } });
    const fixture = await createLicenseFixture(db);
    const own = await createCustomer(db, { name: unique('Own'), email: uniqueEmail('own'), resellerId: reseller.id }, { type: 'system' });
    const context = { actor: { type: 'user' as const, id: reseller.id } };
    await expect(issueLicenseAsReseller(db, { resellerId: reseller.id, customerId: fixture.customerId, planId: fixture.planId }, context)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await issueLicenseAsReseller(db, { resellerId: reseller.id, customerId: own.id, planId: fixture.planId }, context);
    await expect(issueLicenseAsReseller(db, { resellerId: reseller.id, customerId: own.id, planId: fixture.planId }, context)).rejects.toMatchObject({ code: 'LIMIT_REACHED' });
    expect(await db.license.count({ where: { issuedById: reseller.id } })).toBe(1);
  });
});
