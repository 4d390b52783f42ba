import { createHash, createHmac, createPublicKey, randomBytes, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * The panel side of PROTOCOL.md, written from the protocol text alone and only with node:
 * built-ins, so that this folder can be published on its own: key normalisation (section 1),
 * request signatures (section 2), response signatures (section 3) and offline tokens (section 5).
 */

// Section 1.
export const LICENSE_KEY_PATTERN = /^[A-Z]{2,8}-([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}$/;
export const SIGNING_SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;
// Exactly the protocol's white space (U+0009 to U+000D and U+0020); trim() would drop more.
const SURROUNDING_WHITE_SPACE = /^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g;

// Section 2 and 3 headers.
export const TIMESTAMP_HEADER = 'X-Licensor-Timestamp';
export const NONCE_HEADER = 'X-Licensor-Nonce';
export const SIGNATURE_HEADER = 'X-Licensor-Signature';
export const RESPONSE_SIGNATURE_HEADER = 'X-Licensor-Response-Signature';
const TIMESTAMP_PATTERN = /^[1-9][0-9]{0,11}$/;
const RESPONSE_SIGNATURE_PATTERN = /^ed25519=([A-Za-z0-9+/]{86}==)$/;

/** Section 7: how far a response timestamp may be from this machine's clock. */
export const CLOCK_SKEW_SECONDS = 300;
// 24 random bytes are 32 base64url characters, inside the nonce pattern's 16 to 128.
const NONCE_BYTES = 24;

/** Drops the protocol's surrounding white space and upper-cases ASCII letters; nothing else. */
export function normaliseLicenseKey(raw: string): string {
  return raw.replace(SURROUNDING_WHITE_SPACE, '').replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

/** Lower-case hex SHA-256; a string is hashed as its UTF-8 bytes. */
export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A fresh request nonce: base64url of 24 random bytes. */
export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString('base64url');
}

/** Section 2's six lines joined by "\n", without a trailing newline. */
export function canonicalRequestString(parts: {
  method: string;
  path: string;
  timestamp: number;
  nonce: string;
  bodySha256Hex: string;
}): string {
  return ['LICENSOR-HMAC-SHA256', parts.method.toUpperCase(), parts.path, String(parts.timestamp), parts.nonce, parts.bodySha256Hex].join(
    '\n',
  );
}

/** HMAC-SHA256 keyed with the UTF-8 bytes of the signing secret string, lower-case hex. */
export function requestSignature(signingSecret: string, canonical: string): string {
  return createHmac('sha256', Buffer.from(signingSecret, 'utf8')).update(canonical, 'utf8').digest('hex');
}

/**
 * Whether a response's X-Licensor-Response-Signature is the server's Ed25519 signature over
 * `<our nonce>\n<its X-Licensor-Timestamp>\n<SHA-256 hex of the raw body>`. Building the message
 * with our own nonce is what checks that the server echoed it.
 */
export function verifyResponseSignature(response: {
  signatureHeader: string | null;
  timestampHeader: string | null;
  nonce: string;
  body: Uint8Array;
  publicKey: KeyObject;
}): boolean {
  const match = RESPONSE_SIGNATURE_PATTERN.exec(response.signatureHeader ?? '');
  if (!match || response.timestampHeader === null || !TIMESTAMP_PATTERN.test(response.timestampHeader)) return false;
  const message = `${response.nonce}\n${response.timestampHeader}\n${sha256Hex(response.body)}`;
  return verify(null, Buffer.from(message, 'utf8'), response.publicKey, Buffer.from(match[1]!, 'base64'));
}

/** Whether a timestamp (Unix seconds) is at most 300 s from now. */
export function isTimestampFresh(timestamp: number, nowSeconds: number): boolean {
  return Math.abs(timestamp - nowSeconds) <= CLOCK_SKEW_SECONDS;
}

/** An Ed25519 public key from an SPKI PEM or a JWK (extra JWK members such as kid are ignored). */
export function toPublicKey(input: string | JsonWebKey): KeyObject {
  const key = typeof input === 'string' ? createPublicKey(input) : createPublicKey({ key: { kty: input.kty, crv: input.crv, x: input.x }, format: 'jwk' });
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('The Licensor public key must be an Ed25519 key.');
  return key;
}

/** RFC 7638 thumbprint of the key, which the server publishes as its keyId. */
export function keyThumbprint(publicKey: KeyObject): string {
  const { x } = publicKey.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }), 'utf8').digest('base64url');
}

export type OfflineTokenClaims = {
  iss: string;
  sub: string;
  fp: string;
  features: string[];
  iat: number;
  nbf: number;
  exp: number;
};

/** base64url as the JWS spec writes it; Buffer.from would also accept other spellings of the same bytes. */
function decodeBase64url(text: string): Buffer | null {
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

function decodeJsonObject(part: string): Record<string, unknown> | null {
  const bytes = decodeBase64url(part);
  if (bytes === null) return null;
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isWholeNumber = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * The claims of an offline token (section 5) when its EdDSA signature verifies with the key and
 * its claims have the documented types, else null. Times are for the caller to judge.
 */
export function verifyOfflineToken(token: string, publicKey: KeyObject): OfflineTokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonObject(headerPart);
  // A "crit" header names extensions this verifier does not implement (RFC 7515 section 4.1.11).
  if (header === null || header.alg !== 'EdDSA' || 'crit' in header) return null;
  const signature = decodeBase64url(signaturePart);
  if (signature === null || signature.length !== 64) return null;
  if (!verify(null, Buffer.from(`${headerPart}.${payloadPart}`, 'ascii'), publicKey, signature)) return null;
  const claims = decodeJsonObject(payloadPart);
  if (
    claims === null ||
    typeof claims.iss !== 'string' ||
    typeof claims.sub !== 'string' ||
    typeof claims.fp !== 'string' ||
    !Array.isArray(claims.features) ||
    !claims.features.every((feature) => typeof feature === 'string') ||
    !isWholeNumber(claims.iat) ||
    !isWholeNumber(claims.nbf) ||
    !isWholeNumber(claims.exp)
  ) {
    return null;
  }
  return {
    iss: claims.iss,
    sub: claims.sub,
    fp: claims.fp,
    features: claims.features as string[],
    iat: claims.iat,
    nbf: claims.nbf,
    exp: claims.exp,
  };
}
