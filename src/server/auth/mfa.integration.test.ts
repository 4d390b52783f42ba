import { generate } from 'otplib';
import { expect, it } from 'vitest';
import { describeWithDatabase, uniqueEmail } from '../../../tests/helpers';
import { verifyAuditChain } from '../audit';
import { decryptSecret } from '../crypto/secretbox';
import { getDb, type Db } from '../db';
import {
  adminResetMfa,
  backupCodesRemaining,
  beginTotpEnrolment,
  confirmTotpEnrolment,
  disableMfa,
  mfaStatus,
  pendingTotpEnrolment,
  regenerateBackupCodes,
  stepUpSession,
  totpOptions,
  verifyBackupCode,
  verifySecondFactor,
  verifyTotpCode,
} from './mfa';
import { createSession, createUser, getLiveSession } from '.';

const password = 'Correct-Horse-Battery-9';
const meta = { ip: '203.0.113.9', userAgent: 'vitest' };
const STEP_MS = 30_000;

const codeAt = (secret: string, at: number) => generate({ ...totpOptions(), secret, epoch: Math.floor(at / 1000) });

async function newUser(db: Db, role: 'ADMIN' | 'RESELLER' | 'CUSTOMER' = 'RESELLER') {
  const user = await createUser(db, { email: uniqueEmail(`mfa-${role.toLowerCase()}`), name: 'Mfa Tester', role, password }, { type: 'system' });
  return { ...user, actor: { type: 'user' as const, id: user.id, label: user.email } };
}

/** A user with MFA on, confirmed with the code of the current step. */
async function userWithMfa(db: Db, role: 'ADMIN' | 'RESELLER' | 'CUSTOMER' = 'RESELLER') {
  const user = await newUser(db, role);
  const { secret } = await beginTotpEnrolment(db, user);
  const { backupCodes } = await confirmTotpEnrolment(db, user.id, await codeAt(secret, Date.now()), user.actor, meta);
  return { user, secret, backupCodes };
}

/** A code the replay guard has not seen: the current step, or the next one (within the allowed drift). */
async function unusedCode(db: Db, userId: string, secret: string): Promise<string> {
  const { lastUsedStep } = await db.mfaSecret.findUniqueOrThrow({ where: { userId } });
  const step = Math.max(Number(lastUsedStep ?? 0n) + 1, Math.floor(Date.now() / STEP_MS));
  return codeAt(secret, step * STEP_MS);
}

async function mfaEvents(db: Db, userId: string) {
  return db.auditEvent.findMany({ where: { targetId: userId, action: { startsWith: 'mfa.' } }, orderBy: { sequence: 'asc' } });
}

describeWithDatabase('TOTP enrolment', () => {
  it('stores the secret encrypted, shows it as QR and text, and turns MFA on only with a correct code', async () => {
    const db = await getDb();
    const user = await newUser(db);
    const enrolment = await beginTotpEnrolment(db, user);

    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.otpauthUri).toContain(`otpauth://totp/Licensor:${encodeURIComponent(user.email)}?`);
    expect(enrolment.otpauthUri).toContain(`secret=${enrolment.secret}`);
    expect(enrolment.otpauthUri).toContain('issuer=Licensor');
    expect(enrolment.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

    const stored = await db.mfaSecret.findUniqueOrThrow({ where: { userId: user.id } });
    expect(stored.encryptedSecret).not.toContain(enrolment.secret);
    expect(decryptSecret(stored.encryptedSecret)).toBe(enrolment.secret);
    expect(stored.confirmedAt).toBeNull();
    expect(await mfaStatus(db, user.id)).toEqual({ enabled: false, pending: true, enabledAt: null, backupCodesRemaining: 0 });
    expect(await pendingTotpEnrolment(db, user)).toMatchObject({ secret: enrolment.secret });
    // Unconfirmed, the secret is no second factor yet.
    expect(await verifyTotpCode(db, user.id, await codeAt(enrolment.secret, Date.now()))).toBe(false);

    const wrong = String((Number(await codeAt(enrolment.secret, Date.now())) + 1) % 1_000_000).padStart(6, '0');
    await expect(confirmTotpEnrolment(db, user.id, wrong, user.actor, meta)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await mfaStatus(db, user.id)).enabled).toBe(false);

    const { backupCodes } = await confirmTotpEnrolment(db, user.id, await codeAt(enrolment.secret, Date.now()), user.actor, meta);
    expect(backupCodes).toHaveLength(10);
    expect(new Set(backupCodes).size).toBe(10);
    for (const code of backupCodes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    const status = await mfaStatus(db, user.id);
    expect(status).toMatchObject({ enabled: true, pending: false, backupCodesRemaining: 10 });
    expect(status.enabledAt).toBeInstanceOf(Date);

    await expect(beginTotpEnrolment(db, user)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(confirmTotpEnrolment(db, user.id, '123456', user.actor, meta)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await pendingTotpEnrolment(db, user)).toBeNull();
    expect(decryptSecret((await db.mfaSecret.findUniqueOrThrow({ where: { userId: user.id } })).encryptedSecret)).toBe(enrolment.secret);

    const [enabled] = await mfaEvents(db, user.id);
    expect(enabled).toMatchObject({ action: 'mfa.enable', actorId: user.id, ip: meta.ip });
    expect(JSON.stringify(enabled!.metadata)).not.toContain(enrolment.secret);
  });

  it('starting again replaces the unconfirmed secret, so a code of the old one no longer confirms', async () => {
    const db = await getDb();
    const user = await newUser(db, 'CUSTOMER');
    const first = await beginTotpEnrolment(db, user);
    const second = await beginTotpEnrolment(db, user);
    expect(second.secret).not.toBe(first.secret);
    expect(await db.mfaSecret.count({ where: { userId: user.id } })).toBe(1);
    await expect(confirmTotpEnrolment(db, user.id, await codeAt(first.secret, Date.now()), user.actor, meta)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    await confirmTotpEnrolment(db, user.id, await codeAt(second.secret, Date.now()), user.actor, meta);
    expect((await mfaStatus(db, user.id)).enabled).toBe(true);
  });

  it('refuses to confirm when no enrolment was started', async () => {
    const db = await getDb();
    const user = await newUser(db);
    await expect(confirmTotpEnrolment(db, user.id, '123456', user.actor, meta)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
  });
});

describeWithDatabase('TOTP verification', () => {
  it('accepts a code once and refuses the replayed TOTP code in the same window, and any earlier step', async () => {
    const db = await getDb();
    const { user, secret } = await userWithMfa(db);
    const later = Date.now() + STEP_MS;
    const code = await codeAt(secret, later);

    expect(await verifyTotpCode(db, user.id, code, new Date(later))).toBe(true);
    expect(await verifyTotpCode(db, user.id, code, new Date(later))).toBe(false);
    expect(await verifyTotpCode(db, user.id, code, new Date(later + 5_000))).toBe(false);
    // The code used to confirm the enrolment is older than the last accepted step.
    expect(await verifyTotpCode(db, user.id, await codeAt(secret, later - STEP_MS), new Date(later))).toBe(false);
    // The next step is accepted.
    expect(await verifyTotpCode(db, user.id, await codeAt(secret, later + STEP_MS), new Date(later + STEP_MS))).toBe(true);
    expect(await verifySecondFactor(db, user.id, code)).toBeNull();
  });

  it('lets exactly one of several concurrent uses of the same code pass', async () => {
    const db = await getDb();
    const { user, secret } = await userWithMfa(db);
    const later = new Date(Date.now() + 2 * STEP_MS);
    const code = await codeAt(secret, later.getTime());
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => verifyTotpCode(db, user.id, code, later)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });

  it('refuses codes outside one step of drift and codes of another secret', async () => {
    const db = await getDb();
    const { user, secret } = await userWithMfa(db);
    const at = Date.now() + 10 * STEP_MS;
    expect(await verifyTotpCode(db, user.id, await codeAt(secret, at + 2 * STEP_MS), new Date(at))).toBe(false);
    const other = await userWithMfa(db);
    expect(await verifyTotpCode(db, user.id, await codeAt(other.secret, at), new Date(at))).toBe(false);
    expect(await verifyTotpCode(db, user.id, await codeAt(secret, at + STEP_MS), new Date(at))).toBe(true);
  });
});

describeWithDatabase('backup codes', () => {
  it('are stored as keyed hashes and each works once, however it is typed', async () => {
    const db = await getDb();
    const { user, backupCodes } = await userWithMfa(db);
    const [first, second] = backupCodes as [string, string];

    const stored = await db.backupCode.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(10);
    for (const row of stored) {
      expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
      for (const code of backupCodes) expect(row.codeHash).not.toContain(code.replace('-', ''));
    }

    expect(await verifyBackupCode(db, user.id, first)).toBe(true);
    expect(await verifyBackupCode(db, user.id, first)).toBe(false);
    expect(await verifySecondFactor(db, user.id, ` ${second.toLowerCase().replace('-', ' ')} `)).toBe('backup_code');
    expect(await verifySecondFactor(db, user.id, second)).toBeNull();
    expect(await backupCodesRemaining(db, user.id)).toBe(8);

    // Another user's code is not this user's.
    const other = await userWithMfa(db);
    expect(await verifyBackupCode(db, user.id, other.backupCodes[0]!)).toBe(false);
    expect(await verifyBackupCode(db, user.id, 'not a code')).toBe(false);
  });

  it('cannot be used twice by concurrent requests', async () => {
    const db = await getDb();
    const { user, backupCodes } = await userWithMfa(db);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => verifyBackupCode(db, user.id, backupCodes[0]!)));
    expect(outcomes.filter(Boolean)).toHaveLength(1);
  });

  it('regenerating replaces every code, used or not, and is audited', async () => {
    const db = await getDb();
    const { user, backupCodes } = await userWithMfa(db);
    await verifyBackupCode(db, user.id, backupCodes[0]!);

    const fresh = await regenerateBackupCodes(db, user.id, user.actor, meta);
    expect(fresh).toHaveLength(10);
    expect(await backupCodesRemaining(db, user.id)).toBe(10);
    for (const old of backupCodes.slice(1)) expect(await verifyBackupCode(db, user.id, old)).toBe(false);
    expect(await verifyBackupCode(db, user.id, fresh[0]!)).toBe(true);

    const events = await mfaEvents(db, user.id);
    expect(events.map((event) => event.action)).toEqual(['mfa.enable', 'mfa.backup_codes.regenerate']);
    const logged = JSON.stringify(events.map((event) => event.metadata));
    for (const code of [...backupCodes, ...fresh]) expect(logged).not.toContain(code);

    const withoutMfa = await newUser(db);
    await expect(regenerateBackupCodes(db, withoutMfa.id, withoutMfa.actor, meta)).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describeWithDatabase('turning MFA off', () => {
  it('needs the current password and a current TOTP code, then removes the secret and the backup codes', async () => {
    const db = await getDb();
    const { user, secret, backupCodes } = await userWithMfa(db, 'CUSTOMER');

    const wrongPassword = disableMfa(db, { userId: user.id, password: 'Not-The-Password-42', code: await unusedCode(db, user.id, secret) }, user.actor, meta);
    await expect(wrongPassword).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'password' } });
    await expect(disableMfa(db, { userId: user.id, password, code: backupCodes[0]! }, user.actor, meta)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'code' },
    });
    const usedCode = await codeAt(secret, Number((await db.mfaSecret.findUniqueOrThrow({ where: { userId: user.id } })).lastUsedStep) * STEP_MS);
    await expect(disableMfa(db, { userId: user.id, password, code: usedCode }, user.actor, meta)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await mfaStatus(db, user.id)).enabled).toBe(true);

    // The refused password did not spend the code it came with.
    await disableMfa(db, { userId: user.id, password, code: await unusedCode(db, user.id, secret) }, user.actor, meta);
    expect(await db.mfaSecret.findUnique({ where: { userId: user.id } })).toBeNull();
    expect(await db.backupCode.count({ where: { userId: user.id } })).toBe(0);
    expect(await mfaStatus(db, user.id)).toEqual({ enabled: false, pending: false, enabledAt: null, backupCodesRemaining: 0 });
    await expect(disableMfa(db, { userId: user.id, password, code: '123456' }, user.actor, meta)).rejects.toMatchObject({ code: 'CONFLICT' });

    const events = await mfaEvents(db, user.id);
    expect(events.map((event) => event.action)).toEqual(['mfa.enable', 'mfa.disable']);
    expect(JSON.stringify(events.map((event) => event.metadata))).not.toContain(password);
  });
});

describeWithDatabase('step-up and admin reset', () => {
  it('steps a session up with a TOTP or backup code, and audits the method', async () => {
    const db = await getDb();
    const { user, secret, backupCodes } = await userWithMfa(db, 'CUSTOMER');
    const session = await createSession(db, { userId: user.id, ...meta });

    await expect(stepUpSession(db, { sessionId: session.id, userId: user.id, code: '000000' }, user.actor, meta)).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
    expect((await getLiveSession(db, session.id))?.mfaVerifiedAt).toBeNull();

    const code = await unusedCode(db, user.id, secret);
    expect(await stepUpSession(db, { sessionId: session.id, userId: user.id, code }, user.actor, meta)).toBe('totp');
    expect((await getLiveSession(db, session.id))?.mfaVerifiedAt).toBeInstanceOf(Date);
    await expect(stepUpSession(db, { sessionId: session.id, userId: user.id, code }, user.actor, meta)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(await stepUpSession(db, { sessionId: session.id, userId: user.id, code: backupCodes[0]! }, user.actor, meta)).toBe('backup_code');

    const stepUps = await db.auditEvent.findMany({ where: { targetId: session.id, action: 'mfa.step_up' }, orderBy: { sequence: 'asc' } });
    expect(stepUps.map((event) => event.metadata)).toEqual([{ method: 'totp' }, { method: 'backup_code', codesLeft: 9 }]);
  });

  it('lets an admin reset another user only right after a step-up, never themselves, audited as a warning', async () => {
    const db = await getDb();
    const admin = await userWithMfa(db, 'ADMIN');
    const target = await userWithMfa(db, 'RESELLER');
    const adminSession = await createSession(db, { userId: admin.user.id, ...meta });
    const reset = (mfaVerifiedAt: Date | null, targetUserId = target.user.id) =>
      adminResetMfa(db, { adminSession: { userId: admin.user.id, mfaVerifiedAt }, targetUserId }, admin.user.actor, meta);

    await expect(reset(null)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', message: 'Confirm with your authenticator code first.' });
    await expect(reset(new Date(Date.now() - 11 * 60 * 1000))).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect((await mfaStatus(db, target.user.id)).enabled).toBe(true);

    await stepUpSession(db, { sessionId: adminSession.id, userId: admin.user.id, code: await unusedCode(db, admin.user.id, admin.secret) }, admin.user.actor, meta);
    const live = await getLiveSession(db, adminSession.id);
    await expect(reset(live!.mfaVerifiedAt, admin.user.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(reset(live!.mfaVerifiedAt, '00000000-0000-7000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });

    await reset(live!.mfaVerifiedAt);
    expect(await mfaStatus(db, target.user.id)).toMatchObject({ enabled: false, backupCodesRemaining: 0 });
    expect(await verifyBackupCode(db, target.user.id, target.backupCodes[0]!)).toBe(false);
    await expect(reset(live!.mfaVerifiedAt)).rejects.toMatchObject({ code: 'CONFLICT' });
    // The admin's own MFA is untouched.
    expect((await mfaStatus(db, admin.user.id)).enabled).toBe(true);

    const events = await mfaEvents(db, target.user.id);
    expect(events.map((event) => event.action)).toEqual(['mfa.enable', 'mfa.reset_by_admin']);
    expect(events[1]).toMatchObject({ actorId: admin.user.id, severity: 'WARNING', metadata: { email: target.user.email, wasEnabled: true } });
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });
});
