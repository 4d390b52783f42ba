import type { Page } from '@playwright/test';
import { generate } from 'otplib';
import { clientAddressFor, expect, test } from './test';

const admin = { name: 'Ada Admin', email: 'ada@example.test', password: 'Correct-Horse-Battery-9' };

test.describe.configure({ mode: 'serial' });

test('first run: setup creates the admin, who enrols MFA and signs in with a code and with a backup code once', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole('heading', { name: 'Set up Licensor' })).toBeVisible();

  // The form refuses a short password before anything is created.
  await page.getByLabel('Your name').fill(admin.name);
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill('too-short');
  await page.getByRole('button', { name: 'Create admin account' }).click();
  // Next's route announcer is also an alert region, so look for the message itself.
  await expect(page.getByRole('alert').filter({ hasText: 'Use at least 12 characters' })).toBeVisible();

  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Create admin account' }).click();

  // An admin must use MFA: every page sends it to enrolment until it is on.
  await expect(page).toHaveURL(/\/account\/mfa$/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/account\/mfa$/);
  const secret = (await page.getByTestId('totp-secret').textContent())!.replace(/\s+/g, '');
  const enrolledAt = Math.floor(Date.now() / 1000);
  await page.getByLabel('6-digit code').fill(await generate({ secret, epoch: enrolledAt }));
  await page.getByRole('button', { name: 'Turn on' }).click();
  const codes = page.getByTestId('backup-codes').getByRole('listitem');
  await expect(codes).toHaveCount(10);
  const backupCode = (await codes.first().textContent())!.trim();
  await page.getByRole('link', { name: 'I have saved these codes' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  await expect(page.getByTestId('signed-in-user')).toContainText(admin.email);

  // The setup page is gone once an admin exists.
  const setupAgain = await page.request.get('/setup');
  expect(setupAgain.status()).toBe(404);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin/);

  // Unknown email and wrong password get the same answer.
  await page.getByLabel('Email').fill('nobody@example.test');
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Incorrect email or password.' })).toBeVisible();
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill('Wrong-Password-123');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Incorrect email or password.' })).toBeVisible();

  // Password, then the authenticator code (the next time step: the enrolment code is spent).
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').fill(await generate({ secret, epoch: enrolledAt + 30 }));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  // Real counts: the setup, MFA and the sign-ins are in the recent activity.
  const activity = page.getByRole('table', { name: 'Most recent audit events' });
  await expect(activity).toContainText('mfa.enable');
  await expect(activity).toContainText('auth.sign_in_failed');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  // A backup code works once (from another address: this one has used its 5 sign-ins a minute).
  await page.context().setExtraHTTPHeaders({ 'x-forwarded-for': clientAddressFor('first-run backup codes') });
  await signInWithSecondFactor(page, backupCode);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await signInWithSecondFactor(page, backupCode);
  await expect(page.getByRole('alert').filter({ hasText: 'That code is not valid' })).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

async function signInWithSecondFactor(page: Page, code: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByLabel('Authentication code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}
