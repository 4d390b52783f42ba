import type { Locator, Page } from '@playwright/test';
import { LicensorClient } from '../src/client';
import { createUser } from '../src/server/auth';
import { disconnectDb, getDb } from '../src/server/db';
import { createCustomer, createPlan, createProduct, issueLicense } from '../src/server/licensing';
import { createStaffWithMfa, PASSWORD, signInContext, uniqueTag, type TestUser } from './fixtures';
import { expect, test } from './test';

test.describe.configure({ mode: 'serial' });

test.afterAll(async () => {
  await disconnectDb();
});

const tag = uniqueTag();
const productName = `Panel ${tag}`;
const customerName = `Orchard ${tag}`;
const fingerprint = `e2e-machine-${tag}`;
/** What the admin's test hands to the portal's: the license issued in the UI. */
let issued: { licenseKey: string; signingSecret: string; customerId: string };

const clientFor = (licenseKey: string, signingSecret: string) => new LicensorClient({ baseUrl: process.env.E2E_BASE_URL!, licenseKey, signingSecret });

/** Chooses the option of a server-searched select once the search has brought it in. */
async function chooseOption(select: Locator, label: string | RegExp) {
  const option = select.locator('option', { hasText: label });
  await expect(option).toHaveCount(1);
  await select.selectOption((await option.getAttribute('value'))!);
}

const systemActor = { type: 'system' as const, label: 'e2e' };

/** A product with one plan, made through the domain functions (tests/licensing-fixtures.ts is vitest's). */
async function planThroughDomain() {
  const db = await getDb();
  const planTag = uniqueTag();
  const product = await createProduct(db, { name: `Suite ${planTag}`, slug: `suite-${planTag}` }, systemActor);
  const plan = await createPlan(db, { productId: product.id, name: 'Basic', durationDays: 30, maxMachines: 1, features: ['core'] }, systemActor);
  return { planId: plan.id, productName: product.name };
}

/** A customer organisation with one license, made through the domain functions. */
async function licenseThroughDomain() {
  const db = await getDb();
  const { planId } = await planThroughDomain();
  const customerTag = uniqueTag();
  const customer = await createCustomer(db, { name: `Elsewhere ${customerTag}`, email: `elsewhere-${customerTag}@example.test` }, systemActor);
  const { license, licenseKey, signingSecret } = await issueLicense(db, { customerId: customer.id, planId, issuedVia: 'ADMIN' }, systemActor);
  return { licenseId: license.id, licenseKey, signingSecret, customerName: customer.name };
}

/** Next's route announcer is an alert region too, so toasts and alerts are found by their text. */
const toast = (page: Page, text: string | RegExp) => page.getByText(text).first();

test('an admin sets up a product, plan and customer, issues a license that validates, sees it in the timeline and suspends it', async ({ page }) => {
  const admin = await createStaffWithMfa('ADMIN', 'Lena');
  await signInContext(page.context(), admin);

  await test.step('create the product and its plan', async () => {
    await page.goto('/admin/products');
    await page.getByRole('button', { name: 'New product' }).click();
    const productDialog = page.getByRole('dialog', { name: 'New product' });
    await productDialog.getByLabel('Name').fill(productName);
    await expect(productDialog.getByLabel('Slug')).toHaveValue(`panel-${tag}`);
    await productDialog.getByLabel('Key prefix').fill('pnl');
    await productDialog.getByRole('button', { name: 'Create product' }).click();
    await expect(toast(page, `Created ${productName}.`)).toBeVisible();
    const product = page.getByRole('region', { name: productName, exact: true });
    await expect(product.getByText('No plans yet')).toBeVisible();

    await product.getByRole('button', { name: `Add a plan to ${productName}` }).click();
    const planDialog = page.getByRole('dialog', { name: `New plan for ${productName}` });
    await planDialog.getByLabel('Plan name').fill('Pro');
    await planDialog.getByLabel('Duration in days').fill('30');
    await planDialog.getByLabel('Machines per license').fill('2');
    const features = planDialog.getByLabel('Features', { exact: true });
    await features.fill('core, reports');
    await features.press('Enter');
    await expect(planDialog.getByRole('button', { name: 'Remove reports' })).toBeVisible();
    await planDialog.getByLabel('Quota for reports').fill('500');
    // A feature name the protocol refuses is caught in the form, under the field.
    await features.fill('bad!name,');
    await planDialog.getByRole('button', { name: 'Create plan' }).click();
    await expect(planDialog.getByText(/Use lower-case letters, digits/)).toBeVisible();
    await planDialog.getByRole('button', { name: 'Remove bad!name' }).click();
    await planDialog.getByLabel(/^Price/).fill('49.00');
    await planDialog.getByRole('button', { name: 'Create plan' }).click();
    await expect(toast(page, `Added the plan Pro to ${productName}.`)).toBeVisible();
    const plans = product.getByRole('table', { name: `Plans of ${productName}` });
    await expect(plans).toContainText('30 days');
    await expect(plans).toContainText('2 machines');
    await expect(plans).toContainText('core, reports');
    await expect(plans).toContainText('reports: 500/month');
    await expect(plans).toContainText('$49.00');
  });

  await test.step('create the customer', async () => {
    await page.getByRole('navigation', { name: 'Admin navigation' }).getByRole('link', { name: 'Customers' }).click();
    await expect(page.getByRole('heading', { name: 'Customers' })).toBeVisible();
    await page.getByRole('button', { name: 'New customer' }).click();
    const dialog = page.getByRole('dialog', { name: 'New customer' });
    await dialog.getByLabel('Organisation name').fill(customerName);
    await dialog.getByLabel('Billing email').fill(`billing-${tag}@example.test`);
    await dialog.getByRole('button', { name: 'Create customer' }).click();
    await expect(toast(page, `Created ${customerName}.`)).toBeVisible();
    await page.getByLabel('Search customers').fill(tag);
    await expect(page).toHaveURL(new RegExp(`search=${tag}`));
    await expect(page.getByRole('table', { name: 'Customers' }).getByRole('link', { name: customerName })).toBeVisible();
  });

  await test.step('issue a license and read the key and secret, shown once', async () => {
    await page.goto('/admin/licenses');
    await page.getByRole('button', { name: 'Issue license' }).click();
    const dialog = page.getByRole('dialog', { name: 'Issue license' });
    await dialog.getByLabel('Find a customer').fill(customerName);
    await chooseOption(dialog.getByLabel('Customer', { exact: true }), customerName);
    await dialog.getByLabel('Find a plan').fill(productName);
    await chooseOption(dialog.getByLabel('Plan', { exact: true }), `${productName} / Pro`);
    await dialog.getByRole('button', { name: 'Issue license' }).click();

    const shown = page.getByRole('dialog', { name: 'Save the key and the secret' });
    await expect(shown.getByText('Copy the signing secret now: it cannot be shown again.')).toBeVisible();
    const licenseKey = (await shown.getByTestId('issued-license-key').textContent())!;
    const signingSecret = (await shown.getByTestId('issued-signing-secret').textContent())!;
    expect(licenseKey).toMatch(/^PNL-([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await expect(shown.getByRole('button', { name: 'Copy license key' })).toBeVisible();
    await expect(shown.getByRole('button', { name: 'Copy signing secret' })).toBeVisible();
    const customer = await (await getDb()).customer.findFirstOrThrow({ where: { name: customerName }, select: { id: true } });
    issued = { licenseKey, signingSecret, customerId: customer.id };

    await shown.getByRole('button', { name: 'Done, I saved them' }).click();
    // The list shows the key masked to its last 4 characters, never in full.
    const list = page.getByRole('table', { name: 'Licenses' });
    await page.getByLabel('Search licenses').fill(licenseKey.slice(-4));
    await expect(page).toHaveURL(new RegExp(`search=${licenseKey.slice(-4)}`));
    // The list follows the URL without taking the search box away from the typist.
    await expect(page.getByLabel('Search licenses')).toBeFocused();
    await expect(list.getByRole('link', { name: `License ending ${licenseKey.slice(-4)}` })).toHaveText(`…${licenseKey.slice(-4)}`);
    await expect(list).not.toContainText(licenseKey);
    await expect(list).toContainText(customerName);
    await expect(list).toContainText('0 / 2');
  });

  await test.step('the panel client validates, and the license page shows it in the timeline', async () => {
    const result = await clientFor(issued.licenseKey, issued.signingSecret).validate({ fingerprint, hostname: 'e2e-host' });
    expect(result).toMatchObject({ valid: true, code: 'VALID', offline: false });

    await page.getByRole('link', { name: `License ending ${issued.licenseKey.slice(-4)}` }).click();
    await expect(page.getByRole('heading', { name: `License …${issued.licenseKey.slice(-4)}` })).toBeVisible();
    const timeline = page.getByRole('table', { name: 'Validation timeline' });
    await expect(timeline).toContainText('VALID');
    await expect(timeline).toContainText(fingerprint);
    // Auto-activation on the first validate took a seat.
    await expect(page.getByRole('table', { name: 'Machines' })).toContainText(fingerprint);
    await expect(page.getByRole('table', { name: 'Audit events of this license' })).toContainText('license.issue');
  });

  await test.step('the admin suspends the license and the client gets SUSPENDED', async () => {
    await page.getByRole('button', { name: 'Suspend' }).click();
    const dialog = page.getByRole('dialog', { name: /^Suspend license/ });
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await expect(dialog.getByRole('alert')).toContainText('Give a reason');
    await dialog.getByLabel('Reason').fill('unpaid invoice');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await expect(toast(page, 'The license is suspended.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Reinstate' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Audit events of this license' })).toContainText('license.suspend');

    const result = await clientFor(issued.licenseKey, issued.signingSecret).validate({ fingerprint });
    expect(result).toMatchObject({ valid: false, code: 'SUSPENDED' });
  });
});

test('a customer sees only its own license, masked, and rotates its signing secret', async ({ page }) => {
  const db = await getDb();
  const other = await licenseThroughDomain();
  const created = await createUser(
    db,
    { email: `cora-${tag}@example.test`, name: `Cora ${tag}`, role: 'CUSTOMER', password: PASSWORD, customerId: issued.customerId },
    systemActor,
  );
  const customerUser: TestUser = { id: created.id, email: created.email, name: created.name, password: PASSWORD };
  await signInContext(page.context(), customerUser);

  await page.goto('/portal');
  await page.getByRole('navigation', { name: 'Portal navigation' }).getByRole('link', { name: 'Licenses' }).click();
  const list = page.getByRole('table', { name: 'Licenses' });
  await expect(list.getByRole('row')).toHaveCount(2);
  await expect(list.getByRole('link', { name: `License ending ${issued.licenseKey.slice(-4)}` })).toHaveText(`…${issued.licenseKey.slice(-4)}`);
  await expect(list).toContainText('suspended');
  await expect(list).not.toContainText(issued.licenseKey);
  await expect(list).not.toContainText(`…${other.licenseKey.slice(-4)}`);
  // Another organisation's license page is simply not found.
  await page.goto(`/portal/licenses/${other.licenseId}`);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByText(`…${other.licenseKey.slice(-4)}`)).toHaveCount(0);

  await page.goto('/portal/licenses');
  await list.getByRole('link', { name: `License ending ${issued.licenseKey.slice(-4)}` }).click();
  await expect(page.getByRole('table', { name: 'Machines' })).toContainText(fingerprint);
  await expect(page.getByRole('table', { name: 'Validation timeline' })).toContainText('SUSPENDED');
  await expect(page.getByText(issued.licenseKey)).toHaveCount(0);

  await page.getByRole('button', { name: 'Rotate signing secret' }).click();
  await page.getByRole('dialog', { name: 'Rotate the signing secret?' }).getByRole('button', { name: 'Rotate secret' }).click();
  const shown = page.getByRole('dialog', { name: 'Save the new signing secret' });
  const newSecret = (await shown.getByTestId('rotated-signing-secret').textContent())!;
  expect(newSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(newSecret).not.toBe(issued.signingSecret);
  await shown.getByRole('button', { name: 'Done, I saved it' }).click();
  await expect(page.getByText(/It was last rotated/)).toBeVisible();

  // The old secret stops at once; the new one signs (the license is still suspended).
  await expect(clientFor(issued.licenseKey, issued.signingSecret).validate({ fingerprint })).rejects.toMatchObject({ error: 'BAD_SIGNATURE' });
  expect(await clientFor(issued.licenseKey, newSecret).validate({ fingerprint })).toMatchObject({ valid: false, code: 'SUSPENDED' });
});

test('an admin reviews a flagged license, changes its entitlements and expiry, resets its machines and revokes it', async ({ page }) => {
  const license = await licenseThroughDomain();
  const last4 = license.licenseKey.slice(-4);
  expect(await clientFor(license.licenseKey, license.signingSecret).validate({ fingerprint })).toMatchObject({ valid: true });
  // As the anomaly sweep would flag it.
  await (await getDb()).license.update({
    where: { id: license.licenseId },
    data: { suspicious: true, suspiciousReason: 'Validated from 9 countries within an hour', flaggedAt: new Date() },
  });
  const admin = await createStaffWithMfa('ADMIN', 'Omar');
  await signInContext(page.context(), admin);

  await page.goto(`/admin/licenses?flagged=yes&search=${last4}`);
  await expect(page.getByLabel('Flagged')).toHaveValue('yes');
  const list = page.getByRole('table', { name: 'Licenses' });
  await expect(list).toContainText('flagged');
  await list.getByRole('link', { name: `License ending ${last4}` }).click();

  await test.step('clear the flag after review', async () => {
    await expect(page.getByRole('region', { name: 'Suspicious flag' })).toContainText('Validated from 9 countries within an hour');
    await page.getByRole('button', { name: 'Clear flag' }).click();
    const dialog = page.getByRole('dialog', { name: 'Clear the suspicious flag?' });
    await dialog.getByLabel('Review note').fill('Customer moved its servers');
    await dialog.getByRole('button', { name: 'Clear flag' }).click();
    await expect(toast(page, 'The flag is cleared.')).toBeVisible();
    await expect(page.getByRole('region', { name: 'Suspicious flag' })).toHaveCount(0);
  });

  await test.step('change seats, features and quotas', async () => {
    await page.getByRole('button', { name: 'Change entitlements' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change entitlements' });
    await dialog.getByLabel('Machines per license').fill('5');
    await dialog.getByLabel('Features', { exact: true }).fill('exports,');
    await dialog.getByLabel('Quota for exports').fill('100');
    await dialog.getByRole('button', { name: 'Save entitlements' }).click();
    await expect(toast(page, 'Entitlements saved.')).toBeVisible();
    const policy = page.getByRole('region', { name: 'Status and policy' });
    await expect(policy).toContainText('5 machines');
    await expect(policy).toContainText('core, exports');
    await expect(policy).toContainText('exports: 100/month');
  });

  await test.step('extend the expiry', async () => {
    const nextYear = new Date(Date.now() + 365 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    await page.getByRole('button', { name: 'Extend expiry' }).click();
    const dialog = page.getByRole('dialog', { name: 'Change the expiry' });
    await dialog.getByLabel('New expiry').fill(nextYear);
    await dialog.getByRole('button', { name: 'Save expiry' }).click();
    await expect(toast(page, `The license now expires on ${nextYear}.`)).toBeVisible();
    await expect(page.getByRole('region', { name: 'Status and policy' })).toContainText(nextYear);
  });

  await test.step('reset the machines', async () => {
    await page.getByRole('button', { name: 'Reset machines' }).click();
    await page.getByRole('dialog', { name: 'Reset all machines?' }).getByRole('button', { name: 'Reset machines' }).click();
    await expect(toast(page, '1 machine deactivated.')).toBeVisible();
    await expect(page.getByRole('table', { name: 'Machines' })).toContainText('deactivated');
  });

  await test.step('revoke, typing the last 4 characters of the key', async () => {
    await page.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('dialog', { name: /^Revoke license/ });
    await dialog.getByLabel('Reason').fill('chargeback');
    const confirm = dialog.getByRole('button', { name: 'Revoke license' });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(`Type ${last4} to confirm`).fill(last4);
    await confirm.click();
    await expect(toast(page, 'The license is revoked.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Revoke' })).toBeDisabled();
    expect(await clientFor(license.licenseKey, license.signingSecret).validate({ fingerprint })).toMatchObject({ valid: false, code: 'REVOKED' });
  });

  const audit = page.getByRole('table', { name: 'Audit events of this license' });
  for (const action of ['license.clear_flag', 'license.update_entitlements', 'license.extend', 'license.reset_machines', 'license.revoke']) {
    await expect(audit).toContainText(action);
  }

  await page.getByRole('link', { name: license.customerName }).click();
  await expect(page.getByRole('heading', { name: license.customerName })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Licenses' })).toContainText(`…${last4}`);
  await expect(page.getByRole('table', { name: 'Licenses' })).toContainText('revoked');
  await expect(page.getByRole('table', { name: 'Recent audit events of this customer' })).toContainText('license.revoke');
  // Issuing from the customer's page starts with that customer chosen.
  await page.getByRole('button', { name: 'Issue license' }).click();
  const issueDialog = page.getByRole('dialog', { name: 'Issue license' });
  await expect(issueDialog.getByLabel('Customer', { exact: true }).locator('option:checked')).toHaveText(license.customerName);
});

test('a reseller issues a license to its own customer only, and is told when its hourly quota is used up', async ({ page }) => {
  const db = await getDb();
  const reseller = await createStaffWithMfa('RESELLER', 'Rhea');
  await db.user.update({ where: { id: reseller.id }, data: { resellerHourlyQuota: 1 } });
  const { productName } = await planThroughDomain();
  const resellerTag = uniqueTag();
  const ownCustomer = await createCustomer(db, { name: `Client ${resellerTag}`, email: `client-${resellerTag}@example.test`, resellerId: reseller.id }, systemActor);
  const directCustomer = await createCustomer(db, { name: `Direct ${resellerTag}`, email: `direct-${resellerTag}@example.test` }, systemActor);
  await signInContext(page.context(), reseller);

  await page.goto('/reseller');
  await expect(page.getByText('No licenses yet')).toBeVisible();
  await page.getByRole('button', { name: 'Issue license' }).click();
  const dialog = page.getByRole('dialog', { name: 'Issue license' });
  await expect(dialog.getByLabel('Expiry (optional)')).toHaveCount(0);
  await dialog.getByLabel('Find a customer').fill(directCustomer.name);
  await expect(dialog.getByLabel('Customer', { exact: true })).toContainText('No customer matches');
  await dialog.getByLabel('Find a customer').fill(ownCustomer.name);
  await chooseOption(dialog.getByLabel('Customer', { exact: true }), ownCustomer.name);
  await dialog.getByLabel('Find a plan').fill(productName);
  await chooseOption(dialog.getByLabel('Plan', { exact: true }), `${productName} / Basic`);
  await dialog.getByRole('button', { name: 'Issue license' }).click();

  const shown = page.getByRole('dialog', { name: 'Save the key and the secret' });
  const licenseKey = (await shown.getByTestId('issued-license-key').textContent())!;
  await expect(shown.getByTestId('issued-signing-secret')).toHaveText(/^[A-Za-z0-9_-]{43}$/);
  await shown.getByRole('button', { name: 'Done, I saved them' }).click();
  const list = page.getByRole('table', { name: 'Licenses' });
  await expect(list).toContainText(`…${licenseKey.slice(-4)}`);
  await expect(list).toContainText(ownCustomer.name);

  await page.getByRole('button', { name: 'Issue license' }).click();
  await dialog.getByLabel('Find a customer').fill(ownCustomer.name);
  await chooseOption(dialog.getByLabel('Customer', { exact: true }), ownCustomer.name);
  await dialog.getByLabel('Find a plan').fill(productName);
  await chooseOption(dialog.getByLabel('Plan', { exact: true }), `${productName} / Basic`);
  await dialog.getByRole('button', { name: 'Issue license' }).click();
  await expect(dialog.getByRole('alert')).toContainText('your quota');
  expect(await db.license.count({ where: { customerId: ownCustomer.id } })).toBe(1);
});
