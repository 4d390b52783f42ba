import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The server's helpers play the server in these tests only; the client itself imports nothing from src/server.
import {
  canonicalRequestString as serverCanonicalRequestString,
  isTimestampFresh as serverIsTimestampFresh,
  parseSignatureHeaders,
  sha256Hex as serverSha256Hex,
  signedPathFor,
  verifyRequestSignature,
} from '../server/licensing/request-signature';
import { issueOfflineToken, publicKeyDocument, signResponse } from '../server/licensing/signing';
import {
  canonicalRequestString,
  keyThumbprint,
  LicensorApiError,
  LicensorClient,
  LicensorResponseError,
  LicensorUnreachableError,
  requestSignature,
  sha256Hex,
  toPublicKey,
  verifyOfflineToken,
  verifyResponseSignature,
  type LicenseSummary,
  type ValidateResult,
} from './index';

// PROTOCOL.md section 9.
const SIGNING_SECRET = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const LICENSE_KEY = 'LK-01234-56789-ABCDE-FGHJK-MNP5D';
const NONCE = 'conformance-nonce-0001';
const REQUEST_BODY = '{"licenseKey":"LK-01234-56789-ABCDE-FGHJK-MNP5D","fingerprint":"machine-01"}';
const REQUEST_BODY_SHA256 = '65c037d19e870a0970745787f8f8b3baa33539f2ad10fe0d6f3286330936bfa1';
const REQUEST_SIGNATURE = 'cdbf97fa677f21334c55c0b87b38f88bf97f409b55c8df15e3f3b22b3e9be1d0';
const RFC8032_SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const RFC8032_JWK_X = '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo';
const RESPONSE_BODY = '{"valid":true,"code":"VALID","detail":"ok"}';
const RESPONSE_SIGNATURE_HEADER =
  'ed25519=WXqYrtm2z1KOZcYmOHcdxT2yqKsFIOe8ojt6L4l9HSW1Txxj1J5qbhVkHPJL+J/Rf9+mQ1lr/h0piZ4/pn/xDg==';

const vectorPublicKey = toPublicKey({ kty: 'OKP', crv: 'Ed25519', x: RFC8032_JWK_X });
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

describe('PROTOCOL.md section 9 vectors through the client', () => {
  it('signs the request vector', () => {
    expect(sha256Hex(REQUEST_BODY)).toBe(REQUEST_BODY_SHA256);
    const canonical = canonicalRequestString({
      method: 'POST',
      path: '/api/v1/licenses/validate',
      timestamp: 1700000000,
      nonce: NONCE,
      bodySha256Hex: REQUEST_BODY_SHA256,
    });
    expect(canonical).toBe(
      ['LICENSOR-HMAC-SHA256', 'POST', '/api/v1/licenses/validate', '1700000000', NONCE, REQUEST_BODY_SHA256].join('\n'),
    );
    expect(requestSignature(SIGNING_SECRET, canonical)).toBe(REQUEST_SIGNATURE);
  });

  it('verifies the response vector with the RFC 8032 test 1 public key', () => {
    const response = { signatureHeader: RESPONSE_SIGNATURE_HEADER, timestampHeader: '1700000001', nonce: NONCE, body: utf8(RESPONSE_BODY) };
    expect(verifyResponseSignature({ ...response, publicKey: vectorPublicKey })).toBe(true);
    expect(keyThumbprint(vectorPublicKey)).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('refuses the response vector with any part changed', () => {
    const response = {
      signatureHeader: RESPONSE_SIGNATURE_HEADER,
      timestampHeader: '1700000001',
      nonce: NONCE,
      body: utf8(RESPONSE_BODY),
      publicKey: vectorPublicKey,
    };
    expect(verifyResponseSignature({ ...response, nonce: 'conformance-nonce-0002' })).toBe(false);
    expect(verifyResponseSignature({ ...response, timestampHeader: '1700000002' })).toBe(false);
    expect(verifyResponseSignature({ ...response, body: utf8(RESPONSE_BODY.replace('ok', 'OK')) })).toBe(false);
    expect(verifyResponseSignature({ ...response, publicKey: generateKeyPairSync('ed25519').publicKey })).toBe(false);
    expect(verifyResponseSignature({ ...response, signatureHeader: RESPONSE_SIGNATURE_HEADER.replace('ed25519=', 'ED25519=') })).toBe(false);
    expect(verifyResponseSignature({ ...response, signatureHeader: RESPONSE_SIGNATURE_HEADER.replace('==', '') })).toBe(false);
    expect(verifyResponseSignature({ ...response, signatureHeader: null })).toBe(false);
    expect(verifyResponseSignature({ ...response, timestampHeader: '01700000001' })).toBe(false);
  });
});

describe('the client package', () => {
  it('imports only node: built-ins and its own files', async () => {
    const directory = import.meta.dirname;
    const sources = (await readdir(directory)).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));
    expect(sources).toContain('index.ts');
    for (const name of sources) {
      const text = await readFile(path.join(directory, name), 'utf8');
      const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((match) => match[1]!);
      for (const specifier of specifiers) expect(specifier, `${name} imports ${specifier}`).toMatch(/^(node:|\.\/[a-z-]+$)/);
    }
  });
});

// A license server in the test, built on the server's own signing helpers, optionally
// misbehaving in the ways a panel must refuse.
const serverKey = createPrivateKey({
  key: Buffer.from(`302e020100300506032b657004220420${RFC8032_SEED}`, 'hex'),
  format: 'der',
  type: 'pkcs8',
});
const ISSUER = 'https://licensor.test';
const PREFIX = '/licensor';
const DAY_MS = 24 * 60 * 60 * 1000;
const LICENSE: LicenseSummary = {
  id: 'lic_1',
  status: 'ACTIVE',
  expiresAt: null,
  features: ['reports', 'sso'],
  maxMachines: 3,
  activeMachines: 1,
};

type Reply = { status: number; body: unknown; headers?: Record<string, string> };
type Misbehaviour = {
  /** Sends another body than the one it signed. */
  alterBody?: (body: string) => string;
  /** Signs with this nonce instead of the request's. */
  echoNonce?: string;
  timestampOffsetSeconds?: number;
  unsigned?: boolean;
  status500?: boolean;
  hang?: boolean;
};
type RecordedRequest = { method: string; path: string; headers: IncomingMessage['headers']; body: string };

async function startLicenseServer(clock: () => number) {
  const state = {
    requests: [] as RecordedRequest[],
    publicKeyFetches: 0,
    misbehaviour: {} as Misbehaviour,
    reply: null as ((endpoint: string, body: Record<string, string>) => Reply | Promise<Reply>) | null,
  };

  const defaultReply = async (endpoint: string, body: Record<string, string>): Promise<Reply> => {
    const now = new Date(clock());
    if (endpoint === 'activate') {
      return { status: 201, body: { code: 'ACTIVATED', machine: { id: 'm_1', fingerprint: body.fingerprint, activatedAt: now.toISOString() }, license: LICENSE } };
    }
    if (endpoint === 'deactivate') {
      return { status: 200, body: { deactivated: true, machine: { id: 'm_1', fingerprint: body.fingerprint, deactivatedAt: now.toISOString() } } };
    }
    const { token, expiresAt } = await issueOfflineToken(
      { licenseId: LICENSE.id, fingerprint: body.fingerprint!, features: LICENSE.features, licenseExpiresAt: null, now, issuer: ISSUER },
      serverKey,
    );
    const nextCheckAt = new Date(Math.min(now.getTime() + DAY_MS, expiresAt.getTime())).toISOString();
    return { status: 200, body: { valid: true, code: 'VALID', detail: 'The license is valid.', license: LICENSE, token, nextCheckAt } };
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = request.url ?? '/';
    if (request.method === 'GET' && url === `${PREFIX}/api/v1/licenses/public-key`) {
      state.publicKeyFetches += 1;
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(publicKeyDocument(serverKey)));
      return;
    }
    const endpoint = /\/api\/v1\/licenses\/(validate|activate|deactivate)$/.exec(url)?.[1];
    if (endpoint === undefined || request.method !== 'POST') {
      response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"NOT_FOUND","message":"Not found."}');
      return;
    }
    state.requests.push({ method: request.method, path: url, headers: request.headers, body: raw.toString('utf8') });
    const { misbehaviour } = state;
    if (misbehaviour.hang) return;
    if (misbehaviour.status500) {
      response.writeHead(500, { 'Content-Type': 'application/json' }).end('{"error":"INTERNAL","message":"Boom."}');
      return;
    }

    const header = (name: string) => {
      const value = request.headers[name.toLowerCase()];
      return typeof value === 'string' ? value : null;
    };
    const signature = parseSignatureHeaders(header);
    const nowSeconds = Math.floor(clock() / 1000);
    let reply: Reply;
    if (!signature.ok) {
      reply = { status: 400, body: { error: 'BAD_REQUEST', message: 'Malformed request.' } };
    } else {
      // As behind a path-rewriting proxy: the server sees the path without the prefix and puts it back.
      const canonical = serverCanonicalRequestString({
        method: request.method,
        path: signedPathFor(url.slice(PREFIX.length), PREFIX),
        timestamp: signature.timestamp,
        nonce: signature.nonce,
        bodySha256Hex: serverSha256Hex(raw),
      });
      if (!verifyRequestSignature(SIGNING_SECRET, canonical, signature.signature)) {
        reply = { status: 401, body: { error: 'BAD_SIGNATURE', message: 'The signature does not verify.' } };
      } else if (!serverIsTimestampFresh(signature.timestamp, nowSeconds)) {
        reply = { status: 401, body: { error: 'STALE_TIMESTAMP', message: 'The timestamp is stale.' } };
      } else {
        reply = await (state.reply ?? defaultReply)(endpoint, JSON.parse(raw.toString('utf8')) as Record<string, string>);
      }
    }

    const body = JSON.stringify(reply.body);
    const timestamp = nowSeconds + (misbehaviour.timestampOffsetSeconds ?? 0);
    const requestNonce = misbehaviour.echoNonce ?? header('X-Licensor-Nonce');
    const signed = misbehaviour.unsigned
      ? {}
      : { 'X-Licensor-Timestamp': String(timestamp), 'X-Licensor-Response-Signature': signResponse({ requestNonce, timestamp, body }, serverKey) };
    response.writeHead(reply.status, { 'Content-Type': 'application/json', ...signed, ...reply.headers });
    response.end(misbehaviour.alterBody ? misbehaviour.alterBody(body) : body);
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${PREFIX}/`,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('LicensorClient against a license server', () => {
  let clockMs: number;
  const clock = () => clockMs;
  let server: Awaited<ReturnType<typeof startLicenseServer>>;
  let directory: string;
  let cacheFile: string;

  /** A client with the server's key pinned and the test's cache file; null leaves either out. */
  const newClient = (options: { publicKeyPem?: string | null; cacheFile?: string | null; timeoutMs?: number } = {}) =>
    new LicensorClient({
      baseUrl: server.baseUrl,
      licenseKey: ` ${LICENSE_KEY.toLowerCase()}\n`,
      signingSecret: SIGNING_SECRET,
      publicKey: options.publicKeyPem === null ? undefined : (options.publicKeyPem ?? publicKeyDocument(serverKey).publicKeyPem),
      cacheFile: options.cacheFile === null ? undefined : (options.cacheFile ?? cacheFile),
      now: clock,
      timeoutMs: options.timeoutMs ?? 5_000,
    });

  /** One online validation, which leaves a cached token behind. */
  const validateOnline = async (client = newClient()) => {
    const result = await client.validate({ fingerprint: 'machine-01' });
    expect(result).toMatchObject({ valid: true, code: 'VALID', offline: false });
    return result;
  };

  beforeEach(async () => {
    clockMs = Date.parse('2026-03-01T12:00:00.000Z');
    server = await startLicenseServer(clock);
    directory = await mkdtemp(path.join(os.tmpdir(), 'licensor-client-'));
    cacheFile = path.join(directory, 'state', 'license.json');
  });

  afterEach(async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  describe('online', () => {
    it('sends a request the server verifies and returns the validated license', async () => {
      const result = await newClient().validate({ fingerprint: 'machine-01', feature: 'reports' });
      expect(result).toMatchObject({ valid: true, code: 'VALID', detail: 'The license is valid.', license: LICENSE, offline: false });
      expect(result.nextCheckAt).toBe(new Date(clockMs + DAY_MS).toISOString());
      expect(verifyOfflineToken(result.token!, toPublicKey(publicKeyDocument(serverKey).jwk))).toMatchObject({
        iss: ISSUER,
        sub: LICENSE.id,
        fp: 'machine-01',
      });

      const [request] = server.state.requests;
      expect(request!.path).toBe(`${PREFIX}/api/v1/licenses/validate`);
      expect(request!.headers['content-type']).toBe('application/json');
      // The normalised key and only the fields given, in a fixed order.
      expect(request!.body).toBe(`{"licenseKey":"${LICENSE_KEY}","fingerprint":"machine-01","feature":"reports"}`);
      expect(request!.headers['x-licensor-timestamp']).toBe(String(Math.floor(clockMs / 1000)));
      expect(request!.headers['x-licensor-nonce']).toMatch(/^[A-Za-z0-9_-]{32}$/);
    });

    it('uses a fresh nonce for every request', async () => {
      const client = newClient();
      await client.validate({ fingerprint: 'machine-01' });
      await client.validate({ fingerprint: 'machine-01' });
      const [first, second] = server.state.requests;
      expect(first!.headers['x-licensor-nonce']).not.toBe(second!.headers['x-licensor-nonce']);
    });

    it('caches the token in a file only its owner can read, without leftovers', async () => {
      const result = await validateOnline();
      expect((await stat(cacheFile)).mode & 0o777).toBe(0o600);
      expect(JSON.parse(await readFile(cacheFile, 'utf8'))).toEqual({
        version: 1,
        token: result.token,
        license: LICENSE,
        nextCheckAt: result.nextCheckAt,
        fingerprint: 'machine-01',
        issuer: ISSUER,
      });
      expect(await readdir(path.dirname(cacheFile))).toEqual(['license.json']);
    });

    it('fetches the public key once when none is configured, and checks the document', async () => {
      const client = newClient({ publicKeyPem: null });
      await client.validate({ fingerprint: 'machine-01' });
      await client.validate({ fingerprint: 'machine-01' });
      expect(server.state.publicKeyFetches).toBe(1);
      expect(keyThumbprint(await client.publicKey())).toBe(publicKeyDocument(serverKey).keyId);
    });

    it('refuses an answer signed with another key than the configured one', async () => {
      const otherKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
      await expect(newClient({ publicKeyPem: otherKey }).validate({ fingerprint: 'machine-01' })).rejects.toMatchObject({
        name: 'LicensorResponseError',
        reason: 'BAD_SIGNATURE',
      });
    });

    it('refuses a tampered body and keeps the previous cache', async () => {
      await validateOnline();
      const before = await readFile(cacheFile, 'utf8');
      server.state.misbehaviour = { alterBody: (body) => body.replace('"valid":true', '"valid":true ') };
      const attempt = newClient().validate({ fingerprint: 'machine-01' });
      await expect(attempt).rejects.toBeInstanceOf(LicensorResponseError);
      await expect(attempt).rejects.toMatchObject({ reason: 'BAD_SIGNATURE' });
      expect(await readFile(cacheFile, 'utf8')).toBe(before);
    });

    it('refuses an answer signed for another request (another nonce echoed)', async () => {
      server.state.misbehaviour = { echoNonce: 'someone-elses-nonce-0001' };
      await expect(newClient().validate({ fingerprint: 'machine-01' })).rejects.toMatchObject({ reason: 'BAD_SIGNATURE' });
    });

    it('refuses an unsigned answer', async () => {
      server.state.misbehaviour = { unsigned: true };
      await expect(newClient().validate({ fingerprint: 'machine-01' })).rejects.toMatchObject({ reason: 'UNSIGNED' });
    });

    it('refuses a response timestamp more than 300 s from its clock, either way', async () => {
      for (const offset of [301, -301]) {
        server.state.misbehaviour = { timestampOffsetSeconds: offset };
        await expect(newClient().validate({ fingerprint: 'machine-01' })).rejects.toMatchObject({
          name: 'LicensorResponseError',
          reason: 'STALE',
        });
      }
      for (const offset of [300, -300]) {
        server.state.misbehaviour = { timestampOffsetSeconds: offset };
        await expect(newClient().validate({ fingerprint: 'machine-01' })).resolves.toMatchObject({ valid: true });
      }
    });

    it('refuses a signed answer that contradicts itself', async () => {
      server.state.reply = () => ({ status: 200, body: { valid: true, code: 'REVOKED', detail: 'x', license: LICENSE } });
      await expect(newClient().validate({ fingerprint: 'machine-01' })).rejects.toMatchObject({ reason: 'MALFORMED' });
    });

    it('refuses a valid answer whose token is for another machine', async () => {
      server.state.reply = async () => {
        const { token } = await issueOfflineToken(
          { licenseId: LICENSE.id, fingerprint: 'machine-02', features: [], licenseExpiresAt: null, now: new Date(clockMs), issuer: ISSUER },
          serverKey,
        );
        return { status: 200, body: { valid: true, code: 'VALID', detail: 'ok', license: LICENSE, token, nextCheckAt: new Date(clockMs).toISOString() } };
      };
      await expect(newClient().validate({ fingerprint: 'machine-01' })).rejects.toMatchObject({ reason: 'MALFORMED' });
    });

    it('returns a refused license as a result and drops the cached token', async () => {
      await validateOnline();
      server.state.reply = () => ({
        status: 200,
        body: { valid: false, code: 'REVOKED', detail: 'The license was revoked.', license: { ...LICENSE, status: 'REVOKED' }, extra: 'ignored' },
      });
      const result = await newClient().validate({ fingerprint: 'machine-01' });
      expect(result).toEqual({ valid: false, code: 'REVOKED', detail: 'The license was revoked.', license: { ...LICENSE, status: 'REVOKED' }, offline: false });
      await expect(stat(cacheFile)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('keeps the cached token when only a feature is refused', async () => {
      await validateOnline();
      server.state.reply = () => ({ status: 200, body: { valid: false, code: 'FEATURE_NOT_ENTITLED', detail: 'No.', license: LICENSE } });
      expect(await newClient().validate({ fingerprint: 'machine-01', feature: 'exports' })).toMatchObject({ valid: false, code: 'FEATURE_NOT_ENTITLED' });
      expect((await stat(cacheFile)).isFile()).toBe(true);
    });

    it('rejects a signed 4xx with LicensorApiError, with Retry-After on a 429', async () => {
      server.state.reply = () => ({
        status: 429,
        body: { error: 'RATE_LIMITED', message: 'Too many requests.' },
        headers: { 'Retry-After': '42' },
      });
      await expect(newClient().validate({ fingerprint: 'machine-01' })).rejects.toEqual(
        new LicensorApiError(429, 'RATE_LIMITED', 'Too many requests.', 42),
      );
      await expect(newClient().validate({ fingerprint: 'machine-01' })).rejects.toMatchObject({ status: 429, error: 'RATE_LIMITED', retryAfterSeconds: 42 });
    });

    it('is told apart by the server when its signing secret is wrong', async () => {
      const client = new LicensorClient({
        baseUrl: server.baseUrl,
        licenseKey: LICENSE_KEY,
        signingSecret: 'B'.repeat(43),
        publicKey: publicKeyDocument(serverKey).jwk,
        now: clock,
      });
      await expect(client.validate({ fingerprint: 'machine-01' })).rejects.toMatchObject({ status: 401, error: 'BAD_SIGNATURE' });
    });

    it('activates and deactivates this machine; deactivating drops its cached token', async () => {
      const client = newClient();
      expect(await client.activate({ fingerprint: 'machine-01', hostname: 'panel-1', platform: 'linux' })).toEqual({
        code: 'ACTIVATED',
        machine: { id: 'm_1', fingerprint: 'machine-01', activatedAt: new Date(clockMs).toISOString() },
        license: LICENSE,
      });
      expect(server.state.requests.at(-1)!.body).toBe(`{"licenseKey":"${LICENSE_KEY}","fingerprint":"machine-01","hostname":"panel-1","platform":"linux"}`);
      await validateOnline(client);
      expect(await client.deactivate({ fingerprint: 'machine-01' })).toMatchObject({ deactivated: true, machine: { fingerprint: 'machine-01' } });
      expect(server.state.requests.at(-1)!.path).toBe(`${PREFIX}/api/v1/licenses/deactivate`);
      await expect(stat(cacheFile)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('rejects a signed 409 on activate with its code', async () => {
      server.state.reply = () => ({ status: 409, body: { error: 'TOO_MANY_MACHINES', message: 'All seats are taken.' } });
      await expect(newClient().activate({ fingerprint: 'machine-04' })).rejects.toMatchObject({ status: 409, error: 'TOO_MANY_MACHINES' });
    });
  });

  describe('offline', () => {
    const validateOffline = (client = newClient(), fingerprint = 'machine-01', feature?: string): Promise<ValidateResult> =>
      client.validate({ fingerprint, feature });

    it('answers from the cached token while the server is down', async () => {
      const online = await validateOnline();
      await server.close();
      clockMs += 3 * DAY_MS;
      const result = await validateOffline();
      const expiry = new Date(Date.parse('2026-03-01T12:00:00.000Z') + 7 * DAY_MS).toISOString();
      expect(result).toEqual({
        valid: true,
        code: 'VALID',
        detail: expect.stringContaining(expiry),
        license: LICENSE,
        token: online.token,
        nextCheckAt: online.nextCheckAt,
        offline: true,
        offlineUntil: expiry,
      });
    });

    it('answers from the cached token on a 5xx and on a timeout', async () => {
      await validateOnline();
      server.state.misbehaviour = { status500: true };
      expect(await validateOffline()).toMatchObject({ valid: true, offline: true });
      server.state.misbehaviour = { hang: true };
      expect(await validateOffline(newClient({ timeoutMs: 200 }))).toMatchObject({ valid: true, offline: true });
    });

    it('refuses once the offline grace has ended', async () => {
      await validateOnline();
      await server.close();
      clockMs += 7 * DAY_MS - 1000;
      expect(await validateOffline()).toMatchObject({ valid: true, offline: true });
      clockMs += 1000;
      expect(await validateOffline()).toMatchObject({ valid: false, code: 'OFFLINE_GRACE_EXPIRED', offline: true });
    });

    it('refuses a cached token for another machine, even with the cache file edited to match', async () => {
      await validateOnline();
      await server.close();
      expect(await validateOffline(newClient(), 'machine-02')).toMatchObject({ valid: false, code: 'UNREACHABLE', offline: true });
      const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as Record<string, unknown>;
      await writeFile(cacheFile, JSON.stringify({ ...cached, fingerprint: 'machine-02' }));
      expect(await validateOffline(newClient(), 'machine-02')).toMatchObject({ valid: false, code: 'UNREACHABLE' });
    });

    it('refuses a corrupted cache file', async () => {
      await validateOnline();
      await server.close();
      for (const corrupted of ['', '{"version":1,', 'null', '[]', '{"version":1,"token":42}']) {
        await writeFile(cacheFile, corrupted);
        expect(await validateOffline()).toMatchObject({ valid: false, code: 'UNREACHABLE', offline: true });
      }
    });

    it('refuses a cached token whose claims were altered (a later exp) or that another key signed', async () => {
      const online = await validateOnline();
      await server.close();
      const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { token: string };
      const [header, payload, signature] = cached.token.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp: number };
      const extended = Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 365 * 86400 })).toString('base64url');
      await writeFile(cacheFile, JSON.stringify({ ...cached, token: `${header}.${extended}.${signature}` }));
      expect(await validateOffline()).toMatchObject({ valid: false, code: 'UNREACHABLE' });

      const forger = generateKeyPairSync('ed25519').privateKey;
      const { token } = await issueOfflineToken(
        { licenseId: LICENSE.id, fingerprint: 'machine-01', features: LICENSE.features, licenseExpiresAt: null, now: new Date(clockMs), issuer: ISSUER },
        forger,
      );
      await writeFile(cacheFile, JSON.stringify({ ...cached, token }));
      expect(await validateOffline()).toMatchObject({ valid: false, code: 'UNREACHABLE' });
      expect(online.token).not.toBe(token);
    });

    it('takes the features from the signed token, not from the cached license', async () => {
      await validateOnline();
      await server.close();
      const cached = JSON.parse(await readFile(cacheFile, 'utf8')) as { license: LicenseSummary };
      await writeFile(cacheFile, JSON.stringify({ ...cached, license: { ...cached.license, features: [...LICENSE.features, 'exports'] } }));
      expect(await validateOffline(newClient(), 'machine-01', 'exports')).toMatchObject({ valid: false, code: 'FEATURE_NOT_ENTITLED', offline: true });
      expect(await validateOffline(newClient(), 'machine-01', 'sso')).toMatchObject({ valid: true, license: { features: LICENSE.features } });
    });

    it('cannot answer offline without a cache or without a known public key', async () => {
      await validateOnline();
      await server.close();
      expect(await validateOffline(newClient({ cacheFile: null }))).toMatchObject({ valid: false, code: 'UNREACHABLE', offline: true });
      // A fetched key lives in memory only: a new process without a pinned key cannot check the cache.
      expect(await validateOffline(newClient({ publicKeyPem: null }))).toMatchObject({ valid: false, code: 'UNREACHABLE', offline: true });
    });

    it('uses a key it fetched earlier in the same process', async () => {
      const client = newClient({ publicKeyPem: null });
      await validateOnline(client);
      await server.close();
      expect(await validateOffline(client)).toMatchObject({ valid: true, offline: true });
    });

    it('rejects activate and deactivate with LicensorUnreachableError', async () => {
      await server.close();
      await expect(newClient().activate({ fingerprint: 'machine-01' })).rejects.toBeInstanceOf(LicensorUnreachableError);
      await expect(newClient().deactivate({ fingerprint: 'machine-01' })).rejects.toMatchObject({ status: null });
    });
  });
});

describe('LicensorClient configuration', () => {
  const options = { baseUrl: 'https://licensor.example.com', licenseKey: LICENSE_KEY, signingSecret: SIGNING_SECRET };

  it('refuses a malformed key, secret, URL or public key', () => {
    expect(() => new LicensorClient({ ...options, licenseKey: 'LK-01234-56789-ABCDE-FGHJK-MNP5' })).toThrow(TypeError);
    expect(() => new LicensorClient({ ...options, licenseKey: 'LK-O1234-56789-ABCDE-FGHJK-MNP5D' })).toThrow(TypeError);
    expect(() => new LicensorClient({ ...options, signingSecret: SIGNING_SECRET.slice(1) })).toThrow(TypeError);
    expect(() => new LicensorClient({ ...options, baseUrl: 'ftp://licensor.example.com' })).toThrow(TypeError);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => new LicensorClient({ ...options, publicKey: rsa })).toThrow(TypeError);
  });

  it('accepts the key as a PEM or as the JWK of the public-key document', async () => {
    const document = publicKeyDocument(serverKey);
    expect(keyThumbprint(await new LicensorClient({ ...options, publicKey: document.publicKeyPem }).publicKey())).toBe(document.keyId);
    expect(keyThumbprint(await new LicensorClient({ ...options, publicKey: document.jwk }).publicKey())).toBe(document.keyId);
  });

  it('derives a stable 64-character hex machine fingerprint', () => {
    const fingerprint = LicensorClient.machineFingerprint();
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(LicensorClient.machineFingerprint()).toBe(fingerprint);
  });
});
