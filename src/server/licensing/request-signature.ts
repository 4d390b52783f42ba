import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { securityPolicy } from '../security/policy';

/**
 * Signed requests, exactly as PROTOCOL.md section 2 defines them: three headers, a six-line
 * canonical string and an HMAC-SHA256 keyed with the license's signing secret. Framework-free:
 * the route handler passes header values and the raw body in, and decides the HTTP answer.
 */

export const TIMESTAMP_HEADER = 'X-Licensor-Timestamp';
export const NONCE_HEADER = 'X-Licensor-Nonce';
export const SIGNATURE_HEADER = 'X-Licensor-Signature';

// Section 2's header patterns. The timestamp has no leading zero, so its decimal value
// round-trips to the exact header text the client signed.
export const TIMESTAMP_PATTERN = /^[1-9][0-9]{0,11}$/;
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
export const SIGNATURE_PATTERN = /^[0-9a-f]{64}$/;

/** PROTOCOL.md section 7: a request or response timestamp may be this far from the reader's clock. */

const CANONICAL_REQUEST_TAG = 'LICENSOR-HMAC-SHA256';

export type SignatureHeaders =
  | { ok: true; timestamp: number; nonce: string; signature: string }
  | { ok: false };

/**
 * The three signature headers, or `{ ok: false }` when any is missing or does not match its
 * pattern (a malformed request: 400). `get` is a case-insensitive header lookup such as
 * `request.headers.get`; a repeated header arrives joined by ", " and so fails its pattern.
 */
export function parseSignatureHeaders(get: (name: string) => string | null): SignatureHeaders {
  const timestamp = get(TIMESTAMP_HEADER);
  const nonce = get(NONCE_HEADER);
  const signature = get(SIGNATURE_HEADER);
  if (timestamp === null || nonce === null || signature === null) return { ok: false };
  if (!TIMESTAMP_PATTERN.test(timestamp) || !NONCE_PATTERN.test(nonce) || !SIGNATURE_PATTERN.test(signature)) {
    return { ok: false };
  }
  return { ok: true, timestamp: Number(timestamp), nonce, signature };
}

/** Lower-case hex SHA-256; a string is hashed as its UTF-8 bytes. */
export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The six lines of section 2 joined by "\n", without a trailing newline. */
export function canonicalRequestString(parts: {
  method: string;
  path: string;
  timestamp: number;
  nonce: string;
  bodySha256Hex: string;
}): string {
  return [CANONICAL_REQUEST_TAG, parts.method.toUpperCase(), parts.path, String(parts.timestamp), parts.nonce, parts.bodySha256Hex].join(
    '\n',
  );
}

/** HMAC-SHA256 keyed with the UTF-8 bytes of the 43-character secret (not its decoded bytes), lower-case hex. */
export function computeRequestSignature(signingSecret: string, canonical: string): string {
  return createHmac('sha256', Buffer.from(signingSecret, 'utf8')).update(canonical, 'utf8').digest('hex');
}

/** Whether `signature` is the request's signature, compared in constant time. */
export function verifyRequestSignature(signingSecret: string, canonical: string, signature: string): boolean {
  if (!SIGNATURE_PATTERN.test(signature)) return false;
  const expected = computeRequestSignature(signingSecret, canonical);
  return timingSafeEqual(Buffer.from(expected, 'ascii'), Buffer.from(signature, 'ascii'));
}

/** Whether a timestamp is at most `skewSeconds` before or after now (section 2: more than 300 s is stale). */
export function isTimestampFresh(timestamp: number, nowSeconds: number, skewSeconds: number = securityPolicy().licenseApi.clockSkewSeconds): boolean {
  return Math.abs(timestamp - nowSeconds) <= skewSeconds;
}

/**
 * The path the client signed: the configured public prefix (API_PATH_PREFIX, for a server
 * behind a path-rewriting proxy) and the path as received, percent-encoding untouched, without
 * the query string. `rawUrlPath` is the request target's path, e.g. `new URL(request.url).pathname`
 * (WHATWG URL parsing keeps percent-encoding as sent).
 */
export function signedPathFor(rawUrlPath: string, prefix: string): string {
  const path = rawUrlPath.split(/[?#]/, 1)[0]!;
  const trimmedPrefix = prefix.replace(/\/+$/, '');
  if (trimmedPrefix === '') return path;
  return (trimmedPrefix.startsWith('/') ? trimmedPrefix : `/${trimmedPrefix}`) + path;
}
