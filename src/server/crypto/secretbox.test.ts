import { createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getEnv } from '../env';
import { decryptSecret, encryptSecret, SecretDecryptionError } from './secretbox';

const key = randomBytes(32);

function replacePart(value: string, index: number, replace: (part: string) => string): string {
  const parts = value.split('.');
  parts[index] = replace(parts[index]!);
  return parts.join('.');
}

/** Changes one character to another base64url character that decodes to different bytes. */
function flipFirstCharacter(part: string): string {
  return (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
}

describe('secretbox', () => {
  it('round-trips UTF-8 text, including the empty string', () => {
    for (const plaintext of ['AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', '', 'pässwörd ✓ 秘密']) {
      expect(decryptSecret(encryptSecret(plaintext, key), key)).toBe(plaintext);
    }
  });

  it('writes v1.<iv>.<tag>.<ciphertext> with a 12-byte IV, a 16-byte tag and no plaintext', () => {
    const sealed = encryptSecret('signing-secret-value', key);
    const [version, iv, tag, body, ...rest] = sealed.split('.');
    expect(version).toBe('v1');
    expect(rest).toEqual([]);
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(body!, 'base64url')).toHaveLength('signing-secret-value'.length);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('signing-secret-value');
  });

  it('is standard AES-256-GCM, so the stored value can be decrypted without this module', () => {
    const [, iv, tag, body] = encryptSecret('interoperable', key).split('.');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(body!, 'base64url')), decipher.final()]);
    expect(plaintext.toString('utf8')).toBe('interoperable');
  });

  it('uses a fresh IV for every encryption', () => {
    const ivs = new Set(Array.from({ length: 200 }, () => encryptSecret('same', key).split('.')[1]));
    expect(ivs.size).toBe(200);
  });

  it('refuses a different key', () => {
    const sealed = encryptSecret('secret', key);
    expect(() => decryptSecret(sealed, randomBytes(32))).toThrow(SecretDecryptionError);
  });

  it.each([
    ['the IV', 1],
    ['the tag', 2],
    ['the ciphertext', 3],
  ])('detects tampering with %s', (_label, index) => {
    const sealed = encryptSecret('a secret long enough to tamper with', key);
    expect(() => decryptSecret(replacePart(sealed, index, flipFirstCharacter), key)).toThrow(SecretDecryptionError);
  });

  it('detects every single-character change anywhere in the value', () => {
    const sealed = encryptSecret('short', key);
    for (let position = 0; position < sealed.length; position += 1) {
      const replacement = sealed[position] === 'x' ? 'y' : 'x';
      const altered = sealed.slice(0, position) + replacement + sealed.slice(position + 1);
      expect(() => decryptSecret(altered, key), `position ${position}`).toThrow(SecretDecryptionError);
    }
  });

  it('rejects a truncated tag, which GCM would otherwise accept', () => {
    const sealed = encryptSecret('secret', key);
    const shortTag = replacePart(sealed, 2, (tag) => Buffer.from(tag, 'base64url').subarray(0, 12).toString('base64url'));
    expect(() => decryptSecret(shortTag, key)).toThrow(/wrong IV or tag length/);
  });

  it.each([
    ['an empty string', ''],
    ['too few parts', 'v1.abc.def'],
    ['too many parts', 'v1.a.b.c.d'],
    ['an unknown version', 'v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA'],
    ['characters outside base64url', 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA+/'],
  ])('rejects %s', (_label, value) => {
    expect(() => decryptSecret(value, key)).toThrow(SecretDecryptionError);
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => encryptSecret('secret', randomBytes(16))).toThrow(RangeError);
    expect(() => decryptSecret(encryptSecret('secret', key), randomBytes(31))).toThrow(RangeError);
  });

  it('uses the configured ENCRYPTION_KEY by default', () => {
    const configuredKey = Buffer.from(getEnv().secrets.ENCRYPTION_KEY, 'base64');
    expect(decryptSecret(encryptSecret('from the environment'), configuredKey)).toBe('from the environment');
    expect(decryptSecret(encryptSecret('from the environment', configuredKey))).toBe('from the environment');
  });
});
