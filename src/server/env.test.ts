import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError, parseEnv, signingPublicKeyPem } from './env';

const REQUIRED_IN_PRODUCTION = ['AUTH_SECRET', 'LICENSE_KEY_CHECK_SECRET', 'ENCRYPTION_KEY', 'LICENSE_SIGNING_PRIVATE_KEY', 'APP_URL'];

const ed25519Pem = () => generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

let dataDir: string;
beforeEach(() => {
  dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'licensor-env-')), 'nested', 'data');
});
afterEach(() => {
  rmSync(path.dirname(path.dirname(dataDir)), { recursive: true, force: true });
});

function validProduction(): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    DATABASE_URL: 'postgresql://licensor@db.internal:5432/licensor',
    APP_URL: 'https://licensor.example.com/',
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    LICENSE_KEY_CHECK_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LICENSE_SIGNING_PRIVATE_KEY: ed25519Pem(),
  };
}

/** The ConfigurationError parseEnv throws for `source`. */
function configurationError(source: Record<string, string | undefined>): ConfigurationError {
  try {
    parse(source);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('parseEnv accepted the configuration');
}

/** parseEnv over a plain object (NodeJS.ProcessEnv insists on NODE_ENV). */
const parse = (source: Record<string, string | undefined>) => parseEnv(source as NodeJS.ProcessEnv);

const problemFor = (error: ConfigurationError, name: string) => error.problems.filter((problem) => problem.startsWith(`${name}:`));

describe('parseEnv in production', () => {
  it('refuses to start with nothing set and names every required setting at once', () => {
    const error = configurationError({ NODE_ENV: 'production', DATA_DIR: dataDir });
    for (const name of REQUIRED_IN_PRODUCTION) {
      expect(error.message).toContain(name);
      expect(problemFor(error, name)).toEqual([`${name}: required in production (see .env.example)`]);
    }
    expect(error.problems).toHaveLength(REQUIRED_IN_PRODUCTION.length);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('treats blank values as missing', () => {
    const error = configurationError({ ...validProduction(), AUTH_SECRET: '   ', APP_URL: '' });
    expect(error.problems.map((problem) => problem.split(':')[0]).sort()).toEqual(['APP_URL', 'AUTH_SECRET']);
  });

  it('names malformed values together with the missing ones, without echoing secrets', () => {
    const shortKey = randomBytes(16).toString('base64');
    const rsaPem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const error = configurationError({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      ENCRYPTION_KEY: shortKey,
      LICENSE_SIGNING_PRIVATE_KEY: rsaPem,
      DATABASE_URL: 'mysql://root@localhost/licensor',
      TRUST_PROXY: 'yes',
      AUTH_SECRET: 'too-short',
    });
    expect(problemFor(error, 'ENCRYPTION_KEY')).toEqual([expect.stringContaining('32 bytes')]);
    expect(problemFor(error, 'LICENSE_SIGNING_PRIVATE_KEY')).toEqual([expect.stringContaining('Ed25519')]);
    expect(problemFor(error, 'DATABASE_URL')).toEqual([expect.stringContaining('postgresql://')]);
    expect(problemFor(error, 'TRUST_PROXY')).toEqual([expect.stringContaining('proxy hops')]);
    expect(problemFor(error, 'AUTH_SECRET')).toEqual([expect.stringContaining('at least 32 characters')]);
    expect(problemFor(error, 'LICENSE_KEY_CHECK_SECRET')).toEqual([expect.stringContaining('required in production')]);
    expect(problemFor(error, 'APP_URL')).toEqual([expect.stringContaining('required in production')]);
    expect(error.problems).toHaveLength(7);
    // Operators paste these logs into tickets: the values themselves must not appear.
    expect(error.message).not.toContain(shortKey);
    expect(error.message).not.toContain('too-short');
    expect(error.message).not.toContain(rsaPem.split('\n')[1]!);
  });

  it('rejects an ENCRYPTION_KEY given in hex rather than base64', () => {
    const error = configurationError({ ...validProduction(), ENCRYPTION_KEY: randomBytes(32).toString('hex') });
    expect(error.problems).toEqual([expect.stringMatching(/^ENCRYPTION_KEY: .*32 bytes/)]);
  });

  it('starts with every value valid, using the given secrets and writing nothing', () => {
    const source = validProduction();
    const env = parse(source);
    expect(env.isProduction).toBe(true);
    expect(env.secretsSource).toBe('environment');
    expect(env.secrets).toEqual({
      AUTH_SECRET: source.AUTH_SECRET,
      LICENSE_KEY_CHECK_SECRET: source.LICENSE_KEY_CHECK_SECRET,
      ENCRYPTION_KEY: source.ENCRYPTION_KEY,
      LICENSE_SIGNING_PRIVATE_KEY: source.LICENSE_SIGNING_PRIVATE_KEY!.trim(),
    });
    expect(env.APP_URL).toBe('https://licensor.example.com');
    expect(env.DATABASE_URL).toBe(source.DATABASE_URL);
    expect(env.TRUST_PROXY).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('accepts a signing key with escaped newlines, as .env files often hold it', () => {
    const pem = ed25519Pem();
    const env = parse({ ...validProduction(), LICENSE_SIGNING_PRIVATE_KEY: pem.trim().replace(/\n/g, '\\n') });
    expect(env.secrets.LICENSE_SIGNING_PRIVATE_KEY).toBe(pem.trim());
    expect(signingPublicKeyPem(env)).toBe(createPublicKey(pem).export({ type: 'spki', format: 'pem' }).toString());
  });
});

describe('parseEnv in development', () => {
  it('generates the secrets once into DATA_DIR/secrets.json, readable by the owner only', () => {
    const first = parse({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const file = path.join(dataDir, 'secrets.json');
    expect(first.isProduction).toBe(false);
    expect(first.secretsSource).toBe('generated');
    expect(first.DATA_DIR).toBe(dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first.secrets);

    // The generated secrets are usable.
    expect(Buffer.from(first.secrets.ENCRYPTION_KEY, 'base64')).toHaveLength(32);
    expect(first.secrets.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(first.secrets.LICENSE_KEY_CHECK_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(first.secrets.AUTH_SECRET).not.toBe(first.secrets.LICENSE_KEY_CHECK_SECRET);
    expect(createPrivateKey(first.secrets.LICENSE_SIGNING_PRIVATE_KEY).asymmetricKeyType).toBe('ed25519');

    const second = parse({ NODE_ENV: 'development', DATA_DIR: dataDir });
    expect(second.secrets).toEqual(first.secrets);
    expect(second.secretsSource).toBe('generated');
  });

  it('lets a secret from the environment win over the stored one without rewriting the file', () => {
    const stored = parse({ NODE_ENV: 'development', DATA_DIR: dataDir }).secrets;
    const authSecret = randomBytes(32).toString('base64url');
    const env = parse({ NODE_ENV: 'development', DATA_DIR: dataDir, AUTH_SECRET: authSecret });
    expect(env.secrets).toEqual({ ...stored, AUTH_SECRET: authSecret });
    expect(JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8'))).toEqual(stored);
  });

  it('completes a secrets file that lacks some secrets and keeps the ones it has', () => {
    const stored = parse({ NODE_ENV: 'development', DATA_DIR: dataDir }).secrets;
    const file = path.join(dataDir, 'secrets.json');
    writeFileSync(file, JSON.stringify({ ENCRYPTION_KEY: stored.ENCRYPTION_KEY }));
    const env = parse({ NODE_ENV: 'development', DATA_DIR: dataDir });
    expect(env.secrets.ENCRYPTION_KEY).toBe(stored.ENCRYPTION_KEY);
    expect(env.secrets.AUTH_SECRET).not.toBe(stored.AUTH_SECRET);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(env.secrets);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('still rejects malformed values', () => {
    const error = configurationError({ NODE_ENV: 'development', DATA_DIR: dataDir, DATABASE_URL: 'localhost:5432' });
    expect(error.problems).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('defaults to development and to http://localhost:3000', () => {
    const env = parse({ DATA_DIR: dataDir });
    expect(env.NODE_ENV).toBe('development');
    expect(env.APP_URL).toBe('http://localhost:3000');
    expect(env.DATABASE_URL).toBeUndefined();
  });
});

describe('parseEnv in test', () => {
  it('uses ephemeral secrets and writes no file', () => {
    const a = parse({ NODE_ENV: 'test', DATA_DIR: dataDir });
    const b = parse({ NODE_ENV: 'test', DATA_DIR: dataDir });
    expect(a.secretsSource).toBe('ephemeral');
    expect(a.secrets.AUTH_SECRET).not.toBe(b.secrets.AUTH_SECRET);
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    [undefined, 0],
    ['', 0],
    ['false', 0],
    ['true', 1],
    ['0', 0],
    ['1', 1],
    ['2', 2],
    [' 3 ', 3],
  ])('parses %j as %i trusted hops', (value, hops) => {
    expect(parse({ NODE_ENV: 'test', DATA_DIR: dataDir, TRUST_PROXY: value }).TRUST_PROXY).toBe(hops);
  });

  it.each(['yes', '-1', '1.5', '100'])('rejects %j', (value) => {
    const error = configurationError({ NODE_ENV: 'test', DATA_DIR: dataDir, TRUST_PROXY: value });
    expect(error.problems).toEqual([expect.stringMatching(/^TRUST_PROXY: /)]);
  });
});

describe('security alerts and audit settings', () => {
  it('defaults to 7 years of audit retention and a checkpoint every 1000 events, with no alert channel', () => {
    const env = parse({ NODE_ENV: 'test', DATA_DIR: dataDir });
    expect(env).toMatchObject({ AUDIT_RETENTION_DAYS: 2555, AUDIT_CHECKPOINT_EVERY_EVENTS: 1000 });
    expect(env.SECURITY_WEBHOOK_URL).toBeUndefined();
    expect(env.SECURITY_ALERT_EMAIL).toBeUndefined();
  });

  it('needs the signing secret with a webhook URL, and a URL and an email address of the right shape', () => {
    const error = configurationError({ NODE_ENV: 'test', DATA_DIR: dataDir, SECURITY_WEBHOOK_URL: 'https://hooks.example.com/licensor' });
    expect(error.problems).toEqual([expect.stringMatching(/^SECURITY_WEBHOOK_SECRET: required with SECURITY_WEBHOOK_URL/)]);
    const malformed = configurationError({ NODE_ENV: 'test', DATA_DIR: dataDir, SECURITY_WEBHOOK_URL: 'ftp://x', SECURITY_WEBHOOK_SECRET: 'short', SECURITY_ALERT_EMAIL: 'nobody' });
    expect(malformed.problems.map((problem) => problem.split(':')[0])).toEqual(['SECURITY_WEBHOOK_URL', 'SECURITY_WEBHOOK_SECRET', 'SECURITY_ALERT_EMAIL']);
    const configured = parse({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      SECURITY_WEBHOOK_URL: 'https://hooks.example.com/licensor',
      SECURITY_WEBHOOK_SECRET: 'x'.repeat(32),
      SECURITY_ALERT_EMAIL: 'security@example.com',
      AUDIT_RETENTION_DAYS: '365',
    });
    expect(configured).toMatchObject({ SECURITY_WEBHOOK_URL: 'https://hooks.example.com/licensor', SECURITY_ALERT_EMAIL: 'security@example.com', AUDIT_RETENTION_DAYS: 365 });
  });
});
