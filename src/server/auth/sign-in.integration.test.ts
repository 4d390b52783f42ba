import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { describeWithDatabase, unique, uniqueEmail } from '../../../tests/helpers';
import { getDb, type Db } from '../db';
import { AppError } from '../errors';
import { blockIpAfterRepeatedSignInFailures, findActiveIpBlock, ipMatchesAny } from '../security/ip-blocks';
import { securityPolicy } from '../security/policy';
import { beginTotpEnrolment, confirmTotpEnrolment } from './mfa';
import { changePassword, requestPasswordReset, resetPasswordWithToken } from './password-reset';
import { createSession, getLiveSession } from './sessions';
import { beginPasswordSignIn, completeMfaSignIn, redeemSignInTicket } from './sign-in';
import { createUser } from './users';

const password = 'Correct-Horse-Battery-9';
let ipCounter = 0;
/** A fresh documentation-range IPv6 address per call, so rate limits and blocks never collide between tests. */
const freshIp = () => `2001:db8:${process.pid.toString(16)}:${Date.now().toString(16).slice(-4)}::${(ipCounter += 1).toString(16)}`;
const meta = (ip = freshIp()) => ({ ip, userAgent: 'vitest', requestId: unique('req') });

async function newUser(db: Db, role: 'ADMIN' | 'CUSTOMER' = 'ADMIN') {
  const customer = role === 'CUSTOMER' ? await db.customer.create({ data: { name: unique('Org'), email: uniqueEmail('org') } }) : null;
  return createUser(db, { email: uniqueEmail('signin'), name: 'Sign In', role, password, customerId: customer?.id }, { type: 'system' });
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('ipMatchesAny', () => {
  it('matches addresses and CIDR ranges of both families, IPv4-mapped included', () => {
    expect(ipMatchesAny('192.0.2.10', ['192.0.2.0/24'])).toBe(true);
    expect(ipMatchesAny('::ffff:192.0.2.10', ['192.0.2.0/24'])).toBe(true);
    expect(ipMatchesAny('192.0.3.10', ['192.0.2.0/24'])).toBe(false);
    expect(ipMatchesAny('2001:db8::1', ['2001:db8::/32'])).toBe(true);
    expect(ipMatchesAny('2001:db9::1', ['2001:db8::/32', '10.0.0.1'])).toBe(false);
    expect(ipMatchesAny('10.0.0.1', ['10.0.0.1'])).toBe(true);
    expect(ipMatchesAny('not an ip', ['0.0.0.0/0'])).toBe(false);
  });
});

describeWithDatabase('two-step sign-in', () => {
  it('answers an unknown email and a wrong password alike, and issues a single-use ticket for the right one', async () => {
    const db = await getDb();
    const user = await newUser(db);
    const unknown = await refusal(beginPasswordSignIn(db, { email: uniqueEmail('nobody'), password }, meta()));
    const wrong = await refusal(beginPasswordSignIn(db, { email: user.email, password: 'Wrong-Password-123' }, meta()));
    expect([unknown.code, unknown.message]).toEqual(['UNAUTHORIZED', 'Incorrect email or password.']);
    expect([wrong.code, wrong.message]).toEqual([unknown.code, unknown.message]);

    const step = await beginPasswordSignIn(db, { email: user.email.toUpperCase(), password }, meta());
    expect(step.next).toBe('session');
    const ticket = (step as { ticket: string }).ticket;
    const redeemed = await redeemSignInTicket(db, ticket, meta());
    expect(redeemed?.user.id).toBe(user.id);
    expect(await getLiveSession(db, redeemed!.sessionId)).not.toBeNull();
    expect(await redeemSignInTicket(db, ticket, meta())).toBeNull();
    expect(await redeemSignInTicket(db, 'x'.repeat(43), meta())).toBeNull();
  });

  it('refuses the sixth attempt in a minute per account and per IP with the wait', async () => {
    const db = await getDb();
    const user = await newUser(db);
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      outcomes.push((await refusal(beginPasswordSignIn(db, { email: user.email, password: 'Wrong-Password-123' }, meta()))).code);
    }
    expect(outcomes).toEqual(['UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED', 'UNAUTHORIZED', 'RATE_LIMITED']);
    // Even the right password waits now: the limit is checked before the password.
    const limited = await refusal(beginPasswordSignIn(db, { email: user.email, password }, meta()));
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.details?.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited.message).toMatch(/Try again in \d+ seconds?\./);

    const ip = freshIp();
    const perIp: string[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      perIp.push((await refusal(beginPasswordSignIn(db, { email: uniqueEmail('spray'), password }, meta(ip)))).code);
    }
    expect(perIp.at(-1)).toBe('RATE_LIMITED');
  });

  it('asks for a second factor when MFA is on, and records it on the session', async () => {
    const db = await getDb();
    const user = await newUser(db);
    const { secret } = await beginTotpEnrolment(db, user);
    const enrolledAt = Math.floor(Date.now() / 1000);
    const { backupCodes } = await confirmTotpEnrolment(db, user.id, await generate({ secret, epoch: enrolledAt }), { type: 'system' });

    const step = await beginPasswordSignIn(db, { email: user.email, password }, meta());
    expect(step.next).toBe('mfa');
    const challenge = (step as { challenge: string }).challenge;
    expect((await refusal(completeMfaSignIn(db, { challenge, code: '000000' }, meta()))).code).toBe('UNAUTHORIZED');
    // The code that confirmed enrolment cannot be replayed.
    expect((await refusal(completeMfaSignIn(db, { challenge, code: await generate({ secret, epoch: enrolledAt }) }, meta()))).code).toBe('UNAUTHORIZED');

    const { ticket } = await completeMfaSignIn(db, { challenge, code: backupCodes[0]! }, meta());
    const redeemed = await redeemSignInTicket(db, ticket, meta());
    const session = await getLiveSession(db, redeemed!.sessionId);
    expect(session?.mfaVerifiedAt).toBeInstanceOf(Date);
    // The challenge is spent once it produced a ticket.
    expect((await refusal(completeMfaSignIn(db, { challenge, code: backupCodes[1]! }, meta()))).code).toBe('UNAUTHORIZED');
    const failures = await db.signInAttempt.count({ where: { userId: user.id, reason: 'bad_mfa_code' } });
    expect(failures).toBe(2);
  });
});

describeWithDatabase('IP blocking after repeated failures', () => {
  const { failureThreshold, blockDurationsSeconds } = securityPolicy().signIn;

  async function fail(db: Db, ip: string, times: number, at: Date) {
    await db.signInAttempt.createMany({
      data: Array.from({ length: times }, () => ({ email: 'x@example.test', ip, success: false, reason: 'bad_credentials', createdAt: at })),
    });
  }

  it('blocks for 15 minutes, then 1 hour, then 24 hours, and refuses sign-in from a blocked IP with 403', async () => {
    const db = await getDb();
    const ip = freshIp();
    let now = new Date();
    await fail(db, ip, failureThreshold - 1, now);
    expect(await blockIpAfterRepeatedSignInFailures(db, ip, now)).toBeNull();
    await fail(db, ip, 1, now);
    const first = await blockIpAfterRepeatedSignInFailures(db, ip, now);
    expect(first?.level).toBe(1);
    expect((first!.expiresAt.getTime() - now.getTime()) / 1000).toBe(blockDurationsSeconds[0]);

    const blocked = await refusal(beginPasswordSignIn(db, { email: uniqueEmail('any'), password }, meta(ip), now));
    expect(blocked.code).toBe('FORBIDDEN');
    expect(blocked.message).toContain('blocked until');

    let previous = first!;
    for (const expectedLevel of [2, 3, 3]) {
      now = new Date(previous.expiresAt.getTime() + 1000);
      expect(await findActiveIpBlock(db, ip, now)).toBeNull();
      // The failures that caused the last block do not count twice.
      expect(await blockIpAfterRepeatedSignInFailures(db, ip, now)).toBeNull();
      await fail(db, ip, failureThreshold, now);
      const next = await blockIpAfterRepeatedSignInFailures(db, ip, now);
      expect(next?.level).toBe(expectedLevel);
      expect((next!.expiresAt.getTime() - now.getTime()) / 1000).toBe(blockDurationsSeconds[expectedLevel - 1]);
      previous = next!;
    }
    expect(await db.auditEvent.count({ where: { action: 'security.ip_block', targetId: ip } })).toBe(4);
  });

  it('counts only failures within the window', async () => {
    const db = await getDb();
    const ip = freshIp();
    const now = new Date();
    await fail(db, ip, failureThreshold - 1, new Date(now.getTime() - 16 * 60 * 1000));
    await fail(db, ip, 1, now);
    expect(await blockIpAfterRepeatedSignInFailures(db, ip, now)).toBeNull();
  });
});

describeWithDatabase('sessions', () => {
  it('keeps at most five live sessions per user, revoking the oldest', async () => {
    const db = await getDb();
    const user = await newUser(db, 'CUSTOMER');
    const sessions = [];
    for (let i = 0; i < 6; i += 1) sessions.push(await createSession(db, { userId: user.id }));
    expect(await getLiveSession(db, sessions[0]!.id)).toBeNull();
    for (const session of sessions.slice(1)) expect(await getLiveSession(db, session.id)).not.toBeNull();
    const revoked = await db.session.findUniqueOrThrow({ where: { id: sessions[0]!.id } });
    expect(revoked.revokedReason).toBe('session_limit');
  });
});

describeWithDatabase('password reset and change', () => {
  const linkToken = (text: string) => new URL(/https?:\/\/\S+/.exec(text)![0]).searchParams.get('token')!;

  it('mails a single-use link valid for 30 minutes that ends every session', async () => {
    const db = await getDb();
    const user = await newUser(db, 'CUSTOMER');
    const session = await createSession(db, { userId: user.id });
    await requestPasswordReset(db, user.email, meta());
    await requestPasswordReset(db, uniqueEmail('nobody'), meta());
    const mail = await db.outboundEmail.findFirstOrThrow({ where: { to: user.email }, orderBy: { createdAt: 'desc' } });
    expect(mail.subject).toContain('Reset');
    const token = linkToken(mail.text);
    const stored = await db.passwordResetToken.findFirstOrThrow({ where: { userId: user.id } });
    expect(stored.tokenHash).not.toContain(token);

    const newPassword = 'Another-Strong-Passphrase-7';
    const tooLate = new Date(Date.now() + 31 * 60 * 1000);
    expect((await refusal(resetPasswordWithToken(db, { token, password: newPassword }, meta(), tooLate))).code).toBe('BAD_REQUEST');
    // The policy still applies: the current password is in the history.
    expect((await refusal(resetPasswordWithToken(db, { token, password }, meta()))).code).toBe('BAD_REQUEST');

    await requestPasswordReset(db, user.email, meta());
    const second = linkToken((await db.outboundEmail.findFirstOrThrow({ where: { to: user.email }, orderBy: { createdAt: 'desc' } })).text);
    await resetPasswordWithToken(db, { token: second, password: newPassword }, meta());
    expect(await getLiveSession(db, session.id)).toBeNull();
    expect((await refusal(resetPasswordWithToken(db, { token: second, password: 'Yet-Another-Passphrase-8' }, meta()))).code).toBe('BAD_REQUEST');
    // A spent link reveals nothing about old passwords: the answer is the invalid-link one, not the history rule.
    const spent = await refusal(resetPasswordWithToken(db, { token: second, password }, meta()));
    expect(spent.message).toContain('invalid or has expired');
    const step = await beginPasswordSignIn(db, { email: user.email, password: newPassword }, meta());
    expect(step.next).toBe('session');
  });

  it('sends at most three reset mails an hour per email', async () => {
    const db = await getDb();
    const user = await newUser(db, 'CUSTOMER');
    for (let i = 0; i < 5; i += 1) await requestPasswordReset(db, user.email, meta());
    expect(await db.outboundEmail.count({ where: { to: user.email } })).toBe(3);
  });

  it('needs the current password, a recent step-up when MFA is on, and ends the other sessions', async () => {
    const db = await getDb();
    const user = await newUser(db);
    const current = await createSession(db, { userId: user.id });
    const other = await createSession(db, { userId: user.id });
    const actor = { type: 'user' as const, id: user.id };
    const change = (sessionMfa: Date | null, currentPassword: string) =>
      changePassword(db, { session: { id: current.id, mfaVerifiedAt: sessionMfa }, userId: user.id, currentPassword, newPassword: 'Brand-New-Passphrase-42' }, actor, meta());

    expect((await refusal(change(null, 'Wrong-Password-123'))).details?.field).toBe('currentPassword');
    const { secret } = await beginTotpEnrolment(db, user);
    await confirmTotpEnrolment(db, user.id, await generate({ secret }), actor);
    expect((await refusal(change(null, password))).code).toBe('PRECONDITION_FAILED');
    expect((await refusal(change(new Date(Date.now() - 11 * 60 * 1000), password))).code).toBe('PRECONDITION_FAILED');
    await change(new Date(), password);
    expect(await getLiveSession(db, other.id)).toBeNull();
    expect(await getLiveSession(db, current.id)).not.toBeNull();
    expect(await db.auditEvent.count({ where: { action: 'auth.password_change', targetId: user.id } })).toBe(1);
  });
});
