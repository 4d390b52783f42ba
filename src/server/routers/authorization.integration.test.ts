import { TRPCError } from '@trpc/server';
import { beforeAll, expect, it } from 'vitest';
import { describeWithDatabase, unique, uniqueEmail } from '../../../tests/helpers';
import { createSession, createUser, getLiveSession, type LiveSession } from '../auth';
import { getDb, type Db } from '../db';
import type { TRPCContext } from '../trpc/context';
import { appRouter, createCaller } from './root';

type Caller = 'anonymous' | 'customer' | 'reseller' | 'admin';
const EVERYONE: Caller[] = ['anonymous', 'customer', 'reseller', 'admin'];
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
};

const procedurePaths = Object.keys(appRouter._def.procedures).sort();

async function signedIn(db: Db, role: 'ADMIN' | 'RESELLER' | 'CUSTOMER'): Promise<LiveSession> {
  const customer = role === 'CUSTOMER' ? await db.customer.create({ data: { name: unique('Acme'), email: uniqueEmail('billing') } }) : null;
  const user = await createUser(
    db,
    { email: uniqueEmail(role.toLowerCase()), name: role, role, password: 'Correct-Horse-Battery-9', customerId: customer?.id },
    { type: 'system' },
  );
  // Admins and resellers must have MFA on to reach their procedures; the secret's value is irrelevant here.
  if (role !== 'CUSTOMER') await db.mfaSecret.create({ data: { userId: user.id, encryptedSecret: 'unused', confirmedAt: new Date() } });
  const session = await createSession(db, { userId: user.id, ip: '192.0.2.1', userAgent: 'vitest' });
  const live = await getLiveSession(db, session.id);
  if (!live) throw new Error('session should be live');
  return live;
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
});
