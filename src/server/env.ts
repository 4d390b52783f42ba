import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/**
 * The only reader of process.env. Parsed once, lazily, so that `next build` can import
 * modules without a configured environment.
 */

const SECRET_NAMES = ['AUTH_SECRET', 'LICENSE_KEY_CHECK_SECRET', 'ENCRYPTION_KEY', 'LICENSE_SIGNING_PRIVATE_KEY'] as const;
type SecretName = (typeof SECRET_NAMES)[number];

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const booleanFlag = (fallback: boolean) =>
  optionalString.pipe(
    z
      .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
      .optional()
      .transform((value) => (value === undefined ? fallback : value === 'true' || value === '1')),
  );

const positiveInteger = (name: string, fallback: number) =>
  z
    .string()
    .regex(/^[1-9]\d{0,6}$/, `${name} must be a positive whole number`)
    .optional()
    .transform((value) => (value === undefined ? fallback : Number(value)));

function isCidrOrAddress(value: string): boolean {
  try {
    if (value.includes('/')) ipaddr.parseCIDR(value);
    else ipaddr.parse(value);
    return true;
  } catch {
    return false;
  }
}

const base64Key32 = z.string().refine((value) => Buffer.from(value, 'base64').length === 32, {
  message: 'must be 32 bytes in base64 (openssl rand -base64 32)',
});

const ed25519PrivateKeyPem = z.string().refine(
  (value) => {
    try {
      return createPrivateKey(value.replace(/\\n/g, '\n')).asymmetricKeyType === 'ed25519';
    } catch {
      return false;
    }
  },
  { message: 'must be an Ed25519 private key in PKCS#8 PEM (openssl genpkey -algorithm ed25519)' },
);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: optionalString.pipe(
    z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL').optional(),
  ),
  DATA_DIR: optionalString.transform((value) => path.resolve(/* turbopackIgnore: true */ value ?? '.data')),
  REDIS_URL: optionalString.pipe(z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional()),
  REDIS_KEY_PREFIX: optionalString.transform((value) => value ?? 'licensor:'),
  UPSTASH_REDIS_REST_URL: optionalString.pipe(z.url().optional()),
  UPSTASH_REDIS_REST_TOKEN: optionalString,
  APP_URL: optionalString.pipe(z.url({ message: 'must be an absolute URL such as https://licensor.example.com' }).optional()),
  API_PATH_PREFIX: optionalString.transform((value) => (value ?? '').replace(/\/+$/, '')),
  TRUST_PROXY: optionalString.pipe(
    z
      .string()
      .regex(/^(true|false|\d{1,2})$/, 'must be true, false or the number of trusted proxy hops')
      .optional()
      .transform((value) => (value === undefined || value === 'false' ? 0 : value === 'true' ? 1 : Number(value))),
  ),
  AUTH_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  LICENSE_KEY_CHECK_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  ENCRYPTION_KEY: optionalString.pipe(base64Key32.optional()),
  LICENSE_SIGNING_PRIVATE_KEY: optionalString.pipe(ed25519PrivateKeyPem.optional()),
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** Another Stripe API endpoint than api.stripe.com (a local fake in tests); split into the library's host, port and protocol. */
  STRIPE_API_BASE_URL: optionalString.pipe(
    z
      .url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL such as http://127.0.0.1:12111' })
      .optional()
      .transform((value) => {
        if (value === undefined) return undefined;
        const url = new URL(value);
        const protocol = url.protocol === 'http:' ? ('http' as const) : ('https' as const);
        return { host: url.hostname, port: Number(url.port || (protocol === 'http' ? 80 : 443)), protocol };
      }),
  ),
  BILLING_GRACE_DAYS: optionalString.pipe(positiveInteger('BILLING_GRACE_DAYS', 7)),
  SMTP_URL: optionalString.pipe(z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional()),
  MAIL_FROM: optionalString.transform((value) => value ?? 'Licensor <no-reply@localhost>'),
  LOG_LEVEL: optionalString.pipe(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().transform((v) => v ?? 'info'),
  ),
  METRICS_TOKEN: optionalString,
  SECURE_COOKIES: booleanFlag(false),
  SESSION_IDLE_TIMEOUT_MINUTES: optionalString.pipe(positiveInteger('SESSION_IDLE_TIMEOUT_MINUTES', 30)),
  SESSION_ABSOLUTE_LIFETIME_HOURS: optionalString.pipe(positiveInteger('SESSION_ABSOLUTE_LIFETIME_HOURS', 12)),
  PASSWORD_REQUIRE_CHARACTER_CLASSES: booleanFlag(true),
  HIBP_ENABLED: booleanFlag(false),
  HIBP_API_URL: optionalString.pipe(z.url().optional()).transform((value) => (value ?? 'https://api.pwnedpasswords.com').replace(/\/+$/, '')),
  SECURITY_IP_ALLOWLIST: optionalString.pipe(
    z
      .string()
      .optional()
      .transform((value) => (value ?? '').split(',').map((part) => part.trim()).filter(Boolean))
      .refine((cidrs) => cidrs.every(isCidrOrAddress), { message: 'must be comma-separated IP addresses or CIDR ranges' }),
  ),
  /** Security alerts are POSTed here as JSON signed with SECURITY_WEBHOOK_SECRET (HMAC-SHA256). */
  SECURITY_WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }).optional()),
  SECURITY_WEBHOOK_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional()),
  /** Security alerts are mailed here too when SMTP_URL is set. */
  SECURITY_ALERT_EMAIL: optionalString.pipe(z.email({ message: 'must be an email address' }).optional()),
  AUDIT_RETENTION_DAYS: optionalString.pipe(positiveInteger('AUDIT_RETENTION_DAYS', 2555)),
  AUDIT_CHECKPOINT_EVERY_EVENTS: optionalString.pipe(positiveInteger('AUDIT_CHECKPOINT_EVERY_EVENTS', 1000)),
  /** Set by Next during `next build`; nothing may connect or demand secrets then. */
  NEXT_PHASE: optionalString,
}).refine((env) => env.SECURITY_WEBHOOK_URL === undefined || env.SECURITY_WEBHOOK_SECRET !== undefined, {
  path: ['SECURITY_WEBHOOK_SECRET'],
  message: 'required with SECURITY_WEBHOOK_URL: the receiver checks the signature with it',
});

type RawEnv = z.infer<typeof EnvSchema>;

export type Env = Omit<RawEnv, SecretName | 'APP_URL'> & {
  APP_URL: string;
  isProduction: boolean;
  secrets: Record<SecretName, string>;
  /** Where the development secrets came from, for the startup log. */
  secretsSource: 'environment' | 'generated' | 'ephemeral';
};

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Licensor cannot start: fix the configuration.\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

function generateSecrets(): Record<SecretName, string> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    AUTH_SECRET: randomBytes(32).toString('base64url'),
    LICENSE_KEY_CHECK_SECRET: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LICENSE_SIGNING_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** Development secrets live in DATA_DIR/secrets.json (mode 0600), generated once. */
function loadOrCreateDevelopmentSecrets(dataDir: string): Record<SecretName, string> {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(/* turbopackIgnore: true */ file)) {
    const stored = JSON.parse(readFileSync(/* turbopackIgnore: true */ file, 'utf8')) as Partial<Record<SecretName, string>>;
    const fresh = generateSecrets();
    const merged = Object.fromEntries(SECRET_NAMES.map((name) => [name, stored[name] ?? fresh[name]])) as Record<
      SecretName,
      string
    >;
    if (SECRET_NAMES.some((name) => stored[name] === undefined)) {
      writeFileSync(/* turbopackIgnore: true */ file, JSON.stringify(merged, null, 2), { mode: 0o600 });
    }
    return merged;
  }
  mkdirSync(/* turbopackIgnore: true */ dataDir, { recursive: true });
  const secrets = generateSecrets();
  try {
    // 'wx': when two processes start together, the first writer wins and the other reads its file.
    writeFileSync(/* turbopackIgnore: true */ file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateDevelopmentSecrets(dataDir);
    throw error;
  }
  chmodSync(/* turbopackIgnore: true */ file, 0o600);
  return secrets;
}

export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const parsed = EnvSchema.safeParse(source);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  if (source.NODE_ENV === 'production') {
    // Every problem at once, so an operator fixes the configuration in one pass.
    for (const name of [...SECRET_NAMES, 'APP_URL'] as const) {
      if (!source[name]?.trim()) problems.push(`${name}: required in production (see .env.example)`);
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigurationError(problems);
  const raw = parsed.data;
  const isProduction = raw.NODE_ENV === 'production';
  const given = Object.fromEntries(SECRET_NAMES.map((name) => [name, raw[name]])) as Record<SecretName, string | undefined>;
  const missing = SECRET_NAMES.filter((name) => given[name] === undefined);

  let secrets: Record<SecretName, string>;
  let secretsSource: Env['secretsSource'] = 'environment';
  if (missing.length === 0) {
    secrets = given as Record<SecretName, string>;
  } else {
    const generated = raw.NODE_ENV === 'test' ? generateSecrets() : loadOrCreateDevelopmentSecrets(raw.DATA_DIR);
    secretsSource = raw.NODE_ENV === 'test' ? 'ephemeral' : 'generated';
    secrets = Object.fromEntries(SECRET_NAMES.map((name) => [name, given[name] ?? generated[name]])) as Record<
      SecretName,
      string
    >;
  }
  secrets.LICENSE_SIGNING_PRIVATE_KEY = secrets.LICENSE_SIGNING_PRIVATE_KEY.replace(/\\n/g, '\n');

  const appUrl = (raw.APP_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  return {
    ...raw,
    APP_URL: appUrl,
    isProduction,
    secrets,
    secretsSource,
  };
}

let cached: Env | undefined;

export function getEnv(): Env {
  if (!cached) {
    cached = parseEnv(process.env);
    // next-auth v4 reads these two from the process environment itself.
    process.env.NEXTAUTH_URL ??= cached.APP_URL;
    process.env.NEXTAUTH_SECRET ??= cached.secrets.AUTH_SECRET;
  }
  return cached;
}

/** True while `next build` collects pages: nothing may touch the database then. */
export function isBuildPhase(): boolean {
  return process.env.NEXT_PHASE === 'phase-production-build';
}

/** The Ed25519 public key that matches the configured signing key. */
export function signingPublicKeyPem(env: Env = getEnv()): string {
  return createPublicKey(env.secrets.LICENSE_SIGNING_PRIVATE_KEY).export({ type: 'spki', format: 'pem' }).toString();
}
