import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { disconnectDb, getDb } from '../src/server/db';
import { createCustomer, createPlan, createProduct, issueLicense } from '../src/server/licensing';
import { createCustomerUser, createStaffWithMfa, signInContext, uniqueTag } from './fixtures';
import { expect, test } from './test';

test.describe.configure({ mode: 'serial' });

test.afterAll(async () => {
  await disconnectDb();
});

/** Next's route announcer is an alert region too, so toasts are found by their text. */
const toast = (page: Page, text: string | RegExp) => page.getByText(text).first();

/** A license to validate, made through the domain functions (tests/licensing-fixtures.ts is vitest's). */
async function licenseThroughDomain(): Promise<string> {
  const db = await getDb();
  const actor = { type: 'system' as const, label: 'e2e' };
  const product = await createProduct(db, { name: `Watched ${tag}`, slug: `watched-${tag}` }, actor);
  const plan = await createPlan(db, { productId: product.id, name: 'Basic', durationDays: 30, maxMachines: 1, features: ['core'] }, actor);
  const customer = await createCustomer(db, { name: `Watched ${tag}`, email: `watched-${tag}@example.test` }, actor);
  const { license } = await issueLicense(db, { customerId: customer.id, planId: plan.id, issuedVia: 'ADMIN' }, actor);
  return license.id;
}

/** A scanner address per run: 101 calls with unknown keys (seed 000's "more than 100 attempts") and a few forged calls on a real license. */
const tag = uniqueTag();
const scannerIp = `198.51.100.${parseInt(tag.slice(0, 2), 16) % 250}`;

test('an admin walks the security dashboard, opens the list behind a tile, verifies the audit chain and exports it as CSV', async ({ page }) => {
  const admin = await createStaffWithMfa('ADMIN', 'Sela');
  await signInContext(page.context(), admin);
  const db = await getDb();
  const licenseId = await licenseThroughDomain();
  const now = new Date();
  await db.licenseValidation.createMany({
    data: [
      ...Array.from({ length: 101 }, () => ({ kind: 'validate', success: false, code: 'NOT_FOUND', ip: scannerIp, createdAt: now })),
      ...Array.from({ length: 4 }, () => ({ licenseId, kind: 'validate', success: false, code: 'BAD_SIGNATURE', ip: scannerIp, createdAt: now })),
      ...Array.from({ length: 20 }, () => ({ licenseId, kind: 'validate', success: true, code: 'VALID', ip: '192.0.2.44', createdAt: now })),
    ],
  });

  await test.step('the dashboard answers the monitoring questions over a window', async () => {
    await page.goto('/admin');
    await page.getByRole('navigation', { name: 'Admin navigation' }).getByRole('link', { name: 'Security' }).click();
    await expect(page.getByRole('heading', { name: 'Security', exact: true })).toBeVisible();
    const figures = page.getByRole('region', { name: 'Key figures' });
    await expect(figures.getByRole('link', { name: /Validation success rate/ })).toBeVisible();
    await expect(figures.getByRole('link', { name: /401\/403 answers/ })).toBeVisible();
    await expect(figures.getByRole('link', { name: /Failed sign-ins/ })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Suspicious IP addresses' }).getByRole('link', { name: scannerIp })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Failure reasons' }).getByRole('link', { name: 'NOT_FOUND' })).toBeVisible();

    await page.getByRole('navigation', { name: 'Time window' }).getByRole('link', { name: 'Last 7 days' }).click();
    await expect(page).toHaveURL(/window=7d/);
    await expect(page.getByRole('navigation', { name: 'Time window' }).getByRole('link', { name: 'Last 7 days' })).toHaveAttribute('aria-current', 'page');
  });

  await test.step("a tile opens the list behind it, filtered to the tile's calls", async () => {
    await page.getByRole('region', { name: 'Key figures' }).getByRole('link', { name: /401\/403 answers/ }).click();
    await expect(page.getByRole('heading', { name: 'Calls refused with 401/403' })).toBeVisible();
    await expect(page).toHaveURL(/outcome=unauthorised/);
    const calls = page.getByRole('table', { name: 'Validation calls' });
    const scannerRows = calls.getByRole('row').filter({ hasText: scannerIp });
    await expect(scannerRows).toHaveCount(4);
    await expect(scannerRows.filter({ hasText: 'BAD_SIGNATURE' })).toHaveCount(4);
    await expect(calls.getByText('NOT_FOUND')).toHaveCount(0);
    // An address in the list narrows it to that address: its 105 calls, 50 at a time.
    await scannerRows.first().getByRole('link', { name: scannerIp }).click();
    await expect(page).toHaveURL(new RegExp(`ip=${scannerIp.replace(/\./g, '\\.')}`));
    await expect(page.getByText(`from ${scannerIp}`)).toBeVisible();
    await expect(page.getByText('Showing 50 calls', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect(page.getByText('Showing 100 calls', { exact: true })).toBeVisible();
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect(page.getByText('Showing 105 calls (all)')).toBeVisible();
  });

  await test.step('verify the audit chain', async () => {
    await page.getByRole('navigation', { name: 'Admin navigation' }).getByRole('link', { name: 'Audit' }).click();
    await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign checkpoint now' }).click();
    await expect(toast(page, /Signed the chain head at event \d+\.|The chain head is already signed\./)).toBeVisible();
    await page.getByRole('button', { name: 'Verify chain' }).click();
    const status = page.getByRole('status').filter({ hasText: 'Chain verified.' });
    await expect(status).toBeVisible({ timeout: 30_000 });
    await expect(status).toContainText(/signed checkpoints match the table/);
  });

  await test.step('filter the events and export the filtered set as CSV', async () => {
    const filters = page.getByRole('search', { name: 'Filter audit events' });
    await filters.getByLabel('Actor').fill(admin.email);
    await filters.getByLabel('Action').fill('audit.*');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await expect(page).toHaveURL(/action=audit\.\*/);
    const events = page.getByRole('table', { name: 'Audit events' });
    await expect(events.getByText('audit.verify')).toBeVisible();
    await expect(events.getByText('audit.checkpoint')).toBeVisible();

    const downloading = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^audit-events-.*\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    const [header, ...rows] = csv.trim().split('\n');
    expect(header).toBe('sequence,createdAt,severity,actorType,actorId,actorLabel,action,targetType,targetId,customerId,ip,userAgent,metadata,prevHash,hash');
    // Oldest first; the export records itself before its first byte, so it is in the report too.
    expect(rows.map((row) => row.split(',')[6])).toEqual(['audit.checkpoint', 'audit.verify', 'audit.export']);
    expect(rows.every((row) => row.includes(admin.email))).toBe(true);

    // The event opens with its chain links and redacted metadata.
    await events.getByRole('link', { name: /^Event \d+$/ }).first().click();
    await expect(page.getByRole('heading', { name: /Event \d+: audit\.verify/ })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Metadata (secrets redacted)' })).toContainText('"ok": true');
  });
});

test('an admin blocks an address by hand and unblocks it, both audited', async ({ page }) => {
  const admin = await createStaffWithMfa('ADMIN', 'Ines');
  await signInContext(page.context(), admin);
  const ip = `203.0.113.${parseInt(tag.slice(2, 4), 16) % 250}`;

  await page.goto('/admin/ip-blocks');
  await page.getByRole('button', { name: 'Block an IP address' }).click();
  const dialog = page.getByRole('dialog', { name: 'Block an IP address' });
  await dialog.getByLabel('IP address').fill('not an address');
  await dialog.getByLabel('For').selectOption({ label: '24 hours' });
  await dialog.getByLabel('Reason').fill('credential stuffing from this host');
  await dialog.getByRole('button', { name: 'Block' }).click();
  await expect(dialog.getByText('Enter an IPv4 or IPv6 address, such as 203.0.113.7.')).toBeVisible();
  await dialog.getByLabel('IP address').fill(ip);
  await dialog.getByRole('button', { name: 'Block' }).click();
  await expect(toast(page, `Blocked ${ip}.`)).toBeVisible();

  const current = page.getByRole('table', { name: 'Current IP blocks' });
  const row = current.getByRole('row').filter({ hasText: ip });
  await expect(row).toContainText('credential stuffing from this host');
  await expect(row).toContainText(`manual by ${admin.email}`);

  await row.getByRole('button', { name: `Unblock ${ip}` }).click();
  await page.getByRole('dialog', { name: `Unblock ${ip}?` }).getByRole('button', { name: 'Unblock' }).click();
  await expect(toast(page, `Unblocked ${ip}.`)).toBeVisible();
  await expect(current.getByRole('row').filter({ hasText: ip })).toHaveCount(0);

  await page.getByRole('link', { name: 'Ended and lifted' }).click();
  await expect(page.getByRole('table', { name: 'Ended and lifted IP blocks' }).getByRole('row').filter({ hasText: ip })).toContainText(`lifted`);
  const audited = await (await getDb()).auditEvent.findMany({ where: { targetType: 'ip', targetId: ip }, orderBy: { sequence: 'asc' }, select: { action: true, actorLabel: true } });
  expect(audited).toEqual([
    { action: 'security.ip_block', actorLabel: admin.email },
    { action: 'security.ip_unblock', actorLabel: admin.email },
  ]);
});

test('the download routes answer admins only, and a customer sees its own activity in the portal', async ({ browser, playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: process.env.E2E_BASE_URL });
  expect((await anonymous.get('/api/admin/audit/export?format=csv')).status()).toBe(401);
  expect((await anonymous.get('/api/admin/audit/checkpoints')).status()).toBe(401);
  await anonymous.dispose();

  const customer = await createCustomerUser('Rita');
  const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL });
  await signInContext(context, customer);
  expect((await context.request.get('/api/admin/audit/export?format=json')).status()).toBe(403);
  expect((await context.request.get('/api/admin/audit/checkpoints')).status()).toBe(403);

  const page = await context.newPage();
  await page.goto('/portal');
  await page.getByRole('navigation', { name: 'Portal navigation' }).getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity' })).toBeVisible();
  const activity = page.getByRole('table', { name: 'Activity in your organisation' });
  await expect(activity.getByRole('row').filter({ hasText: 'user.create' })).toContainText('Licensor (automatic)');
  await context.close();
});
