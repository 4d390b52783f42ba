import { TRPCError } from '@trpc/server';
import { beforeAll, expect, it } from 'vitest';
import { describeWithDatabase, unique, uniqueEmail } from '../../../tests/helpers';
import { createLicenseFixture } from '../../../tests/licensing-fixtures';
import { createSession, createUser, getLiveSession, type LiveSession } from '../auth';
import { getDb, type Db } from '../db';
import { createCustomer } from '../licensing';
import { CUSTOMER_API_KEY_SCOPES, type ApiKeyScope } from '@/lib/schemas/apikeys';
import { createApiKey, revokeApiKey } from '../apikeys';
import { createTRPCContext, type TRPCContext } from '../trpc/context';
import type { ProcedureMeta } from '../trpc/init';
import { appRouter, createCaller } from './root';

/**
 * Sessions of each role, and scripts with API keys: a customer key carrying every customer scope
 * and an admin key. Public procedures ignore credentials, so a key caller reaches them as anyone.
 */
type Caller = 'anonymous' | 'customer' | 'reseller' | 'admin' | 'customerKey' | 'adminKey';
const EVERYONE: Caller[] = ['anonymous', 'customer', 'reseller', 'admin', 'customerKey', 'adminKey'];
const SIGNED_IN: Caller[] = ['customer', 'reseller', 'admin'];

/**
 * Who may call each procedure. Every procedure of the root router must be listed, so a new one
 * cannot be added without deciding (and testing) who may call it.
 */
const ACCESS: Record<string, Caller[]> = {
  'setup.status': EVERYONE,
  'setup.createFirstAdmin': EVERYONE,
  'auth.beginSignIn': EVERYONE,
  'auth.completeMfa': EVERYONE,
  'account.updateProfile': SIGNED_IN,
  'account.changePassword': SIGNED_IN,
  'account.sessions': SIGNED_IN,
  'account.revokeSession': SIGNED_IN,
  'account.revokeOtherSessions': SIGNED_IN,
  'account.requestPasswordReset': EVERYONE,
  'account.resetPassword': EVERYONE,
  'users.list': ['admin'],
  'users.get': ['admin'],
  'users.create': ['admin'],
  'users.invite': ['admin'],
  'users.changeRole': ['admin'],
  'users.setDisabled': ['admin'],
  'users.revokeSessions': ['admin'],
  'users.customerOptions': ['admin'],
  'me.get': SIGNED_IN,
  'mfa.status': SIGNED_IN,
  'mfa.beginEnrolment': SIGNED_IN,
  'mfa.confirmEnrolment': SIGNED_IN,
  'mfa.regenerateBackupCodes': SIGNED_IN,
  'mfa.disable': SIGNED_IN,
  'mfa.stepUp': SIGNED_IN,
  'mfa.resetForUser': ['admin'],
  'dashboard.summary': ['admin'],
  'catalog.products': ['admin'],
  'catalog.createProduct': ['admin'],
  'catalog.plans': ['admin'],
  'catalog.createPlan': ['admin'],
  'catalog.archivePlan': ['admin'],
  'catalog.planOptions': ['reseller', 'admin'],
  'customers.list': ['admin'],
  'customers.get': ['admin'],
  'customers.create': ['admin'],
  'customers.resellerList': ['reseller', 'admin'],
  'licenses.list': ['admin'],
  'licenses.get': ['admin'],
  'licenses.validations': ['admin'],
  'licenses.auditEvents': ['admin'],
  'licenses.issue': ['admin'],
  'licenses.suspend': ['admin'],
  'licenses.reinstate': ['admin'],
  'licenses.revoke': ['admin'],
  'licenses.extend': ['admin'],
  'licenses.updateEntitlements': ['admin'],
  'licenses.resetMachines': ['admin'],
  'licenses.deactivateMachine': ['admin'],
  'licenses.rotateSecret': ['admin'],
  'licenses.clearFlag': ['admin'],
  'licenses.issueAsReseller': ['reseller', 'admin'],
  'licenses.resellerList': ['reseller', 'admin'],
  'portal.licenses': ['customer', 'customerKey'],
  'portal.license': ['customer'],
  'portal.validations': ['customer'],
  'portal.deactivateMachine': ['customer'],
  'portal.rotateSecret': ['customer'],
  'billing.subscriptions': ['admin'],
  'billing.failedPayments': ['admin'],
  'billing.events': ['admin'],
  'billing.reprocessEvent': ['admin'],
  'billing.plans': ['admin'],
  'billing.setPlanStripeBilling': ['admin'],
  'billing.createCheckoutLink': ['admin'],
  'billing.subscribe': ['customer'],
  'billing.manageBilling': ['customer'],
  'apiKeys.list': ['customer'],
  'apiKeys.create': ['customer'],
  'apiKeys.rotate': ['customer'],
  'apiKeys.revoke': ['customer'],
  'apiKeys.requestsPerDay': ['customer'],
  'apiKeys.listAdminKeys': ['admin'],
  'apiKeys.createAdminKey': ['admin'],
  'apiKeys.rotateAdminKey': ['admin'],
  'apiKeys.revokeAdminKey': ['admin'],
  'apiKeys.listAllKeys': ['admin', 'adminKey'],
  'apiKeys.emergencyRevoke': ['admin'],
  'usage.byDay': ['customer', 'customerKey'],
  'usage.allCustomersByDay': ['admin', 'adminKey'],
  'audit.list': ['admin'],
  'audit.get': ['admin'],
  'audit.perDay': ['admin'],
  'audit.verify': ['admin'],
  'audit.checkpoints': ['admin'],
  'audit.createCheckpoint': ['admin'],
  'audit.activity': ['customer'],
  'security.dashboard': ['admin'],
  'security.validations': ['admin'],
  'security.signIns': ['admin'],
  'security.webhookFailures': ['admin'],
  'security.alerts': ['admin'],
  'security.acknowledgeAlert': ['admin'],
  'security.resolveAlert': ['admin'],
  'security.ipBlocks': ['admin'],
  'security.blockIp': ['admin'],
  'security.liftIpBlock': ['admin'],
};

const procedurePaths = Object.keys(appRouter._def.procedures).sort();

/** A live session of a new user; a CUSTOMER user belongs to `customerId`, or to a new organisation. */
async function signedIn(db: Db, role: 'ADMIN' | 'RESELLER' | 'CUSTOMER', customerId?: string): Promise<LiveSession> {
  const customer =
    role === 'CUSTOMER' && !customerId ? await db.customer.create({ data: { name: unique('Acme'), email: uniqueEmail('billing') } }) : null;
  const user = await createUser(
    db,
    { email: uniqueEmail(role.toLowerCase()), name: role, role, password: 'Correct-Horse-Battery-9', customerId: customerId ?? customer?.id },
    { type: 'system' },
  );
  // Admins and resellers must have MFA on to reach their procedures; the secret's value is irrelevant here.
  if (role !== 'CUSTOMER') await db.mfaSecret.create({ data: { userId: user.id, encryptedSecret: 'unused', confirmedAt: new Date() } });
  const session = await createSession(db, { userId: user.id, ip: '192.0.2.1', userAgent: 'vitest' });
  const live = await getLiveSession(db, session.id);
  if (!live) throw new Error('session should be live');
  return live;
}

/** The context of a request carrying `Authorization: Bearer <key>`, as the tRPC route builds it. */
const keyContext = (key: string) => createTRPCContext({ headers: new Headers({ authorization: `Bearer ${key}` }) });

async function customerKey(db: Db, customerId: string, scopes: ApiKeyScope[]): Promise<string> {
  const { key } = await createApiKey(db, { name: 'script', scopes, expiresInDays: '30', owner: { customerId }, createdById: null }, { type: 'system' });
  return key;
}

async function adminKey(db: Db): Promise<string> {
  const { key } = await createApiKey(db, { name: 'admin script', scopes: ['admin'], expiresInDays: '30', owner: { admin: true }, createdById: null }, { type: 'system' });
  return key;
}

function call(ctx: TRPCContext, path: string): Promise<unknown> {
  const procedure = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], createCaller(ctx));
  return (procedure as (input?: unknown) => Promise<unknown>)(undefined);
}

describeWithDatabase('authorization of every tRPC procedure', () => {
  const contexts = {} as Record<Caller, TRPCContext>;

  beforeAll(async () => {
    const db = await getDb();
    const meta = { ip: '192.0.2.1', userAgent: 'vitest', requestId: 'authz' };
    contexts.anonymous = { db, session: null, meta };
    contexts.customer = { db, session: await signedIn(db, 'CUSTOMER'), meta };
    contexts.reseller = { db, session: await signedIn(db, 'RESELLER'), meta };
    contexts.admin = { db, session: await signedIn(db, 'ADMIN'), meta };
    const customer = await db.customer.create({ data: { name: unique('Scripted'), email: uniqueEmail('scripts') } });
    contexts.customerKey = await keyContext(await customerKey(db, customer.id, [...CUSTOMER_API_KEY_SCOPES]));
    contexts.adminKey = await keyContext(await adminKey(db));
  });

  it('lists every procedure of the root router, and only those', () => {
    expect(Object.keys(ACCESS).sort()).toEqual(procedurePaths);
  });

  for (const path of procedurePaths) {
    for (const caller of EVERYONE) {
      const allowed = ACCESS[path]?.includes(caller) ?? false;
      it(`${path} ${allowed ? 'admits' : 'refuses'} ${caller}`, async () => {
        const outcome = await call(contexts[caller], path).then(
          () => 'ok',
          (error: unknown) => (error instanceof TRPCError ? error.code : `unexpected ${String(error)}`),
        );
        if (allowed) {
          // Admitted callers may still fail validation (no input is sent), but never authorisation.
          expect(['ok', 'BAD_REQUEST', 'CONFLICT', 'NOT_FOUND']).toContain(outcome);
        } else {
          expect(outcome).toBe(caller === 'anonymous' ? 'UNAUTHORIZED' : 'FORBIDDEN');
        }
      });
    }
  }

  it('admits keys exactly where a procedure names the scope they need', () => {
    // Public procedures admit anyone; every other procedure a key reaches must declare the key's scope.
    const keyCallable = procedurePaths.filter((path) => !ACCESS[path]!.includes('anonymous') && ACCESS[path]!.some((caller) => caller.endsWith('Key')));
    const declaringScope = procedurePaths.filter((path) => procedureMeta(path)?.apiKeyScope);
    expect(keyCallable).toEqual(declaringScope);
  });
});

const meta = { ip: '192.0.2.1', userAgent: 'vitest', requestId: 'scope' };

function procedureMeta(path: string): ProcedureMeta | undefined {
  return (appRouter._def.procedures[path as keyof typeof appRouter._def.procedures] as unknown as { _def: { meta?: ProcedureMeta } })._def.meta;
}

/** The zod object schemas a procedure parses its input with. */
function inputShapes(path: string): Record<string, unknown>[] {
  const procedure = appRouter._def.procedures[path as keyof typeof appRouter._def.procedures] as unknown as { _def: { inputs: { shape?: Record<string, unknown> }[] } };
  return procedure._def.inputs.map((input) => input.shape ?? {});
}

describeWithDatabase('customers reach only their own organisation', () => {
  it("answers NOT_FOUND, never data, for another organisation's license through every portal procedure that takes a license id", async () => {
    const db = await getDb();
    const [ownLicense, otherLicense] = await Promise.all([createLicenseFixture(db), createLicenseFixture(db)]);
    const otherMachine = await db.machine.create({ data: { licenseId: otherLicense.licenseId, fingerprint: 'other-organisation-machine' } });
    const otherBefore = await db.license.findUniqueOrThrow({ where: { id: otherLicense.licenseId }, select: { encryptedSigningSecret: true } });
    const customerSession = await signedIn(db, 'CUSTOMER', ownLicense.customerId);
    const portal = createCaller({ db, session: customerSession, meta }).portal;

    const attempts: Record<string, () => Promise<unknown>> = {
      'portal.license': () => portal.license({ licenseId: otherLicense.licenseId }),
      'portal.validations': () => portal.validations({ licenseId: otherLicense.licenseId }),
      'portal.deactivateMachine': () => portal.deactivateMachine({ licenseId: otherLicense.licenseId, machineId: otherMachine.id }),
      'portal.rotateSecret': () => portal.rotateSecret({ licenseId: otherLicense.licenseId }),
    };
    const takingLicenseId = procedurePaths.filter((path) => path.startsWith('portal.') && inputShapes(path).some((shape) => 'licenseId' in shape));
    expect(Object.keys(attempts).sort()).toEqual(takingLicenseId);

    for (const [path, attempt] of Object.entries(attempts)) {
      await expect(attempt(), path).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    // The same procedures answer for the customer's own license: the refusal is about ownership.
    await expect(portal.license({ licenseId: ownLicense.licenseId })).resolves.toMatchObject({ id: ownLicense.licenseId });
    await expect(portal.validations({ licenseId: ownLicense.licenseId })).resolves.toMatchObject({ items: [] });

    const listed = await portal.licenses({});
    expect(listed.items.map((license) => license.id)).toEqual([ownLicense.licenseId]);
    // Nothing of the other organisation changed or was recorded in the customer's name.
    expect(await db.machine.findUniqueOrThrow({ where: { id: otherMachine.id }, select: { deactivatedAt: true } })).toEqual({ deactivatedAt: null });
    expect(await db.license.findUniqueOrThrow({ where: { id: otherLicense.licenseId }, select: { encryptedSigningSecret: true } })).toEqual(otherBefore);
    expect(await db.auditEvent.count({ where: { actorId: customerSession.user.id } })).toBe(0);
  });

  it("keeps a reseller to its own customers: listing, and issuing (another reseller's customer is NOT_FOUND)", async () => {
    const db = await getDb();
    const [resellerSession, otherResellerSession] = await Promise.all([signedIn(db, 'RESELLER'), signedIn(db, 'RESELLER')]);
    const fixture = await createLicenseFixture(db);
    const system = { type: 'system' as const };
    const ownCustomer = await createCustomer(db, { name: unique('Own'), email: uniqueEmail('own'), resellerId: resellerSession.user.id }, system);
    const otherCustomer = await createCustomer(db, { name: unique('Other'), email: uniqueEmail('other'), resellerId: otherResellerSession.user.id }, system);
    const reseller = createCaller({ db, session: resellerSession, meta });

    const customers = await reseller.customers.resellerList({});
    expect(customers.items.map((customer) => customer.id)).toEqual([ownCustomer.id]);
    await expect(reseller.licenses.issueAsReseller({ customerId: otherCustomer.id, planId: fixture.planId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const issued = await reseller.licenses.issueAsReseller({ customerId: ownCustomer.id, planId: fixture.planId });
    expect(issued.licenseKey.slice(-4)).toBe(issued.keyLast4);
    const licenses = await reseller.licenses.resellerList({});
    expect(licenses.items.map((license) => license.id)).toEqual([issued.licenseId]);
  });
});

describeWithDatabase('API keys through tRPC', () => {
  it("reads with licenses:read only its own organisation's licenses, and is refused session-only and admin procedures", async () => {
    const db = await getDb();
    const [ownLicense, otherLicense] = await Promise.all([createLicenseFixture(db), createLicenseFixture(db)]);
    const script = createCaller(await keyContext(await customerKey(db, ownLicense.customerId, ['licenses:read'])));

    const listed = await script.portal.licenses({});
    expect(listed.items.map((license) => license.id)).toEqual([ownLicense.licenseId]);
    expect(listed.items.map((license) => license.id)).not.toContain(otherLicense.licenseId);
    // A customerId filter cannot widen the key's reach: the list has no such input.
    await expect(script.portal.licenses({ customerId: otherLicense.customerId } as never)).resolves.toMatchObject({ items: [{ id: ownLicense.licenseId }] });

    await expect(script.account.sessions()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(script.portal.license({ licenseId: ownLicense.licenseId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(script.apiKeys.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(script.licenses.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(script.usage.allCustomersByDay({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a key without the scope a procedure names', async () => {
    const db = await getDb();
    const fixture = await createLicenseFixture(db);
    const script = createCaller(await keyContext(await customerKey(db, fixture.customerId, ['usage:write'])));
    await expect(script.portal.licenses({})).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'This key lacks the licenses:read scope.' });
    await expect(script.usage.byDay()).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'This key lacks the billing:read scope.' });
  });

  it('lets an admin key call the admin procedures open to scripts, and no other', async () => {
    const db = await getDb();
    const fixture = await createLicenseFixture(db);
    await customerKey(db, fixture.customerId, ['usage:write']);
    const script = createCaller(await keyContext(await adminKey(db)));

    const keys = await script.apiKeys.listAllKeys({ customerId: fixture.customerId });
    expect(keys.items).toHaveLength(1);
    expect(keys.items[0]).toMatchObject({ customer: { id: fixture.customerId }, scopes: ['usage:write'] });
    expect(JSON.stringify(keys)).not.toContain('secretHash');
    await expect(script.usage.allCustomersByDay({ customerId: fixture.customerId })).resolves.toMatchObject({ days: 30, rows: [] });

    await expect(script.licenses.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(script.users.list({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(script.apiKeys.createAdminKey({ name: 'another', expiresInDays: '30' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(script.apiKeys.emergencyRevoke({ apiKeyId: keys.items[0]!.id, reason: 'script' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(script.portal.licenses({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(script.usage.byDay()).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('answers UNAUTHORIZED for a revoked or unknown key, even where keys are accepted', async () => {
    const db = await getDb();
    const fixture = await createLicenseFixture(db);
    const key = await customerKey(db, fixture.customerId, ['licenses:read']);
    const apiKey = await db.apiKey.findUniqueOrThrow({ where: { publicId: key.split('_')[1]! } });
    await revokeApiKey(db, { apiKeyId: apiKey.id, scope: { customerId: fixture.customerId } }, { type: 'system' });
    await expect(createCaller(await keyContext(key)).portal.licenses({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(createCaller(await keyContext(`lk_${'A'.repeat(12)}_${'b'.repeat(43)}`)).portal.licenses({})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
