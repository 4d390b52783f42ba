import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authenticateApiKey } from '../src/server/apikeys';
import { decryptSecret } from '../src/server/crypto/secretbox';
import { getDb } from '../src/server/db';
import { getEnv } from '../src/server/env';
import { hasValidCheckValue, isWellFormedLicenseKey } from '../src/server/licensing';
import { describeWithDatabase, unique, uniqueEmail } from '../tests/helpers';

const ROOT = path.resolve(import.meta.dirname, '..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const { LICENSE_KEY_CHECK_SECRET, ENCRYPTION_KEY } = getEnv().secrets;
// The worker's DATABASE_URL, plus this process's secrets so that the test can verify what the CLI wrote.
const childEnv = { ...process.env, LICENSE_KEY_CHECK_SECRET, ENCRYPTION_KEY };

// Every command is a fresh tsx process (1 to 3 s each, more on a busy machine).
const SUBPROCESS_TESTS = { timeout: 90_000 };

type CliResult = { code: number; stdout: string; stderr: string };

function cli(...args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(TSX, ['scripts/cli.ts', ...args], { cwd: ROOT, env: childEnv }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

async function cliJson<T>(...args: string[]): Promise<T> {
  const result = await cli(...args);
  expect(result, result.stderr).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(result.stdout) as T;
}

describe('cli usage', SUBPROCESS_TESTS, () => {
  it('lists every command with --help and exits 0', async () => {
    const result = await cli('--help');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    for (const command of ['admin:create', 'product:create', 'plan:create', 'customer:create', 'license:issue', 'apikey:create']) {
      expect(result.stdout).toContain(command);
    }
  });

  it("shows a command's options with <command> --help", async () => {
    const result = await cli('license:issue', '--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--customer <id>');
    expect(result.stdout).toContain('--expires-at <date>');
  });

  it('answers an unknown command with the usage on stderr and exit code 2', async () => {
    const result = await cli('license:explode');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Unknown command "license:explode"');
    expect(result.stderr).toContain('Usage: npm run cli -- <command>');
  });

  it('answers unknown options, missing options and invalid values with exit code 2, naming the flag', async () => {
    const unknownOption = await cli('admin:create', '--emial', 'a@example.test');
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toContain("'--emial'");

    const missing = await cli('admin:create', '--email', 'a@example.test');
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('--password is required');

    const invalid = await cli('admin:create', '--email', 'not-an-email', '--password', 'short');
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('--email: Enter a valid email address');
    expect(invalid.stderr).toContain('--password: Use at least 12 characters');
  });
});

describeWithDatabase('cli commands', SUBPROCESS_TESTS, () => {
  it('admin:create creates an audited administrator and refuses the same email again', async () => {
    const email = uniqueEmail('cli-admin');
    const created = await cliJson<{ id: string; email: string; role: string }>(
      'admin:create',
      '--email',
      email.toUpperCase(),
      '--password',
      'Correct-Horse-Battery-9',
      '--name',
      'CLI Admin',
    );
    expect(created).toEqual({ id: expect.any(String), email, role: 'ADMIN' });

    const db = await getDb();
    const user = await db.user.findUniqueOrThrow({ where: { id: created.id } });
    expect(user).toMatchObject({ email, name: 'CLI Admin', role: 'ADMIN' });
    expect(user.passwordHash).not.toContain('Correct-Horse-Battery-9');
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: 'user.create', targetId: created.id } });
    expect(event.actorType).toBe('cli');

    const duplicate = await cli('admin:create', '--email', email, '--password', 'Quiet-Lantern-Orchard-7');
    expect(duplicate).toMatchObject({ code: 1, stdout: '' });
    expect(duplicate.stderr.trim()).toBe('A user with this email already exists.');
  });

  it('creates a product, a plan and a customer, then issues a license whose key and secret the server can use', async () => {
    const slug = unique('cli-product');
    const product = await cliJson<{ id: string; keyPrefix: string }>('product:create', '--name', 'CLI Product', '--slug', slug, '--key-prefix', 'cli');
    expect(product.keyPrefix).toBe('CLI');
    const plan = await cliJson<{ id: string; features: string[]; quotas: Record<string, number> }>(
      'plan:create', '--product', slug, '--name', 'Monthly', '--duration-days', '30', '--max-machines', '2',
      '--feature', 'core', '--feature', 'api', '--quota', 'api=1000',
    );
    expect(plan).toMatchObject({ features: ['core', 'api'], quotas: { api: 1000 } });
    const customer = await cliJson<{ id: string }>('customer:create', '--name', 'CLI Customer', '--email', uniqueEmail('cli-customer'));

    const issued = await cliJson<{ id: string; licenseKey: string; signingSecret: string; expiresAt: string }>(
      'license:issue', '--customer', customer.id, '--plan', plan.id, '--expires-at', '2031-06-30T00:00:00Z',
    );
    expect(issued.licenseKey).toMatch(/^CLI-/);
    expect(isWellFormedLicenseKey(issued.licenseKey)).toBe(true);
    expect(hasValidCheckValue(issued.licenseKey, LICENSE_KEY_CHECK_SECRET)).toBe(true);
    expect(issued.signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued.expiresAt).toBe('2031-06-30T00:00:00.000Z');

    const db = await getDb();
    const license = await db.license.findUniqueOrThrow({ where: { id: issued.id } });
    expect(license).toMatchObject({ key: issued.licenseKey, customerId: customer.id, planId: plan.id, issuedVia: 'CLI', maxMachines: 2 });
    expect(decryptSecret(license.encryptedSigningSecret, Buffer.from(ENCRYPTION_KEY, 'base64'))).toBe(issued.signingSecret);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: 'license.issue', targetId: issued.id } });
    expect(event).toMatchObject({ actorType: 'cli', customerId: customer.id });
  });

  it('apikey:create prints a customer key or an admin key once, and the key authenticates with its scopes', async () => {
    const customer = await cliJson<{ id: string }>('customer:create', '--name', 'CLI Key Customer', '--email', uniqueEmail('cli-keys'));
    const created = await cliJson<{ id: string; prefix: string; name: string; scopes: string[]; customerId: string; expiresAt: string; key: string }>(
      'apikey:create', '--customer', customer.id, '--scopes', 'usage:write,licenses:read', '--name', 'Exporter', '--expires', '30',
    );
    expect(created).toMatchObject({ name: 'Exporter', scopes: ['usage:write', 'licenses:read'], customerId: customer.id });
    expect(created.key.startsWith(`${created.prefix}_`)).toBe(true);
    expect(new Date(created.expiresAt).getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 60 * 60 * 1000);
    const db = await getDb();
    const authenticated = await authenticateApiKey(db, { rawKey: created.key, ip: '203.0.113.5', origin: null, requiredScope: 'usage:write' });
    expect(authenticated).toMatchObject({ ok: true, key: { id: created.id, customerId: customer.id } });
    expect(await db.auditEvent.findFirstOrThrow({ where: { action: 'api_key.create', targetId: created.id } })).toMatchObject({ actorType: 'cli', customerId: customer.id });

    const admin = await cliJson<{ scopes: string[]; customerId: string | null; expiresAt: string | null; key: string }>('apikey:create', '--admin', '--expires', 'never');
    expect(admin).toMatchObject({ scopes: ['admin'], customerId: null, expiresAt: null });
    expect(await authenticateApiKey(db, { rawKey: admin.key, ip: '203.0.113.5', origin: null, requiredScope: 'admin' })).toMatchObject({ ok: true });
  });

  it('apikey:create refuses an unknown scope, a missing owner, an admin scope on a customer key and an unknown customer', async () => {
    const unknownScope = await cli('apikey:create', '--customer', '01900000-0000-7000-8000-000000000000', '--scopes', 'usage:write,everything');
    expect(unknownScope).toMatchObject({ code: 2, stdout: '' });
    expect(unknownScope.stderr).toContain('--scopes');
    expect((await cli('apikey:create', '--scopes', 'usage:write')).stderr).toContain('Give either --customer <id> or --admin.');

    const customer = await cliJson<{ id: string }>('customer:create', '--name', 'CLI Scope Customer', '--email', uniqueEmail('cli-scope'));
    const adminScope = await cli('apikey:create', '--customer', customer.id, '--scopes', 'admin');
    expect(adminScope).toMatchObject({ code: 1, stdout: '' });
    expect(adminScope.stderr.trim()).toBe('Customer keys cannot carry the admin scope.');
    const unknownCustomer = await cli('apikey:create', '--customer', '01900000-0000-7000-8000-000000000000', '--scopes', 'usage:write');
    expect(unknownCustomer).toMatchObject({ code: 1, stdout: '' });
    expect(unknownCustomer.stderr.trim()).toBe('Customer not found.');
  });

  it('reports domain refusals on stderr with exit code 1', async () => {
    const result = await cli('license:issue', '--customer', '01900000-0000-7000-8000-000000000000', '--plan', '01900000-0000-7000-8000-000000000001');
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr.trim()).toBe('Plan not found.');
  });
});
