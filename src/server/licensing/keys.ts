import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * License keys and signing secrets, exactly as PROTOCOL.md section 1 defines them:
 * `<PREFIX>-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`, 23 random Crockford base32 characters and 2 check
 * characters from an HMAC only the server can compute.
 */

export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const LICENSE_KEY_PATTERN = /^[A-Z]{2,8}-([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}$/;
export const KEY_PREFIX_PATTERN = /^[A-Z]{2,8}$/;

// 23 characters of 5 bits each: 115 random bits, above the protocol's minimum of 112.
const RANDOM_CHARACTERS = 23;
const GROUP_LENGTH = 5;
const SIGNING_SECRET_BYTES = 32;
// Exactly the protocol's white space: JavaScript's trim() would also drop U+00A0, U+2028, U+FEFF...
const SURROUNDING_WHITE_SPACE = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;

/**
 * `length` Crockford digits from a CSPRNG. The alphabet has 32 = 2^5 symbols, so reading the
 * random bytes 5 bits at a time gives uniform digits without rejection sampling.
 */
function randomCrockford(length: number): string {
  const bytes = randomBytes(Math.ceil((length * 5) / 8));
  let digits = '';
  let buffer = 0;
  let bufferedBits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bufferedBits += 8;
    while (bufferedBits >= 5 && digits.length < length) {
      bufferedBits -= 5;
      digits += CROCKFORD_ALPHABET[(buffer >> bufferedBits) & 0b11111];
    }
    buffer &= (1 << bufferedBits) - 1;
  }
  return digits;
}

/**
 * The two check characters: the 10 most significant bits of
 * HMAC-SHA256(keyCheckSecret, `PREFIX-<23 random characters>`), 5 bits per character.
 */
export function computeCheckCharacters(prefix: string, randomPart: string, keyCheckSecret: string): string {
  const mac = createHmac('sha256', Buffer.from(keyCheckSecret, 'utf8')).update(`${prefix}-${randomPart}`, 'ascii').digest();
  const topTenBits = (mac[0]! << 2) | (mac[1]! >> 6);
  return CROCKFORD_ALPHABET[topTenBits >> 5]! + CROCKFORD_ALPHABET[topTenBits & 0b11111]!;
}

function formatLicenseKey(prefix: string, characters: string): string {
  const groups = characters.match(new RegExp(`.{${GROUP_LENGTH}}`, 'g')) ?? [];
  return [prefix, ...groups].join('-');
}

/** A new license key for the product's prefix (2 to 8 upper-case ASCII letters). */
export function generateLicenseKey(prefix: string, keyCheckSecret: string): string {
  if (!KEY_PREFIX_PATTERN.test(prefix)) throw new RangeError('A license key prefix is 2 to 8 upper-case ASCII letters.');
  const randomPart = randomCrockford(RANDOM_CHARACTERS);
  return formatLicenseKey(prefix, randomPart + computeCheckCharacters(prefix, randomPart, keyCheckSecret));
}

/**
 * What every endpoint does to a key before anything else: drop surrounding white space
 * (U+0009 to U+000D and U+0020) and upper-case ASCII letters. Nothing else is rewritten; in
 * particular no Crockford aliases (O for 0, I and L for 1) and no Unicode case mapping.
 */
export function normaliseLicenseKey(raw: string): string {
  return raw.replace(SURROUNDING_WHITE_SPACE, '').replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** Whether an already normalised key has the protocol's shape. */
export function isWellFormedLicenseKey(key: string): boolean {
  return LICENSE_KEY_PATTERN.test(key);
}

/**
 * Whether a normalised key's check characters match its random part. A well-formed key that
 * fails is answered like an unknown key without a database read (PROTOCOL.md section 1).
 */
export function hasValidCheckValue(key: string, keyCheckSecret: string): boolean {
  if (!isWellFormedLicenseKey(key)) return false;
  const separator = key.indexOf('-');
  const prefix = key.slice(0, separator);
  const characters = key.slice(separator + 1).replaceAll('-', '');
  const expected = computeCheckCharacters(prefix, characters.slice(0, RANDOM_CHARACTERS), keyCheckSecret);
  return timingSafeEqual(Buffer.from(expected, 'ascii'), Buffer.from(characters.slice(RANDOM_CHARACTERS), 'ascii'));
}

/** A license's request-signing secret: 32 random bytes, base64url without padding (43 characters). */
export function generateSigningSecret(): string {
  return randomBytes(SIGNING_SECRET_BYTES).toString('base64url');
}

/** The only part of a key that may be shown or logged after issue. */
export function keyLast4(key: string): string {
  return normaliseLicenseKey(key).slice(-4);
}
