import { beforeAll, expect, it } from 'vitest';
import { describeWithDatabase, unique, uniqueEmail } from '../../../tests/helpers';
import { verifyAuditChain, type AuditActor } from '../audit';
import { createUser } from '../auth';
import { decryptSecret } from '../crypto/secretbox';
import { getDb, type Db } from '../db';
import { getEnv } from '../env';
import { AppError } from '../errors';
import { createCustomer, createPlan, createProduct, hasValidCheckValue, isWellFormedLicenseKey, issueLicense } from '.';

const DAY_MS = 24 * 60 * 60 * 1000;
const actor: AuditActor = { type: 'cli', label: 'issue.integration.test' };

async function expectAppError(promise: Promise<unknown>, code: AppError['code']) {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

describeWithDatabase('license issue and the catalogue', () => {
  let db: Db;
  let productId: string;
  let yearlyPlanId: string;
  let perpetualPlanId: string;
  let customerId: string;

  beforeAll(async () => {
    db = await getDb();
    const product = await createProduct(db, { name: 'Issue test', slug: unique('issue-test'), keyPrefix: 'tst' }, actor);
    productId = product.id;
    const yearly = await createPlan(
      db,
      { productId, name: 'Yearly', durationDays: 365, maxMachines: 3, features: ['core', 'api'], quotas: { api: 5000 } },
      actor,
    );
    yearlyPlanId = yearly.id;
    const perpetual = await createPlan(
      db,
      { productId, name: 'Perpetual', durationDays: null, maxMachines: null, features: ['core'], quotas: {} },
      actor,
    );
    perpetualPlanId = perpetual.id;
    customerId = (await createCustomer(db, { name: 'Issue Test Ltd', email: uniqueEmail('billing') }, actor)).id;
  });

  it('stores the key normalised, the signing secret encrypted and the plan policy copied', async () => {
    const before = Date.now();
    const issued = await issueLicense(db, { customerId, planId: yearlyPlanId, issuedVia: 'CLI' }, actor, {
      ip: '203.0.113.9',
      userAgent: 'vitest',
    });

    expect(issued.licenseKey).toMatch(/^TST-/);
    expect(isWellFormedLicenseKey(issued.licenseKey)).toBe(true);
    expect(hasValidCheckValue(issued.licenseKey, getEnv().secrets.LICENSE_KEY_CHECK_SECRET)).toBe(true);
    expect(issued.signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.license).not.toHaveProperty('encryptedSigningSecret');

    const stored = await db.license.findUniqueOrThrow({ where: { id: issued.license.id } });
    expect(stored.key).toBe(issued.licenseKey);
    expect(stored.keyLast4).toBe(issued.licenseKey.slice(-4));
    expect(stored.encryptedSigningSecret).not.toContain(issued.signingSecret);
    expect(decryptSecret(stored.encryptedSigningSecret)).toBe(issued.signingSecret);
    expect(stored).toMatchObject({
      productId,
      planId: yearlyPlanId,
      customerId,
      status: 'ACTIVE',
      maxMachines: 3,
      features: ['core', 'api'],
      quotas: { api: 5000 },
      issuedVia: 'CLI',
      issuedById: null,
      validationCount: 0,
      suspicious: false,
    });
    const expiry = stored.expiresAt!.getTime();
    expect(expiry).toBeGreaterThanOrEqual(before + 365 * DAY_MS);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 365 * DAY_MS);
  });

  it('records license.issue with the last 4 characters only, in a chain that verifies', async () => {
    const issued = await issueLicense(db, { customerId, planId: yearlyPlanId, issuedVia: 'CLI' }, actor, { ip: '198.51.100.7' });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: 'license.issue', targetId: issued.license.id } });
    expect(event).toMatchObject({ actorType: 'cli', targetType: 'license', customerId, ip: '198.51.100.7' });
    expect(event.metadata).toMatchObject({ keyLast4: issued.license.keyLast4, planId: yearlyPlanId, issuedVia: 'CLI' });
    const stored = JSON.stringify({ ...event, sequence: event.sequence.toString() });
    expect(stored).not.toContain(issued.licenseKey);
    expect(stored).not.toContain(issued.licenseKey.slice(0, 20));
    expect(stored).not.toContain(issued.signingSecret);
    const chain = await verifyAuditChain(db);
    expect(chain).toMatchObject({ ok: true });
  });

  it('issues perpetual licenses on a plan without duration and honours an explicit expiry', async () => {
    const perpetual = await issueLicense(db, { customerId, planId: perpetualPlanId, issuedVia: 'ADMIN' }, actor);
    expect(perpetual.license.expiresAt).toBeNull();
    expect(perpetual.license.maxMachines).toBeNull();

    const expiresAt = new Date(Date.now() + 10 * DAY_MS);
    const overridden = await issueLicense(db, { customerId, planId: yearlyPlanId, expiresAt, issuedVia: 'ADMIN' }, actor);
    expect(overridden.license.expiresAt?.getTime()).toBe(expiresAt.getTime());
  });

  it("joins a caller's transaction, so the caller's rollback leaves no license and no audit event", async () => {
    let issuedId: string | undefined;
    const rollback = db.$transaction(async (tx) => {
      issuedId = (await issueLicense(tx, { customerId, planId: perpetualPlanId, issuedVia: 'SUBSCRIPTION' }, actor)).license.id;
      throw new Error('the caller rolls back');
    });
    await expect(rollback).rejects.toThrow('the caller rolls back');
    expect(issuedId).toBeDefined();
    expect(await db.license.findUnique({ where: { id: issuedId! } })).toBeNull();
    expect(await db.auditEvent.count({ where: { targetId: issuedId! } })).toBe(0);
  });

  it('gives every license its own key and secret', async () => {
    const issued = await Promise.all(
      Array.from({ length: 5 }, () => issueLicense(db, { customerId, planId: perpetualPlanId, issuedVia: 'ADMIN' }, actor)),
    );
    expect(new Set(issued.map((license) => license.licenseKey)).size).toBe(5);
    expect(new Set(issued.map((license) => license.signingSecret)).size).toBe(5);
  });

  it('refuses unknown plans and customers, archived plans and past expiries, writing nothing', async () => {
    const countBefore = await db.license.count({ where: { customerId } });
    const missing = '01900000-0000-7000-8000-000000000000';
    await expectAppError(issueLicense(db, { customerId, planId: missing, issuedVia: 'ADMIN' }, actor), 'NOT_FOUND');
    await expectAppError(issueLicense(db, { customerId: missing, planId: yearlyPlanId, issuedVia: 'ADMIN' }, actor), 'NOT_FOUND');
    const past = new Date(Date.now() - DAY_MS);
    const badExpiry = await expectAppError(
      issueLicense(db, { customerId, planId: yearlyPlanId, expiresAt: past, issuedVia: 'ADMIN' }, actor),
      'BAD_REQUEST',
    );
    expect(badExpiry.details?.field).toBe('expiresAt');

    const archived = await createPlan(db, { productId, name: unique('Archived'), durationDays: 30, maxMachines: 1, features: [] }, actor);
    await db.plan.update({ where: { id: archived.id }, data: { archivedAt: new Date() } });
    await expectAppError(issueLicense(db, { customerId, planId: archived.id, issuedVia: 'ADMIN' }, actor), 'CONFLICT');

    expect(await db.license.count({ where: { customerId } })).toBe(countBefore);
  });

  it('lets a reseller issue to its own customers only', async () => {
    const reseller = await createUser(db, { email: uniqueEmail('reseller'), name: 'Reseller', role: 'RESELLER', password: 'Correct-Horse-Battery-9' }, actor);
    const otherReseller = await createUser(db, { email: uniqueEmail('other'), name: 'Other', role: 'RESELLER', password: 'Correct-Horse-Battery-9' }, actor);
    const resold = await createCustomer(db, { name: 'Resold Ltd', email: uniqueEmail('resold'), resellerId: reseller.id }, actor);
    const resellerActor: AuditActor = { type: 'user', id: reseller.id, label: reseller.email };

    const issued = await issueLicense(db, { customerId: resold.id, planId: yearlyPlanId, issuedVia: 'RESELLER', issuedById: reseller.id }, resellerActor);
    expect(issued.license).toMatchObject({ issuedVia: 'RESELLER', issuedById: reseller.id, customerId: resold.id });

    await expectAppError(
      issueLicense(db, { customerId: resold.id, planId: yearlyPlanId, issuedVia: 'RESELLER', issuedById: otherReseller.id }, actor),
      'NOT_FOUND',
    );
    await expectAppError(
      issueLicense(db, { customerId, planId: yearlyPlanId, issuedVia: 'RESELLER', issuedById: reseller.id }, resellerActor),
      'NOT_FOUND',
    );
  });

  it('audits product, plan and customer creation', async () => {
    const product = await createProduct(db, { name: 'Audited', slug: unique('audited'), description: 'Shown in the catalogue' }, actor);
    expect(product.keyPrefix).toBe('LK');
    const plan = await createPlan(db, { productId: product.id, name: 'Basic', durationDays: 30, maxMachines: 1, features: ['core'] }, actor);
    const email = uniqueEmail('audited');
    const customer = await createCustomer(db, { name: '  Audited Customer  ', email: ` ${email.toUpperCase()} ` }, actor);
    expect(customer).toMatchObject({ name: 'Audited Customer', email, resellerId: null });

    const events = await db.auditEvent.findMany({ where: { targetId: { in: [product.id, plan.id, customer.id] } } });
    expect(events.map((event) => event.action).sort()).toEqual(['customer.create', 'plan.create', 'product.create']);
    expect(events.find((event) => event.action === 'customer.create')?.customerId).toBe(customer.id);
  });

  it('answers CONFLICT for a duplicate slug or plan name and NOT_FOUND for a missing product or reseller', async () => {
    const slug = unique('dupe');
    await createProduct(db, { name: 'First', slug }, actor);
    const duplicate = await expectAppError(createProduct(db, { name: 'Second', slug }, actor), 'CONFLICT');
    expect(duplicate.details?.field).toBe('slug');

    await expectAppError(
      createPlan(db, { productId, name: 'Yearly', durationDays: 365, maxMachines: 3, features: [] }, actor),
      'CONFLICT',
    );
    const missing = '01900000-0000-7000-8000-000000000000';
    await expectAppError(createPlan(db, { productId: missing, name: 'Lost', durationDays: 1, maxMachines: 1, features: [] }, actor), 'NOT_FOUND');

    const customerUser = await createUser(db, { email: uniqueEmail('notreseller'), name: 'Customer', role: 'CUSTOMER', password: 'Correct-Horse-Battery-9' }, actor);
    await expectAppError(createCustomer(db, { name: 'X', email: uniqueEmail('x'), resellerId: customerUser.id }, actor), 'NOT_FOUND');
  });

  it('validates input even when a caller skipped the router', async () => {
    const quotaWithoutFeature = await expectAppError(
      createPlan(db, { productId, name: unique('Quota'), durationDays: 1, maxMachines: 1, features: ['core'], quotas: { api: 10 } }, actor),
      'BAD_REQUEST',
    );
    expect(quotaWithoutFeature.details?.field).toBe('quotas.api');
    await expectAppError(createProduct(db, { name: 'Bad prefix', slug: unique('bad'), keyPrefix: 'L1' }, actor), 'BAD_REQUEST');
    await expectAppError(createCustomer(db, { name: 'Bad email', email: 'not-an-email' }, actor), 'BAD_REQUEST');
  });
});
