import { describe, expect, it } from 'vitest';
import { withFreshDatabase } from '../../../tests/fresh-database';
import { describeWithDatabase, uniqueEmail } from '../../../tests/helpers';
import { verifyAuditChain } from '../audit';
import { getDb } from '../db';
import { AppError } from '../errors';
import { securityPolicy } from '../security/policy';
import { authenticateWithPassword, completeFirstRunSetup, createSession, createUser, getLiveSession, isSetupComplete, revokeSession } from '.';

const password = 'Correct-Horse-Battery-9';

describeWithDatabase('first-run setup', () => {
  it('creates exactly one admin when ten requests race, and refuses every later attempt', async () => {
    await withFreshDatabase(async (db) => {
      expect(await isSetupComplete(db)).toBe(false);
      const attempts = await Promise.allSettled(
        Array.from({ length: 10 }, (_, index) => completeFirstRunSetup(db, { name: `Admin ${index}`, email: `admin${index}@example.test`, password })),
      );
      const succeeded = attempts.filter((attempt) => attempt.status === 'fulfilled');
      expect(succeeded).toHaveLength(1);
      for (const attempt of attempts) {
        if (attempt.status === 'rejected') {
          expect(attempt.reason).toBeInstanceOf(AppError);
          expect((attempt.reason as AppError).code).toBe('CONFLICT');
        }
      }
      expect(await db.user.count({ where: { role: 'ADMIN' } })).toBe(1);
      expect(await isSetupComplete(db)).toBe(true);
      await expect(completeFirstRunSetup(db, { name: 'Late', email: 'late@example.test', password })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await db.auditEvent.count({ where: { action: 'setup.complete' } })).toBe(1);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    });
  });

  it('counts an admin created another way (the CLI) as setup done', async () => {
    await withFreshDatabase(async (db) => {
      await createUser(db, { email: 'cli@example.test', name: 'CLI admin', role: 'ADMIN', password }, { type: 'cli' });
      expect(await isSetupComplete(db)).toBe(true);
    });
  });
});

describeWithDatabase('users and password sign-in', () => {
  it('stores an argon2id hash, records the password history, and refuses a duplicate email', async () => {
    const db = await getDb();
    const email = uniqueEmail('owner');
    const user = await createUser(db, { email: email.toUpperCase(), name: ' Owner ', role: 'RESELLER', password }, { type: 'system' });
    const stored = await db.user.findUniqueOrThrow({ where: { id: user.id }, include: { passwordHistory: true } });
    expect(stored.email).toBe(email);
    expect(stored.name).toBe('Owner');
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored.passwordHash).not.toContain(password);
    expect(stored.passwordHistory).toHaveLength(1);
    await expect(createUser(db, { email, name: 'Again', role: 'CUSTOMER', password }, { type: 'system' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('answers unknown email, wrong password and disabled account alike, after the same hashing work', async () => {
    const db = await getDb();
    const email = uniqueEmail('signin');
    const user = await createUser(db, { email, name: 'Signin', role: 'ADMIN', password }, { type: 'system' });
    expect(await authenticateWithPassword(db, ` ${email.toUpperCase()} `, password)).toMatchObject({ id: user.id, role: 'ADMIN' });

    const timed = async (candidateEmail: string, candidatePassword: string) => {
      const started = performance.now();
      const result = await authenticateWithPassword(db, candidateEmail, candidatePassword);
      return { result, ms: performance.now() - started };
    };
    // Warm the dummy hash once so the comparison below measures verification only.
    await timed(uniqueEmail('warm'), password);
    const unknown = await timed(uniqueEmail('nobody'), password);
    const wrong = await timed(email, 'not the password at all');
    expect(unknown.result).toBeNull();
    expect(wrong.result).toBeNull();
    // Both paths run one argon2id verification: neither is an order of magnitude faster.
    expect(unknown.ms).toBeGreaterThan(wrong.ms / 5);
    expect(wrong.ms).toBeGreaterThan(unknown.ms / 5);

    await db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    expect(await authenticateWithPassword(db, email, password)).toBeNull();
  });
});

describe('sessions', () => {
  const { idleTimeoutSeconds, absoluteLifetimeSeconds } = securityPolicy().session;

  describeWithDatabase('liveness', () => {
    it('is live until revoked, idle past the timeout, past its absolute lifetime, or its user is disabled', async () => {
      const db = await getDb();
      const user = await createUser(db, { email: uniqueEmail('session'), name: 'S', role: 'CUSTOMER', password }, { type: 'system' });
      const session = await createSession(db, { userId: user.id, ip: '198.51.100.4', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' });
      const row = await db.session.findUniqueOrThrow({ where: { id: session.id } });
      expect(row.deviceLabel).toBe('Firefox on Linux');
      const start = row.createdAt.getTime();

      expect(await getLiveSession(db, session.id, new Date(start + 1000))).toMatchObject({ id: session.id, user: { id: user.id } });
      expect(await getLiveSession(db, session.id, new Date(start + (idleTimeoutSeconds + 1) * 1000))).toBeNull();

      // Activity keeps it alive past the idle timeout, but not past the absolute lifetime.
      let now = start;
      while (now + idleTimeoutSeconds * 1000 < start + absoluteLifetimeSeconds * 1000) {
        now += (idleTimeoutSeconds - 60) * 1000;
        const live = await getLiveSession(db, session.id, new Date(now));
        expect(live === null).toBe(now >= start + absoluteLifetimeSeconds * 1000);
      }
      expect(await getLiveSession(db, session.id, new Date(start + absoluteLifetimeSeconds * 1000 + 1))).toBeNull();

      const other = await createSession(db, { userId: user.id });
      await revokeSession(db, other.id, 'test');
      expect(await getLiveSession(db, other.id)).toBeNull();

      const third = await createSession(db, { userId: user.id });
      await db.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
      expect(await getLiveSession(db, third.id)).toBeNull();
      expect(await getLiveSession(db, 'no-such-session')).toBeNull();
    });
  });
});
