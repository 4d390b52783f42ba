import { randomBytes } from 'node:crypto';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { encode } from 'next-auth/jwt';
import { generate } from 'otplib';
import { createUser } from '../src/server/auth';
import { beginTotpEnrolment, confirmTotpEnrolment, totpOptions } from '../src/server/auth/mfa';
import { createSession } from '../src/server/auth/sessions';
import { getDb } from '../src/server/db';
import { getEnv } from '../src/server/env';
import { createCustomer } from '../src/server/licensing';
import { securityPolicy } from '../src/server/security/policy';

/**
 * Users and sessions for the specs, made through the domain functions against the e2e server's
 * database (e2e/global-setup.ts puts its URL and secrets in process.env before workers start).
 */

export const PASSWORD = 'Correct-Horse-Battery-9';

const FIXTURE_ACTOR = { type: 'system' as const, label: 'e2e fixtures' };

export type TestUser = { id: string; email: string; name: string; password: string };
export type StaffWithMfa = TestUser & { totpSecret: string; backupCodes: string[] };

/** A short random tag that makes names and emails unique, so specs never collide across runs. */
export function uniqueTag(): string {
  return randomBytes(4).toString('hex');
}

export async function createCustomerUser(firstName = 'Cora'): Promise<TestUser & { customerName: string }> {
  const db = await getDb();
  const tag = uniqueTag();
  const customer = await createCustomer(db, { name: `Orchard Labs ${tag}`, email: `billing-${tag}@example.test` }, FIXTURE_ACTOR);
  const user = await createUser(
    db,
    { email: `${firstName.toLowerCase()}-${tag}@example.test`, name: `${firstName} Client ${tag}`, role: 'CUSTOMER', password: PASSWORD, customerId: customer.id },
    FIXTURE_ACTOR,
  );
  return { id: user.id, email: user.email, name: user.name, password: PASSWORD, customerName: customer.name };
}

/** An admin or reseller whose MFA is on (as the pages require), with its TOTP secret and backup codes. */
export async function createStaffWithMfa(role: 'ADMIN' | 'RESELLER', firstName: string): Promise<StaffWithMfa> {
  const db = await getDb();
  const tag = uniqueTag();
  const user = await createUser(db, { email: `${firstName.toLowerCase()}-${tag}@example.test`, name: `${firstName} Staff ${tag}`, role, password: PASSWORD }, FIXTURE_ACTOR);
  const { secret } = await beginTotpEnrolment(db, user);
  const code = await generate({ ...totpOptions(), secret });
  const { backupCodes } = await confirmTotpEnrolment(db, user.id, code, FIXTURE_ACTOR);
  return { id: user.id, email: user.email, name: user.name, password: PASSWORD, totpSecret: secret, backupCodes };
}

/**
 * Signs a browser context in without the sign-in form: a server-side session and the next-auth
 * cookie that carries its id, as a completed sign-in leaves them. Specs about signing in use the
 * form; the others start signed in, as many devices as they need, without spending sign-ins.
 */
export async function signInContext(
  context: BrowserContext,
  user: TestUser,
  { userAgent = 'e2e', mfaVerifiedAt = null }: { userAgent?: string; mfaVerifiedAt?: Date | null } = {},
): Promise<void> {
  const session = await createSession(await getDb(), { userId: user.id, ip: '127.0.0.1', userAgent, mfaVerifiedAt });
  const token = await encode({
    token: { sub: user.id, sid: session.id, email: user.email, name: user.name },
    secret: getEnv().secrets.AUTH_SECRET,
    maxAge: securityPolicy().session.absoluteLifetimeSeconds,
  });
  await context.addCookies([{ name: 'next-auth.session-token', value: token, url: process.env.E2E_BASE_URL!, httpOnly: true, sameSite: 'Lax' }]);
}

/** Fills and submits the sign-in form (each test has its own client address: e2e/test.ts). */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The newest mail to `to` with this subject, from the outbox table (no SMTP in e2e). */
export async function latestMail(to: string, subject: string) {
  const db = await getDb();
  await expect.poll(() => db.outboundEmail.count({ where: { to, subject } }), { message: `a mail "${subject}" to ${to}` }).toBeGreaterThan(0);
  return db.outboundEmail.findFirstOrThrow({ where: { to, subject }, orderBy: { createdAt: 'desc' } });
}

/** The first link in a mail's text. */
export function linkIn(text: string): string {
  const link = /https?:\/\/\S+/.exec(text)?.[0];
  if (!link) throw new Error(`No link in the mail:\n${text}`);
  return link;
}
