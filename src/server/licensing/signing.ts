import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { securityPolicy } from '../security/policy';
import { getEnv } from '../env';
import { NONCE_PATTERN, sha256Hex, TIMESTAMP_HEADER, TIMESTAMP_PATTERN } from './request-signature';

/**
 * The server's Ed25519 key and what it signs: responses of the signed endpoints (PROTOCOL.md
 * section 3), offline tokens (section 5) and the public-key document panels verify them with.
 * Every function takes the private key as an optional last parameter so that tests can use the
 * RFC 8032 test key; by default it is LICENSE_SIGNING_PRIVATE_KEY, loaded once.
 */

export const RESPONSE_SIGNATURE_HEADER = 'X-Licensor-Response-Signature';

/** PROTOCOL.md sections 5 and 7: a panel that cannot reach the server keeps working this long. */

export type PublicKeyDocument = {
  algorithm: 'Ed25519';
  keyId: string;
  publicKeyPem: string;
  jwk: { kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; use: 'sig'; alg: 'EdDSA' };
};

let serverKey: KeyObject | undefined;

/** The configured signing key (env.ts has already checked that it is an Ed25519 PKCS#8 PEM). */
export function serverSigningKey(): KeyObject {
  serverKey ??= createPrivateKey(getEnv().secrets.LICENSE_SIGNING_PRIVATE_KEY);
  return serverKey;
}

function publicKeyOf(key: KeyObject): KeyObject {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new TypeError('The signing key must be an Ed25519 key.');
  return publicKey;
}

function publicJwkX(key: KeyObject): string {
  const { x } = publicKeyOf(key).export({ format: 'jwk' });
  if (typeof x !== 'string') throw new TypeError('The signing key has no public component.');
  return x;
}

/**
 * RFC 7638 JWK thumbprint: SHA-256 over the required members of the OKP key in lexicographic
 * order and without white space, in base64url. Computed here rather than with jose's
 * calculateJwkThumbprint because that one is asynchronous and this is on every token's path.
 */
export function signingKeyId(key: KeyObject = serverSigningKey()): string {
  const canonicalJwk = JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x: publicJwkX(key) });
  return createHash('sha256').update(canonicalJwk, 'utf8').digest('base64url');
}

/** The body of GET /api/v1/licenses/public-key and of the admin CLI's key command (section 3). */
export function publicKeyDocument(key: KeyObject = serverSigningKey()): PublicKeyDocument {
  const keyId = signingKeyId(key);
  return {
    algorithm: 'Ed25519',
    keyId,
    publicKeyPem: publicKeyOf(key).export({ type: 'spki', format: 'pem' }).toString(),
    jwk: { kty: 'OKP', crv: 'Ed25519', x: publicJwkX(key), kid: keyId, use: 'sig', alg: 'EdDSA' },
  };
}

/**
 * The value of X-Licensor-Response-Signature: `ed25519=` and the signature in standard base64
 * with padding over `<nonce>\n<timestamp>\n<SHA-256 hex of the body>`. The request's nonce is
 * echoed only when it matched its pattern, so a header value can never add lines to the message.
 */
export function signResponse(
  response: { requestNonce: string | null; timestamp: number; body: string | Uint8Array },
  key: KeyObject = serverSigningKey(),
): string {
  if (!Number.isSafeInteger(response.timestamp) || !TIMESTAMP_PATTERN.test(String(response.timestamp))) {
    throw new RangeError('A response timestamp is a positive whole number of Unix seconds.');
  }
  const nonce = response.requestNonce !== null && NONCE_PATTERN.test(response.requestNonce) ? response.requestNonce : '';
  const message = `${nonce}\n${response.timestamp}\n${sha256Hex(response.body)}`;
  return `ed25519=${sign(null, Buffer.from(message, 'utf8'), key).toString('base64')}`;
}

/** Both headers every signed-endpoint response carries, from one clock reading. */
export function responseSignatureHeaders(
  response: { requestNonce: string | null; body: string | Uint8Array; now?: Date },
  key: KeyObject = serverSigningKey(),
): Record<typeof TIMESTAMP_HEADER | typeof RESPONSE_SIGNATURE_HEADER, string> {
  const timestamp = Math.floor((response.now ?? new Date()).getTime() / 1000);
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [RESPONSE_SIGNATURE_HEADER]: signResponse({ requestNonce: response.requestNonce, timestamp, body: response.body }, key),
  };
}

/**
 * The offline token of section 5: a compact EdDSA JWS for one license and machine, valid until
 * the earlier of the license's expiry and the end of the offline grace. The issuer defaults to
 * APP_URL, which env.ts has already stripped of trailing slashes.
 */
export async function issueOfflineToken(
  input: {
    licenseId: string;
    fingerprint: string;
    features: readonly string[];
    licenseExpiresAt: Date | null;
    now: Date;
    issuer?: string;
  },
  key: KeyObject = serverSigningKey(),
): Promise<{ token: string; expiresAt: Date }> {
  const issuedAt = Math.floor(input.now.getTime() / 1000);
  const graceEnd = issuedAt + securityPolicy().licenseApi.offlineGraceSeconds;
  // Rounded down so that the token never outlives the license by a fraction of a second.
  const expiresAt =
    input.licenseExpiresAt === null ? graceEnd : Math.min(graceEnd, Math.floor(input.licenseExpiresAt.getTime() / 1000));
  const token = await new SignJWT({ fp: input.fingerprint, features: [...input.features] })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: signingKeyId(key) })
    .setIssuer((input.issuer ?? getEnv().APP_URL).replace(/\/+$/, ''))
    .setSubject(input.licenseId)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key);
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/** A detached Ed25519 signature (standard base64) over a message's UTF-8 bytes, e.g. an audit chain head. */
export function signAuditCheckpoint(message: string, key: KeyObject = serverSigningKey()): string {
  return sign(null, Buffer.from(message, 'utf8'), key).toString('base64');
}

/** Checks a standard-base64 Ed25519 signature over a message (a string is its UTF-8 bytes). */
export function verifyWithPublicKey(
  message: string | Uint8Array,
  signatureBase64: string,
  publicKey: KeyObject | string = publicKeyOf(serverSigningKey()),
): boolean {
  const signature = Buffer.from(signatureBase64, 'base64');
  if (signature.length !== 64 || signature.toString('base64') !== signatureBase64) return false;
  const bytes = typeof message === 'string' ? Buffer.from(message, 'utf8') : message;
  return verify(null, bytes, typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKeyOf(publicKey), signature);
}
