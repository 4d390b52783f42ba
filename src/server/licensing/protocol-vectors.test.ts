import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import fc from 'fast-check';
import { calculateJwkThumbprint, decodeProtectedHeader, jwtVerify } from 'jose';
import { securityPolicy } from '../security/policy';
import { describe, expect, it } from 'vitest';
import {
  canonicalRequestString,
  computeRequestSignature,
  isTimestampFresh,
  parseSignatureHeaders,
  sha256Hex,
  signedPathFor,
  verifyRequestSignature,
} from './request-signature';
import {
  issueOfflineToken,
  publicKeyDocument,
  responseSignatureHeaders,
  signAuditCheckpoint,
  signingKeyId,
  signResponse,
  verifyWithPublicKey,
} from './signing';

// PROTOCOL.md section 9, request signature vector.
const SIGNING_SECRET = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const REQUEST_PATH = '/api/v1/licenses/validate';
const REQUEST_TIMESTAMP = 1700000000;
const NONCE = 'conformance-nonce-0001';
const REQUEST_BODY = '{"licenseKey":"LK-01234-56789-ABCDE-FGHJK-MNP5D","fingerprint":"machine-01"}';
const REQUEST_BODY_SHA256 = '65c037d19e870a0970745787f8f8b3baa33539f2ad10fe0d6f3286330936bfa1';
const REQUEST_SIGNATURE = 'cdbf97fa677f21334c55c0b87b38f88bf97f409b55c8df15e3f3b22b3e9be1d0';

// PROTOCOL.md section 9, response signature vector: RFC 8032 section 7.1 test 1.
const RFC8032_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC8032_JWK_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const RESPONSE_TIMESTAMP = 1700000001;
const RESPONSE_BODY = '{"valid":true,"code":"VALID","detail":"ok"}';
const RESPONSE_SIGNATURE_HEADER =
  'ed25519=WXqYrtm2z1KOZcYmOHcdxT2yqKsFIOe8ojt6L4l9HSW1Txxj1J5qbhVkHPJL+J/Rf9+mQ1lr/h0piZ4/pn/xDg==';

// An Ed25519 PKCS#8 structure is this fixed DER prefix followed by the 32-byte seed (RFC 8410).
const PKCS8_ED25519_PREFIX = '302e020100300506032b657004220420';
const rfc8032Key = createPrivateKey({ key: Buffer.from(PKCS8_ED25519_PREFIX + RFC8032_SEED, 'hex'), format: 'der', type: 'pkcs8' });

const headerLookup = (headers: Record<string, string>) => (name: string) => {
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
  return entry ? entry[1] : null;
};

describe('PROTOCOL.md section 9 request signature vector', () => {
  const canonical = canonicalRequestString({
    method: 'POST',
    path: REQUEST_PATH,
    timestamp: REQUEST_TIMESTAMP,
    nonce: NONCE,
    bodySha256Hex: sha256Hex(REQUEST_BODY),
  });

  it('hashes the body to the documented SHA-256', () => {
    expect(sha256Hex(REQUEST_BODY)).toBe(REQUEST_BODY_SHA256);
    expect(sha256Hex(Buffer.from(REQUEST_BODY, 'utf8'))).toBe(REQUEST_BODY_SHA256);
  });

  it('builds the six canonical lines in order, without a trailing newline', () => {
    expect(canonical.split('\n')).toEqual([
      'LICENSOR-HMAC-SHA256',
      'POST',
      REQUEST_PATH,
      '1700000000',
      NONCE,
      REQUEST_BODY_SHA256,
    ]);
    expect(canonical.endsWith('\n')).toBe(false);
    expect(canonicalRequestString({ method: 'post', path: REQUEST_PATH, timestamp: REQUEST_TIMESTAMP, nonce: NONCE, bodySha256Hex: REQUEST_BODY_SHA256 })).toBe(
      canonical,
    );
  });

  it('gives the documented signature, keyed with the secret string rather than its decoded bytes', () => {
    expect(computeRequestSignature(SIGNING_SECRET, canonical)).toBe(REQUEST_SIGNATURE);
    expect(computeRequestSignature(Buffer.from(SIGNING_SECRET, 'base64url').toString('latin1'), canonical)).not.toBe(REQUEST_SIGNATURE);
  });

  it('verifies the vector and refuses any other signature, secret or canonical string', () => {
    expect(verifyRequestSignature(SIGNING_SECRET, canonical, REQUEST_SIGNATURE)).toBe(true);
    expect(verifyRequestSignature(SIGNING_SECRET, canonical, REQUEST_SIGNATURE.toUpperCase())).toBe(false);
    expect(verifyRequestSignature(SIGNING_SECRET, canonical, `${REQUEST_SIGNATURE.slice(0, 63)}1`)).toBe(false);
    expect(verifyRequestSignature(SIGNING_SECRET, canonical, REQUEST_SIGNATURE.slice(0, 62))).toBe(false);
    expect(verifyRequestSignature(`${SIGNING_SECRET.slice(0, 42)}A`, canonical, REQUEST_SIGNATURE)).toBe(false);
    expect(verifyRequestSignature(SIGNING_SECRET, canonical.replace('validate', 'activate'), REQUEST_SIGNATURE)).toBe(false);
  });

  it('signs the path with the public prefix, percent-encoding untouched and without the query', () => {
    expect(signedPathFor(REQUEST_PATH, '')).toBe(REQUEST_PATH);
    expect(signedPathFor(`${REQUEST_PATH}?debug=1`, '')).toBe(REQUEST_PATH);
    expect(signedPathFor(REQUEST_PATH, '/licensor')).toBe(`/licensor${REQUEST_PATH}`);
    expect(signedPathFor(REQUEST_PATH, '/licensor/')).toBe(`/licensor${REQUEST_PATH}`);
    expect(signedPathFor(REQUEST_PATH, 'licensor')).toBe(`/licensor${REQUEST_PATH}`);
    expect(signedPathFor('/api/v1/licenses/%76alidate?x=%20', '/a%2Fb')).toBe('/a%2Fb/api/v1/licenses/%76alidate');
  });
});

describe('signature headers (section 2)', () => {
  const valid = { 'X-Licensor-Timestamp': '1700000000', 'X-Licensor-Nonce': NONCE, 'X-Licensor-Signature': REQUEST_SIGNATURE };
  const parse = (overrides: Record<string, string | undefined>) => {
    const headers = Object.fromEntries(
      Object.entries({ ...valid, ...overrides }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return parseSignatureHeaders(headerLookup(headers));
  };

  it('parses well-formed headers', () => {
    expect(parse({})).toEqual({ ok: true, timestamp: 1700000000, nonce: NONCE, signature: REQUEST_SIGNATURE });
  });

  it('refuses a missing header', () => {
    for (const name of Object.keys(valid)) expect(parse({ [name]: undefined })).toEqual({ ok: false });
  });

  it.each([
    ['0', false],
    ['01700000000', false],
    ['-1700000000', false],
    ['1700000000.5', false],
    [' 1700000000', false],
    ['1e9', false],
    ['', false],
    ['1', true],
    ['999999999999', true],
    ['1000000000000', false],
  ])('timestamp %j well-formed: %s', (timestamp, ok) => {
    expect(parse({ 'X-Licensor-Timestamp': timestamp }).ok).toBe(ok);
  });

  it.each([
    ['a'.repeat(15), false],
    ['a'.repeat(16), true],
    ['a'.repeat(128), true],
    ['a'.repeat(129), false],
    ['abcdefghijklmnop+', false],
    ['abcdefghijklmnop=', false],
    ['abcdefghijklmno.p', false],
    ['abcdefghijklmnop\n', false],
    ['AZaz09_-AZaz09_-', true],
  ])('nonce %j well-formed: %s', (nonce, ok) => {
    expect(parse({ 'X-Licensor-Nonce': nonce }).ok).toBe(ok);
  });

  it.each([
    [REQUEST_SIGNATURE, true],
    [REQUEST_SIGNATURE.toUpperCase(), false],
    [REQUEST_SIGNATURE.slice(1), false],
    [`${REQUEST_SIGNATURE}0`, false],
    [`${REQUEST_SIGNATURE.slice(1)}g`, false],
    [`${REQUEST_SIGNATURE}, ${REQUEST_SIGNATURE}`, false],
  ])('signature %j well-formed: %s', (signature, ok) => {
    expect(parse({ 'X-Licensor-Signature': signature }).ok).toBe(ok);
  });

  it('round-trips every well-formed timestamp to the exact header text', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{0,11}$/), (timestamp) => {
        const parsed = parse({ 'X-Licensor-Timestamp': timestamp });
        expect(parsed.ok && String(parsed.timestamp)).toBe(timestamp);
      }),
    );
  });
});

describe('timestamp freshness (section 2)', () => {
  const now = 1700000000;

  it('accepts up to 300 s either way and refuses 301 s', () => {
    expect(isTimestampFresh(now, now)).toBe(true);
    expect(isTimestampFresh(now - 300, now)).toBe(true);
    expect(isTimestampFresh(now + 300, now)).toBe(true);
    expect(isTimestampFresh(now - 301, now)).toBe(false);
    expect(isTimestampFresh(now + 301, now)).toBe(false);
  });

  it('takes another skew when given', () => {
    expect(isTimestampFresh(now - 30, now, 30)).toBe(true);
    expect(isTimestampFresh(now - 31, now, 30)).toBe(false);
  });
});

describe('PROTOCOL.md section 9 response signature vector', () => {
  it('gives the documented header for the RFC 8032 test 1 key', () => {
    expect(signResponse({ requestNonce: NONCE, timestamp: RESPONSE_TIMESTAMP, body: RESPONSE_BODY }, rfc8032Key)).toBe(
      RESPONSE_SIGNATURE_HEADER,
    );
    expect(
      signResponse({ requestNonce: NONCE, timestamp: RESPONSE_TIMESTAMP, body: Buffer.from(RESPONSE_BODY, 'utf8') }, rfc8032Key),
    ).toBe(RESPONSE_SIGNATURE_HEADER);
  });

  it('is 88 characters of standard padded base64 over the three documented lines', () => {
    const signature = RESPONSE_SIGNATURE_HEADER.slice('ed25519='.length);
    expect(signature).toHaveLength(88);
    expect(signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    const message = `${NONCE}\n${RESPONSE_TIMESTAMP}\n${sha256Hex(RESPONSE_BODY)}`;
    expect(verify(null, Buffer.from(message, 'utf8'), createPublicKey(rfc8032Key), Buffer.from(signature, 'base64'))).toBe(true);
    expect(verifyWithPublicKey(message, signature, publicKeyDocument(rfc8032Key).publicKeyPem)).toBe(true);
  });

  it('leaves the first line empty when the request nonce is missing or did not match its pattern', () => {
    for (const requestNonce of [null, 'short', `${NONCE}\nforged-line`, 'a'.repeat(129)]) {
      const header = signResponse({ requestNonce, timestamp: RESPONSE_TIMESTAMP, body: RESPONSE_BODY }, rfc8032Key);
      const message = `\n${RESPONSE_TIMESTAMP}\n${sha256Hex(RESPONSE_BODY)}`;
      expect(verifyWithPublicKey(message, header.slice('ed25519='.length), createPublicKey(rfc8032Key))).toBe(true);
    }
  });

  it('refuses a timestamp that is not positive whole Unix seconds', () => {
    for (const timestamp of [0, -1, 1.5, Number.NaN, 1e13]) {
      expect(() => signResponse({ requestNonce: NONCE, timestamp, body: RESPONSE_BODY }, rfc8032Key)).toThrow(RangeError);
    }
  });

  it('sends the timestamp header it signed', () => {
    const headers = responseSignatureHeaders({ requestNonce: NONCE, body: RESPONSE_BODY, now: new Date(1700000001_900) }, rfc8032Key);
    expect(headers).toEqual({ 'X-Licensor-Timestamp': '1700000001', 'X-Licensor-Response-Signature': RESPONSE_SIGNATURE_HEADER });
  });
});

describe('public key document (section 3)', () => {
  const document = publicKeyDocument(rfc8032Key);

  it('has exactly the documented shape for the RFC 8032 test key', () => {
    expect(document).toEqual({
      algorithm: 'Ed25519',
      keyId: signingKeyId(rfc8032Key),
      publicKeyPem: createPublicKey(rfc8032Key).export({ type: 'spki', format: 'pem' }).toString(),
      jwk: { kty: 'OKP', crv: 'Ed25519', x: RFC8032_JWK_X, kid: signingKeyId(rfc8032Key), use: 'sig', alg: 'EdDSA' },
    });
    expect(document.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+-----END PUBLIC KEY-----\n$/);
  });

  it('names the key by its RFC 7638 thumbprint (RFC 8037 appendix A.3 for this key)', async () => {
    expect(document.keyId).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
    expect(document.keyId).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: RFC8032_JWK_X }, 'sha256'));
    expect(document.jwk.kid).toBe(document.keyId);
  });

  it('gives the same key id for the private and the public key, and another for another key', () => {
    expect(signingKeyId(createPublicKey(rfc8032Key))).toBe(document.keyId);
    expect(signingKeyId(generateKeyPairSync('ed25519').privateKey)).not.toBe(document.keyId);
  });

  it('refuses a key that is not Ed25519', () => {
    expect(() => publicKeyDocument(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey)).toThrow(TypeError);
  });

  it('matches the configured key by default', () => {
    expect(createPublicKey(publicKeyDocument().publicKeyPem).export({ format: 'jwk' }).x).toBe(publicKeyDocument().jwk.x);
  });
});

describe('offline token (section 5)', () => {
  const issuer = 'https://licensor.example.com';
  const now = new Date('2026-03-01T12:00:00.750Z');
  const iat = Math.floor(now.getTime() / 1000);
  const base = { licenseId: 'lic_123', fingerprint: 'machine-01', features: ['reports', 'sso'], now, issuer };

  it('has the documented header and claims and verifies with the public key', async () => {
    const { token, expiresAt } = await issueOfflineToken({ ...base, licenseExpiresAt: null }, rfc8032Key);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: signingKeyId(rfc8032Key) });
    const { payload } = await jwtVerify(token, createPublicKey(rfc8032Key), { issuer, currentDate: now, algorithms: ['EdDSA'] });
    expect(payload).toEqual({
      iss: issuer,
      sub: 'lic_123',
      fp: 'machine-01',
      features: ['reports', 'sso'],
      iat,
      nbf: iat,
      exp: iat + securityPolicy().licenseApi.offlineGraceSeconds,
    });
    expect(expiresAt).toEqual(new Date((iat + 7 * 24 * 60 * 60) * 1000));
  });

  it('expires with the license when that is earlier than the grace period', async () => {
    const licenseExpiresAt = new Date(now.getTime() + 2 * 24 * 60 * 60 * 1000 + 500);
    const { token, expiresAt } = await issueOfflineToken({ ...base, licenseExpiresAt }, rfc8032Key);
    const { payload } = await jwtVerify(token, createPublicKey(rfc8032Key), { currentDate: now });
    expect(payload.exp).toBe(Math.floor(licenseExpiresAt.getTime() / 1000));
    expect(expiresAt.getTime()).toBe(payload.exp! * 1000);
  });

  it('keeps the grace period when the license expires later', async () => {
    const licenseExpiresAt = new Date(now.getTime() + 30 * 24 * 60 * 60 * 1000);
    const { token } = await issueOfflineToken({ ...base, licenseExpiresAt }, rfc8032Key);
    expect((await jwtVerify(token, createPublicKey(rfc8032Key), { currentDate: now })).payload.exp).toBe(iat + securityPolicy().licenseApi.offlineGraceSeconds);
  });

  it('drops a trailing slash from the issuer and is refused by another key', async () => {
    const { token } = await issueOfflineToken({ ...base, issuer: `${issuer}/`, licenseExpiresAt: null }, rfc8032Key);
    expect((await jwtVerify(token, createPublicKey(rfc8032Key), { currentDate: now })).payload.iss).toBe(issuer);
    await expect(jwtVerify(token, generateKeyPairSync('ed25519').publicKey, { currentDate: now })).rejects.toThrow();
  });

  it('takes APP_URL as the issuer by default', async () => {
    const { token } = await issueOfflineToken({ ...base, issuer: undefined, licenseExpiresAt: null }, rfc8032Key);
    const { payload } = await jwtVerify(token, createPublicKey(rfc8032Key), { currentDate: now });
    expect(payload.iss).toMatch(/^https?:\/\/[^/]+(\/.*[^/])?$/);
  });
});

describe('detached signatures', () => {
  it('signs a checkpoint that verifies only with the same key and message', () => {
    const signature = signAuditCheckpoint('audit:42:abcdef', rfc8032Key);
    expect(verifyWithPublicKey('audit:42:abcdef', signature, createPublicKey(rfc8032Key))).toBe(true);
    expect(verifyWithPublicKey('audit:43:abcdef', signature, createPublicKey(rfc8032Key))).toBe(false);
    expect(verifyWithPublicKey('audit:42:abcdef', signature, generateKeyPairSync('ed25519').publicKey)).toBe(false);
    expect(verifyWithPublicKey('audit:42:abcdef', signature.slice(0, -4), createPublicKey(rfc8032Key))).toBe(false);
  });

  it('signs with the configured key by default', () => {
    expect(verifyWithPublicKey('checkpoint', signAuditCheckpoint('checkpoint'))).toBe(true);
  });
});
