/**
 * Secrets never reach the audit log: values are redacted by key name (passwords, tokens, keys,
 * secrets, codes) and by shape (API keys, JWTs, PEM blocks, long opaque strings); license keys
 * keep only their last 4 characters.
 */

export const REDACTED = '[REDACTED]';

const SECRET_NAME_PARTS = ['password', 'passwd', 'passphrase', 'secret', 'token', 'apikey', 'authorization', 'cookie', 'privatekey', 'credential', 'signature', 'backupcode', 'totpcode', 'mfacode'];
const SECRET_NAMES = new Set(['otp', 'totp', 'code', 'pin']);

function isSecretKeyName(name: string): boolean {
  const normalised = name.toLowerCase().replace(/[-_\s]/g, '');
  return SECRET_NAMES.has(normalised) || SECRET_NAME_PARTS.some((part) => normalised.includes(part));
}

const isLicenseKeyName = (name: string) => name.toLowerCase().replace(/[-_]/g, '') === 'licensekey';
const LICENSE_KEY_SHAPE = /^[A-Z]{2,8}-(?:[0-9A-Z]{5}-){4}[0-9A-Z]{5}$/i;
const SECRET_VALUE_SHAPES = [
  /^lk_[A-Za-z0-9]+_[A-Za-z0-9_-]+$/, // Licensor API key
  /^eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/, // JWT / JWS
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/, // PEM private key
  /^(sk|rk|whsec)_[A-Za-z0-9_]+$/, // Stripe secrets
  /^[A-Za-z0-9+/_=-]{40,}$/, // long opaque token or secret
];

// The same shapes inside longer text (an error message, a reason): replaced where they occur.
const EMBEDDED_LICENSE_KEY = /\b[A-Z]{2,8}-(?:[0-9A-Z]{5}-){4}[0-9A-Z]{5}\b/gi;
const EMBEDDED_SECRETS = [
  /\blk_[A-Za-z0-9]+_[A-Za-z0-9_-]+/g,
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g,
  /\b(?:sk|rk|whsec)_[A-Za-z0-9_]+/g,
];

/**
 * PostgreSQL cannot store NUL or a lone UTF-16 surrogate: jsonb refuses them (failing the change
 * being audited) and text columns turn a lone surrogate into U+FFFD (so the stored row would no
 * longer match the hash computed before storing it). Both become U+FFFD before hashing.
 */
export function storableText(value: string): string {
  return value.replace(/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function maskLicenseKey(key: string): string {
  return storableText(`…${key.trim().slice(-4)}`);
}

function redactValue(value: unknown, keyName: string | undefined, depth: number): unknown {
  if (keyName !== undefined && isLicenseKeyName(keyName) && typeof value === 'string') return maskLicenseKey(value);
  if (keyName !== undefined && isSecretKeyName(keyName)) return value === null || value === undefined ? value : REDACTED;
  if (typeof value === 'string') {
    const text = storableText(value);
    if (LICENSE_KEY_SHAPE.test(text.trim())) return maskLicenseKey(text);
    if (SECRET_VALUE_SHAPES.some((shape) => shape.test(text))) return REDACTED;
    return EMBEDDED_SECRETS.reduce(
      (result, shape) => result.replace(shape, REDACTED),
      text.replace(EMBEDDED_LICENSE_KEY, (key) => maskLicenseKey(key)),
    );
  }
  if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? value.toString() : value;
  if (depth > 8) return '[TRUNCATED]';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => redactValue(item, undefined, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined && typeof item !== 'function')
      .map(([key, item]) => [storableText(key), redactValue(item, key, depth + 1)]),
  );
}

/** A JSON-safe copy of the metadata with every secret redacted. */
export function redactSecrets(metadata: Record<string, unknown>): Record<string, unknown> {
  return redactValue(metadata, undefined, 0) as Record<string, unknown>;
}
