import { expect, test } from '@playwright/test';

const admin = { name: 'Ada Admin', email: 'ada@example.test', password: 'Correct-Horse-Battery-9' };

test.describe.configure({ mode: 'serial' });

test('first run: setup creates the admin, who signs out and back in to the dashboard', async ({ page }) => {
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
  await page.getByLabel('Password').fill('wrong password entirely');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Incorrect email or password.' })).toBeVisible();

  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  const tiles = page.locator('dl');
  await expect(tiles.getByText('Customers')).toBeVisible();
  // Real counts: the setup and the sign-ins are in the recent activity.
  await expect(page.getByRole('table', { name: 'Most recent audit events' })).toContainText('setup.complete');
  await expect(page.getByRole('table', { name: 'Most recent audit events' })).toContainText('auth.sign_in_failed');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
});
