import type { Page } from '@playwright/test';
import { disconnectDb } from '../src/server/db';
import { createCustomerUser, createStaffWithMfa, latestMail, linkIn, signInContext, submitSignIn, uniqueTag } from './fixtures';
import { expect, test } from './test';

// Passwords the server's policy accepts (classes, no runs, zxcvbn score of 3 or more).
const NEW_PASSWORD = 'Violet-Lantern-Orbit-42';
const OTHER_NEW_PASSWORD = 'Amber-Quarry-Whistle-87';

const FIREFOX_ON_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const SAFARI_ON_MACOS = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15';
const EDGE_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0';

test.afterAll(async () => {
  await disconnectDb();
});

/** Next's route announcer is an alert region too, so alerts are found by their text. */
const alert = (page: Page, text: string | RegExp) => page.getByRole('alert').filter({ hasText: text });

async function setNewPassword(page: Page, password: string) {
  await page.getByLabel('New password', { exact: true }).fill(password);
  await page.getByLabel('Confirm new password').fill(password);
}

test('a customer changes the password with the live meter and signs in with the new one', async ({ page }) => {
  const customer = await createCustomerUser();

  await page.goto('/sign-in');
  await submitSignIn(page, customer.email, customer.password);
  await expect(page).toHaveURL(/\/portal$/);

  await page.getByRole('link', { name: customer.name }).click();
  await expect(page.getByRole('heading', { name: 'Account' })).toBeVisible();
  const profile = page.getByRole('region', { name: 'Profile' });
  await expect(profile).toContainText(customer.customerName);
  await expect(profile.getByLabel('Email')).toHaveValue(customer.email);

  const passwordCard = page.getByRole('region', { name: 'Password' });
  await passwordCard.getByLabel('Current password').fill(customer.password);
  await passwordCard.getByLabel('New password', { exact: true }).fill('short');
  await expect(passwordCard.getByText('Strength: weak')).toBeVisible();
  await expect(passwordCard.getByText('Use at least 12 characters.')).toBeVisible();
  await setNewPassword(page, NEW_PASSWORD);
  await expect(passwordCard.getByText(/Strength: (good|strong)/)).toBeVisible();
  await passwordCard.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed.')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await submitSignIn(page, customer.email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/portal$/);
});

test('the sessions page lists every device, revokes one, and signs out everywhere else', async ({ browser }) => {
  const customer = await createCustomerUser();
  const devices = await Promise.all([FIREFOX_ON_LINUX, SAFARI_ON_MACOS, EDGE_ON_WINDOWS].map((userAgent) => browser.newContext({ userAgent })));
  const [laptop, phone, office] = await Promise.all(devices.map((context) => context.newPage()));
  await signInContext(devices[0]!, customer, { userAgent: FIREFOX_ON_LINUX });
  await signInContext(devices[1]!, customer, { userAgent: SAFARI_ON_MACOS });
  await signInContext(devices[2]!, customer, { userAgent: EDGE_ON_WINDOWS });

  await laptop!.goto('/account/sessions');
  const sessions = laptop!.getByRole('table', { name: 'Your live sessions' });
  await expect(sessions.getByRole('row')).toHaveCount(4);
  await expect(sessions.getByRole('row').filter({ hasText: 'This device' })).toContainText('Firefox on Linux');
  await expect(sessions).toContainText('Safari on Mac OS');

  // One session ends by its own button, after a confirmation.
  await sessions.getByRole('row').filter({ hasText: 'Edge on Windows' }).getByRole('button', { name: /^Revoke/ }).click();
  const endOne = laptop!.getByRole('dialog', { name: 'End this session?' });
  await endOne.getByRole('button', { name: 'End session' }).click();
  await expect(endOne).toBeHidden();
  await expect(sessions.getByRole('row')).toHaveCount(3);
  await office!.goto('/account');
  await expect(office!).toHaveURL(/\/sign-in\?callbackUrl=%2Faccount/);

  // The phone is still signed in until "everywhere else".
  await phone!.goto('/account');
  await expect(phone!.getByRole('heading', { name: 'Account' })).toBeVisible();

  await laptop!.getByRole('button', { name: 'Sign out everywhere else' }).click();
  const everywhere = laptop!.getByRole('dialog', { name: 'Sign out everywhere else?' });
  await expect(everywhere).toContainText('1 other session ends now');
  await everywhere.getByRole('button', { name: 'Sign out everywhere else' }).click();
  await expect(laptop!.getByText('Signed out of 1 other session.')).toBeVisible();
  await expect(sessions.getByRole('row')).toHaveCount(2);
  await expect(laptop!.getByText('No other sessions')).toBeVisible();

  await phone!.reload();
  await expect(phone!).toHaveURL(/\/sign-in\?callbackUrl=%2Faccount/);
  await laptop!.reload();
  await expect(laptop!.getByRole('heading', { name: 'Sessions' })).toBeVisible();
  await Promise.all(devices.map((context) => context.close()));
});

test('a forgotten password is reset through the emailed link, which works only once', async ({ page }) => {
  const customer = await createCustomerUser();

  // Unknown and known emails get the same answer.
  await page.goto('/forgot-password');
  await page.getByLabel('Email').fill(`nobody-${uniqueTag()}@example.test`);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  const answer = page.getByRole('status').filter({ hasText: 'If an account exists for that email' });
  await expect(answer).toBeVisible();
  const answerForUnknown = await answer.textContent();

  await page.goto('/sign-in');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.getByLabel('Email').fill(customer.email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(answer).toHaveText(answerForUnknown!);

  const mail = await latestMail(customer.email, 'Reset your Licensor password');
  const link = linkIn(mail.text);
  expect(new URL(link).pathname).toBe('/reset-password');

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await setNewPassword(page, NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password is changed.');
  await page.getByRole('link', { name: `Sign in as ${customer.email}` }).click();

  await expect(page).toHaveURL(/\/sign-in/);
  await submitSignIn(page, customer.email, customer.password);
  await expect(alert(page, 'Incorrect email or password.')).toBeVisible();
  await submitSignIn(page, customer.email, NEW_PASSWORD);
  await expect(page).toHaveURL(/\/portal$/);

  // The outbox page exists only in development; this is the production server.
  expect((await page.request.get('/dev/outbox')).status()).toBe(404);

  // The link is spent.
  await page.goto(link);
  await setNewPassword(page, OTHER_NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(alert(page, 'This link is invalid or has expired. Request a new one.')).toBeVisible();
  await expect(page.getByRole('link', { name: 'Request a new link' })).toBeVisible();
});

test('an admin finds, invites, re-roles and disables users, but not itself', async ({ page, browser }) => {
  const admin = await createStaffWithMfa('ADMIN', 'Ines');
  const tag = uniqueTag();
  const rhea = await createCustomerUser(`Rhea${tag}`);
  const vera = await createCustomerUser(`Vera${tag}`);
  const veraDevice = await browser.newContext();
  const veraPage = await veraDevice.newPage();
  await signInContext(veraDevice, vera);

  await page.goto('/sign-in');
  await submitSignIn(page, admin.email, admin.password);
  await page.getByLabel('Authentication code').fill(admin.backupCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/admin$/);

  await page.getByRole('navigation', { name: 'Admin navigation' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();
  const users = page.getByRole('table', { name: 'Users' });
  await expect(users.getByRole('row').nth(1)).toBeVisible();

  // Search and filters live in the URL.
  await page.getByLabel('Search users').fill(tag);
  await expect(page).toHaveURL(new RegExp(`search=${tag}`));
  await expect(users.getByRole('row')).toHaveCount(3);
  await expect(users).toContainText(rhea.email);
  await expect(users).toContainText(vera.email);
  await page.getByLabel('Role').selectOption('ADMIN');
  await expect(page).toHaveURL(/role=ADMIN/);
  await expect(page.getByText('No users match')).toBeVisible();
  await page.getByLabel('Role').selectOption('');
  await expect(users.getByRole('row')).toHaveCount(3);

  // Invite: the mail lands in the outbox and its link lets the invitee choose a password.
  const inviteeEmail = `ivo-${tag}@example.test`;
  await page.getByRole('button', { name: 'Invite user' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite user' });
  await invite.getByLabel('Name').fill(`Ivo Invitee ${tag}`);
  await invite.getByLabel('Email').fill(inviteeEmail);
  await invite.getByLabel('Role').selectOption('RESELLER');
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invitation sent to ${inviteeEmail}.`)).toBeVisible();
  await expect(invite).toBeHidden();
  await expect(users).toContainText(inviteeEmail);
  const invitation = await latestMail(inviteeEmail, 'You are invited to Licensor');
  const inviteePage = await (await browser.newContext()).newPage();
  await inviteePage.goto(linkIn(invitation.text));
  await expect(inviteePage.getByRole('heading', { name: 'Accept your invitation' })).toBeVisible();
  await setNewPassword(inviteePage, NEW_PASSWORD);
  await inviteePage.getByRole('button', { name: 'Set password' }).click();
  await expect(inviteePage.getByRole('status')).toContainText('Your account is ready.');
  await inviteePage.context().close();

  // Change a role, confirmed.
  await users.getByRole('link', { name: rhea.name }).click();
  await expect(page.getByRole('heading', { name: rhea.name })).toBeVisible();
  const actions = page.getByRole('region', { name: 'Actions' });
  await actions.getByLabel('Role').selectOption('RESELLER');
  await actions.getByRole('button', { name: 'Change role' }).click();
  const changeRole = page.getByRole('dialog', { name: `Change the role of ${rhea.name}?` });
  await expect(changeRole).toContainText('From customer to reseller.');
  await changeRole.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByText(`${rhea.name} is now reseller.`)).toBeVisible();
  await expect(page.getByRole('region', { name: 'Details' })).toContainText('reseller');
  await page.getByRole('link', { name: '← Users' }).click();
  await expect(users.getByRole('row').filter({ hasText: rhea.email })).toContainText('Reseller');

  // Disable, confirmed by typing the email: every session ends and sign-in is refused.
  await page.goto(`/admin/users/${vera.id}`);
  await page.getByRole('button', { name: 'Disable user' }).click();
  const disable = page.getByRole('dialog', { name: `Disable ${vera.name}?` });
  const confirmDisable = disable.getByRole('button', { name: 'Disable user' });
  await expect(confirmDisable).toBeDisabled();
  await disable.getByLabel(`Type ${vera.email} to confirm`).fill(vera.email);
  await confirmDisable.click();
  await expect(page.getByText(`${vera.name} is disabled and signed out everywhere.`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Re-enable user' })).toBeVisible();

  await veraPage.goto('/portal');
  await expect(veraPage).toHaveURL(/\/sign-in/);
  await submitSignIn(veraPage, vera.email, vera.password);
  await expect(alert(veraPage, 'Incorrect email or password.')).toBeVisible();
  await veraDevice.close();

  // Nobody demotes or disables itself.
  await page.goto(`/admin/users/${admin.id}`);
  await expect(page.getByText('You cannot change your own role. Another admin can.')).toBeVisible();
  await expect(page.getByText('You cannot disable your own account. Another admin can.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Disable user' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Change role' })).toHaveCount(0);
});

test("resetting another user's MFA asks the admin for a fresh code first", async ({ page }) => {
  const admin = await createStaffWithMfa('ADMIN', 'Otto');
  const reseller = await createStaffWithMfa('RESELLER', 'Remy');
  // Signed in with MFA eleven minutes ago: past the 10-minute step-up window.
  await signInContext(page.context(), admin, { mfaVerifiedAt: new Date(Date.now() - 11 * 60 * 1000) });

  await page.goto(`/admin/users/${reseller.id}`);
  await expect(page.getByText('MFA on')).toBeVisible();
  await page.getByRole('button', { name: 'Reset MFA' }).click();
  const confirmReset = page.getByRole('dialog', { name: `Reset two-factor authentication of ${reseller.name}?` });
  await confirmReset.getByRole('button', { name: 'Reset MFA' }).click();

  const stepUp = page.getByRole('dialog', { name: "Confirm it's you" });
  await stepUp.getByLabel('Authentication code').fill('000000');
  await stepUp.getByRole('button', { name: 'Confirm' }).click();
  await expect(alert(page, 'That code is not correct or was already used.')).toBeVisible();
  await stepUp.getByLabel('Authentication code').fill(admin.backupCodes[0]!);
  await stepUp.getByRole('button', { name: 'Confirm' }).click();

  await expect(page.getByText(`Two-factor authentication of ${reseller.name} was reset.`)).toBeVisible();
  await expect(stepUp).toBeHidden();
  await expect(confirmReset).toBeHidden();
  await expect(page.getByText('MFA off')).toBeVisible();
});

test('an admin pages through many users and creates a customer user for a chosen organisation', async ({ page }) => {
  const admin = await createStaffWithMfa('ADMIN', 'Pia');
  const tag = uniqueTag();
  // One more than a page (25), all found by the tag in their names.
  const customers = await Promise.all(Array.from({ length: 26 }, () => createCustomerUser(`Paged${tag}`)));
  await signInContext(page.context(), admin, { mfaVerifiedAt: new Date() });

  await page.goto(`/admin/users?search=${tag}`);
  const users = page.getByRole('table', { name: 'Users' });
  await expect(users.getByRole('row')).toHaveCount(26);
  await expect(page.getByText('Showing 25 users')).toBeVisible();
  await page.getByRole('button', { name: 'Load more' }).click();
  await expect(users.getByRole('row')).toHaveCount(27);
  await expect(page.getByText('Showing 26 users (all)')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0);

  const organisation = customers[0]!.customerName;
  const newEmail = `paged${tag}-new@example.test`;
  await page.getByRole('button', { name: 'Create user' }).click();
  const create = page.getByRole('dialog', { name: 'Create user' });
  await create.getByLabel('Name').fill(`Paged${tag} Newcomer`);
  await create.getByLabel('Email').fill(newEmail);
  await create.getByRole('button', { name: 'Create user' }).click();
  // A customer user needs its organisation, and a password.
  await expect(alert(page, 'Choose the customer this user belongs to')).toBeVisible();
  await create.getByLabel('Find a customer').fill(organisation);
  await create.getByLabel('Customer', { exact: true }).selectOption({ label: organisation });
  await create.getByRole('button', { name: 'Generate strong password' }).click();
  await expect(create.getByText(/Strength: (good|strong)/)).toBeVisible();
  await create.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByText(`Created ${newEmail}.`)).toBeVisible();
  await expect(users.getByRole('row').filter({ hasText: newEmail })).toContainText(organisation);
});
