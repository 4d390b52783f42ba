import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeCheckCharacters,
  CROCKFORD_ALPHABET,
  generateLicenseKey,
  generateSigningSecret,
  hasValidCheckValue,
  isWellFormedLicenseKey,
  keyLast4,
  normaliseLicenseKey,
} from './keys';

// PROTOCOL.md section 9, key check vector.
const VECTOR_SECRET = 'conformance-key-check-secret';
const VECTOR_RANDOM_PART = '0123456789ABCDEFGHJKMNP';
const VECTOR_KEY = 'LK-01234-56789-ABCDE-FGHJK-MNP5D';

describe('PROTOCOL.md section 9 key check vector', () => {
  it('has the documented MAC over PREFIX-<random part>', () => {
    const mac = createHmac('sha256', VECTOR_SECRET).update(`LK-${VECTOR_RANDOM_PART}`).digest('hex');
    expect(mac.startsWith('2b436bc1a9')).toBe(true);
  });

  it('gives the check characters 5D (bits 0010101101 = 5 and 13)', () => {
    expect(computeCheckCharacters('LK', VECTOR_RANDOM_PART, VECTOR_SECRET)).toBe('5D');
    expect(CROCKFORD_ALPHABET[5]).toBe('5');
    expect(CROCKFORD_ALPHABET[13]).toBe('D');
  });

  it('verifies the vector key and nothing with a different check value or secret', () => {
    expect(isWellFormedLicenseKey(VECTOR_KEY)).toBe(true);
    expect(hasValidCheckValue(VECTOR_KEY, VECTOR_SECRET)).toBe(true);
    expect(hasValidCheckValue(VECTOR_KEY, 'another-key-check-secret')).toBe(false);
    for (const check of ['5C', '5E', 'D5', '00']) {
      expect(hasValidCheckValue(`LK-01234-56789-ABCDE-FGHJK-MNP${check}`, VECTOR_SECRET)).toBe(false);
    }
  });

  it('binds the check value to the prefix and to every random character', () => {
    expect(hasValidCheckValue('LX-01234-56789-ABCDE-FGHJK-MNP5D', VECTOR_SECRET)).toBe(false);
    expect(hasValidCheckValue('LK-11234-56789-ABCDE-FGHJK-MNP5D', VECTOR_SECRET)).toBe(false);
    expect(hasValidCheckValue('LK-01234-56789-ABCDE-FGHJK-MNQ5D', VECTOR_SECRET)).toBe(false);
  });
});

describe('alphabet', () => {
  it('is Crockford base32 without I, L, O and U', () => {
    expect(CROCKFORD_ALPHABET).toHaveLength(32);
    expect(new Set(CROCKFORD_ALPHABET).size).toBe(32);
    expect(CROCKFORD_ALPHABET).not.toMatch(/[ILOU]/);
  });
});

describe('normaliseLicenseKey', () => {
  it('drops surrounding tab, line feed, vertical tab, form feed, carriage return and space', () => {
    expect(normaliseLicenseKey(`\t\n\u000b\f\r ${VECTOR_KEY} \r\n\t`)).toBe(VECTOR_KEY);
  });

  it('upper-cases ASCII letters only', () => {
    expect(normaliseLicenseKey('lk-01234-56789-abcde-fghjk-mnp5d')).toBe(VECTOR_KEY);
    expect(normaliseLicenseKey('Lk-01234-56789-aBcDe-FgHjK-mNp5d')).toBe(VECTOR_KEY);
  });

  it('keeps other white space, which then makes the key malformed', () => {
    for (const space of ['\u00a0', '\u2028', '\ufeff', '\u3000', '\u0085']) {
      const normalised = normaliseLicenseKey(`${space}${VECTOR_KEY}`);
      expect(normalised).toBe(`${space}${VECTOR_KEY}`);
      expect(isWellFormedLicenseKey(normalised)).toBe(false);
    }
  });

  it('does not touch inner white space', () => {
    expect(normaliseLicenseKey(' LK-01234 -56789 ')).toBe('LK-01234 -56789');
  });

  it('does not apply Unicode case mappings', () => {
    // toUpperCase() would turn the dotless ı into I and ß into SS.
    expect(normaliseLicenseKey('ıß-01234')).toBe('ıß-01234');
    expect(normaliseLicenseKey('ﬀ')).toBe('ﬀ');
  });

  it('does not rewrite Crockford aliases', () => {
    const withAliases = normaliseLicenseKey('LK-O1234-56789-ABCDE-FGHJK-MNP5D');
    expect(withAliases).toBe('LK-O1234-56789-ABCDE-FGHJK-MNP5D');
    expect(isWellFormedLicenseKey(withAliases)).toBe(false);
    expect(normaliseLicenseKey('lk-i1234')).toBe('LK-I1234');
  });

  it('returns the empty string for white space only', () => {
    expect(normaliseLicenseKey(' \t\r\n ')).toBe('');
  });
});

describe('isWellFormedLicenseKey', () => {
  it.each([
    ['a 2-letter prefix', 'LK-01234-56789-ABCDE-FGHJK-MNP5D'],
    ['an 8-letter prefix', 'ABCDEFGH-01234-56789-ABCDE-FGHJK-MNP5D'],
    ['the last letters of the alphabet', 'ZZ-VWXYZ-TSRQP-NMKJH-GFEDC-BA987'],
  ])('accepts %s', (_label, key) => {
    expect(isWellFormedLicenseKey(key)).toBe(true);
  });

  it.each([
    ['a 1-letter prefix', 'L-01234-56789-ABCDE-FGHJK-MNP5D'],
    ['a 9-letter prefix', 'ABCDEFGHI-01234-56789-ABCDE-FGHJK-MNP5D'],
    ['a prefix with a digit', 'L1-01234-56789-ABCDE-FGHJK-MNP5D'],
    ['lower case (not normalised)', 'lk-01234-56789-abcde-fghjk-mnp5d'],
    ['I', 'LK-I1234-56789-ABCDE-FGHJK-MNP5D'],
    ['L', 'LK-L1234-56789-ABCDE-FGHJK-MNP5D'],
    ['O', 'LK-O1234-56789-ABCDE-FGHJK-MNP5D'],
    ['U', 'LK-U1234-56789-ABCDE-FGHJK-MNP5D'],
    ['four groups', 'LK-01234-56789-ABCDE-FGHJK'],
    ['six groups', 'LK-01234-56789-ABCDE-FGHJK-MNP5D-01234'],
    ['a short group', 'LK-0123-56789-ABCDE-FGHJK-MNP5D'],
    ['no dashes', 'LK0123456789ABCDEFGHJKMNP5D'],
    ['a trailing newline', 'LK-01234-56789-ABCDE-FGHJK-MNP5D\n'],
    ['surrounding space (not normalised)', ' LK-01234-56789-ABCDE-FGHJK-MNP5D'],
    ['the empty string', ''],
  ])('rejects %s', (_label, key) => {
    expect(isWellFormedLicenseKey(key)).toBe(false);
  });

  it('makes hasValidCheckValue false for a malformed key', () => {
    expect(hasValidCheckValue('lk-01234-56789-abcde-fghjk-mnp5d', VECTOR_SECRET)).toBe(false);
    expect(hasValidCheckValue('LK-01234-56789-ABCDE-FGHJK-MNP5', VECTOR_SECRET)).toBe(false);
  });
});

describe('generateLicenseKey', () => {
  const secret = 'a-key-check-secret-of-at-least-32-characters';

  it('always gives a well-formed key that verifies, for every prefix length', () => {
    const prefixes = ['LK', 'ABC', 'ABCDEFGH'];
    for (let round = 0; round < 3000; round += 1) {
      const prefix = prefixes[round % prefixes.length]!;
      const key = generateLicenseKey(prefix, secret);
      expect(key.startsWith(`${prefix}-`)).toBe(true);
      expect(isWellFormedLicenseKey(key)).toBe(true);
      expect(normaliseLicenseKey(key)).toBe(key);
      expect(hasValidCheckValue(key, secret)).toBe(true);
    }
  });

  it('does not repeat keys and uses every alphabet digit in every random position', () => {
    const keys = Array.from({ length: 3000 }, () => generateLicenseKey('LK', secret));
    expect(new Set(keys).size).toBe(keys.length);
    const randomParts = keys.map((key) => key.slice(3).replaceAll('-', '').slice(0, 23));
    for (let position = 0; position < 23; position += 1) {
      // 3000 draws from 32 digits: a missing digit has probability below 32 * (31/32)^3000, about 1e-40.
      expect(new Set(randomParts.map((part) => part[position])).size, `position ${position + 1}`).toBe(32);
    }
  });

  it('rejects prefixes outside 2 to 8 upper-case ASCII letters', () => {
    for (const prefix of ['', 'L', 'lk', 'L1', 'ABCDEFGHI', 'ÄB']) {
      expect(() => generateLicenseKey(prefix, secret)).toThrow(RangeError);
    }
  });
});

describe('generateSigningSecret', () => {
  it('is 32 random bytes in base64url without padding: 43 characters', () => {
    const secrets = Array.from({ length: 500 }, generateSigningSecret);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});

describe('keyLast4', () => {
  it('is the last four characters of the normalised key', () => {
    expect(keyLast4(VECTOR_KEY)).toBe('NP5D');
    expect(keyLast4(' lk-01234-56789-abcde-fghjk-mnp5d\n')).toBe('NP5D');
  });
});
