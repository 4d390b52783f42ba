import type { APIRequestContext, Page } from '@playwright/test';
import { createApiKey } from '../src/server/apikeys';
import { disconnectDb, getDb } from '../src/server/db';
import { createCustomer } from '../src/server/licensing';
import { createCustomerUser, createStaffWithMfa, signInContext, uniqueTag } from './fixtures';
import { clientAddressFor, expect, test } from './test';

test.afterAll(async () => {
  await disconnectDb();
});

/** Reports usage with a key the way a customer's script does (PROTOCOL.md section 4). */
function reportUsage(request: APIRequestContext, key: string, idempotencyKey: string) {
  return request.post(`${process.env.E2E_BASE_URL}/api/v1/usage`, {
    headers: { authorization: `Bearer ${key}` },
    data: { metric: 'api.calls', quantity: 3, idempotencyKey },
  });
}

/** The key in the shown-once dialog, read back through its Copy button as a user would paste it. */
async function copyShownKey(page: Page): Promise<string> {
  const shown = page.getByTestId('new-api-key');
  await expect(shown).toHaveText(/^lk_[0-9A-Za-z]{12}_[A-Za-z0-9_-]{43}$/);
  await page.getByRole('button', { name: 'Copy api key' }).click();
  await expect(page.getByText('API key copied.')).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toBe(await shown.textContent());
  return copied;
}

test('a customer creates a key, reports usage with it, sees the request on its chart, rotates it with a grace and revokes the old one', async ({ page, request }, testInfo) => {
  const customer = await createCustomerUser('Kira');
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: process.env.E2E_BASE_URL });
  await signInContext(page.context(), customer);

  await page.goto('/portal/api-keys');
  await expect(page.getByText('No API keys yet')).toBeVisible();
  await expect(page.getByText(`curl -X POST ${process.env.E2E_BASE_URL}/api/v1/usage`)).toBeVisible();

  await page.getByRole('button', { name: 'Create key' }).click();
  const create = page.getByRole('dialog', { name: 'Create API key' });
  await create.getByLabel('Name').fill('Usage exporter');
  await expect(create.getByLabel('usage:write')).toBeChecked();
  await create.getByLabel('licenses:read').check();
  await create.getByLabel('Expires').selectOption('30');
  await create.getByLabel('Allowed IP addresses (optional)').fill('198.18.0.0/15\nnot-an-address');
  await create.getByRole('button', { name: 'Create key' }).click();
  await expect(create.getByText('Line 2: Use an IP address or a CIDR range such as 203.0.113.0/24')).toBeVisible();
  // Each test's requests come from its own address in 198.18.0.0/15 (e2e/test.ts); IPv6 entries are accepted alike.
  await create.getByLabel('Allowed IP addresses (optional)').fill('198.18.0.0/15\n2001:db8::/32');
  await create.getByRole('button', { name: 'Create key' }).click();

  const saveKey = page.getByRole('dialog', { name: 'Save your API key' });
  await expect(saveKey.getByText('Copy the key now: it cannot be shown again.')).toBeVisible();
  const firstKey = await copyShownKey(page);
  const firstPrefix = firstKey.split('_').slice(0, 2).join('_');
  expect((await reportUsage(request, firstKey, `first-${uniqueTag()}`)).status()).toBe(202);
  await saveKey.getByRole('button', { name: 'Done, I saved it' }).click();

  const keys = page.getByRole('table', { name: 'API keys' });
  await expect(keys.getByRole('row', { name: new RegExp(firstPrefix) })).toContainText('licenses:read');
  await keys.getByRole('link', { name: 'Usage exporter' }).click();
  await expect(page.getByRole('heading', { name: `Usage exporter ${firstPrefix}` })).toBeVisible();
  // Use counts are buffered per server process and written every 10 s (and before a read in the
  // same process): reload until the chart shows the request.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('requests-summary')).toHaveText(/^1 request in the last 30 days, most on \d{4}-\d{2}-\d{2} \(1\)\.$/, { timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByText(`from ${clientAddressFor(testInfo.testId)}`)).toBeVisible();
  await page.getByText('Show as a table').click();
  await expect(page.getByRole('table', { name: /Requests per day/ }).getByRole('row', { name: `${new Date().toISOString().slice(0, 10)} 1` })).toBeVisible();

  await page.goto('/portal/api-keys');
  await page.getByRole('button', { name: `Rotate ${firstPrefix}` }).click();
  const rotate = page.getByRole('dialog', { name: `Rotate ${firstPrefix}?` });
  await rotate.getByLabel('Old key').selectOption({ label: 'Keep the old key for 1 hour' });
  await rotate.getByRole('button', { name: 'Rotate key' }).click();
  const saveRotated = page.getByRole('dialog', { name: 'Save the new API key' });
  await expect(saveRotated.getByText(new RegExp(`The old key ${firstPrefix} works until`))).toBeVisible();
  const secondKey = await copyShownKey(page);
  expect(secondKey).not.toBe(firstKey);
  await saveRotated.getByRole('button', { name: 'Done, I saved it' }).click();

  // Both keys work during the grace.
  expect((await reportUsage(request, firstKey, `old-${uniqueTag()}`)).status()).toBe(202);
  expect((await reportUsage(request, secondKey, `new-${uniqueTag()}`)).status()).toBe(202);
  await expect(keys.getByRole('row', { name: new RegExp(firstPrefix) })).toContainText('rotating');

  await page.getByRole('button', { name: `Revoke ${firstPrefix}` }).click();
  await page.getByRole('dialog', { name: `Revoke ${firstPrefix}?` }).getByRole('button', { name: 'Revoke key' }).click();
  await expect(keys.getByRole('row', { name: new RegExp(firstPrefix) })).toContainText('revoked');
  const refused = await reportUsage(request, firstKey, `revoked-${uniqueTag()}`);
  expect(refused.status()).toBe(401);
  expect(await refused.json()).toMatchObject({ error: 'UNAUTHORIZED' });
  expect((await reportUsage(request, secondKey, `after-${uniqueTag()}`)).status()).toBe(202);

  // Four accepted reports of 3 units each.
  await page.goto('/portal/usage');
  await expect(page.getByText(/: api\.calls 12\.$/)).toBeVisible();
});

test("an admin creates an admin key after a fresh code, and revokes a customer's key in an emergency", async ({ page, request }) => {
  const admin = await createStaffWithMfa('ADMIN', 'Ada');
  const db = await getDb();
  const organisation = await createCustomer(db, { name: `Quarry Works ${uniqueTag()}`, email: `ops-${uniqueTag()}@example.test` }, { type: 'system' });
  const { key: customerKey } = await createApiKey(db, { name: 'Nightly sync', scopes: ['usage:write'], expiresInDays: '90', owner: { customerId: organisation.id }, createdById: null }, { type: 'system' });
  const customerPrefix = customerKey.split('_').slice(0, 2).join('_');
  // Signed in with MFA eleven minutes ago: past the 10-minute step-up window.
  await signInContext(page.context(), admin, { mfaVerifiedAt: new Date(Date.now() - 11 * 60 * 1000) });

  await page.goto('/admin/api-keys');
  await page.getByRole('button', { name: 'Create admin key' }).click();
  const create = page.getByRole('dialog', { name: 'Create admin key' });
  await create.getByLabel('Name').fill('Billing export');
  await create.getByRole('button', { name: 'Create key' }).click();
  const stepUp = page.getByRole('dialog', { name: "Confirm it's you" });
  await stepUp.getByLabel('Authentication code').fill(admin.backupCodes[0]!);
  await stepUp.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('new-api-key')).toHaveText(/^lk_/);
  const adminKey = (await page.getByTestId('new-api-key').textContent())!;
  await page.getByRole('button', { name: 'Done, I saved it' }).click();
  await expect(page.getByRole('table', { name: 'Admin keys' })).toContainText('Billing export');

  // The admin key reaches the admin procedures open to scripts.
  const input = encodeURIComponent(JSON.stringify({ json: { customerId: organisation.id } }));
  const listed = await request.get(`${process.env.E2E_BASE_URL}/api/trpc/apiKeys.listAllKeys?input=${input}`, { headers: { authorization: `Bearer ${adminKey}` } });
  expect(listed.status()).toBe(200);
  expect(JSON.stringify(await listed.json())).toContain(customerPrefix);

  await page.getByLabel('Find a customer').fill(organisation.name);
  const customerSelect = page.getByLabel('Customer', { exact: true });
  await expect(customerSelect.locator('option', { hasText: organisation.name })).toHaveCount(1);
  await customerSelect.selectOption({ label: organisation.name });
  await expect(page).toHaveURL(new RegExp(`customer=${organisation.id}`));
  const customerKeys = page.getByRole('table', { name: 'All customer keys' });
  await expect(customerKeys.getByRole('row')).toHaveCount(2);
  await customerKeys.getByRole('button', { name: `Emergency revoke ${customerPrefix}` }).click();
  const revoke = page.getByRole('dialog', { name: `Emergency revoke ${customerPrefix}?` });
  await revoke.getByLabel('Reason').fill('Key published in a public repository');
  await revoke.getByLabel(`Type ${customerPrefix} to confirm`).fill(customerPrefix);
  await revoke.getByRole('button', { name: 'Revoke key' }).click();
  await expect(customerKeys.getByRole('row', { name: new RegExp(customerPrefix) })).toContainText('revoked');
  expect((await reportUsage(request, customerKey, `after-revoke-${uniqueTag()}`)).status()).toBe(401);
});
