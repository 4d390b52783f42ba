import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { getEnv } from '../env';

/**
 * Authenticated encryption of small secrets at rest (license signing secrets, TOTP secrets):
 * AES-256-GCM, stored as `v1.<iv>.<tag>.<ciphertext>` in base64url. The version prefix lets a
 * later format or key rotation coexist with rows written today.
 */

const FORMAT_VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
// A 96-bit IV is GCM's native size (NIST SP 800-38D); random IVs are safe far beyond our volumes.
const IV_BYTES = 12;
// Always the full 128-bit tag: Node would otherwise accept a truncated tag, which weakens forgery resistance.
const TAG_BYTES = 16;

export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`Cannot decrypt secret: ${reason}`);
    this.name = 'SecretDecryptionError';
  }
}

/** The configured ENCRYPTION_KEY (32 bytes, base64). */
export function encryptionKeyFromEnv(): Buffer {
  return Buffer.from(getEnv().secrets.ENCRYPTION_KEY, 'base64');
}

function checkKey(key: Buffer): Buffer {
  if (key.length !== KEY_BYTES) throw new RangeError(`The encryption key must be ${KEY_BYTES} bytes, got ${key.length}.`);
  return key;
}

export function encryptSecret(plaintext: string, key: Buffer = encryptionKeyFromEnv()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, checkKey(key), iv, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [FORMAT_VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/**
 * Buffer.from skips characters outside the alphabet and ignores a final character's unused bits,
 * so several texts decode to the same bytes; accept only the one encryptSecret writes.
 */
function decodeCanonicalBase64url(text: string): Buffer {
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) throw new SecretDecryptionError('not canonical base64url');
  return bytes;
}

/** Throws SecretDecryptionError when the value is malformed, was encrypted with another key, or was altered. */
export function decryptSecret(ciphertext: string, key: Buffer = encryptionKeyFromEnv()): string {
  checkKey(key);
  const parts = ciphertext.split('.');
  if (parts.length !== 4) throw new SecretDecryptionError('not in the v1.<iv>.<tag>.<ciphertext> format');
  const [version, ivText, tagText, bodyText] = parts as [string, string, string, string];
  if (version !== FORMAT_VERSION) throw new SecretDecryptionError(`unsupported format version "${version.slice(0, 8)}"`);
  const [iv, tag, body] = [ivText, tagText, bodyText].map(decodeCanonicalBase64url) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError('wrong IV or tag length');
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError('authentication failed (wrong key or altered ciphertext)');
  }
}
