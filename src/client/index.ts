import type { JsonWebKey, KeyObject } from 'node:crypto';
import { LicensorApiError, LicensorResponseError, LicensorUnreachableError } from './errors';
import { machineFingerprint } from './fingerprint';
import { readOfflineCache, removeOfflineCache, writeOfflineCache } from './offline-cache';
import {
  canonicalRequestString,
  CLOCK_SKEW_SECONDS,
  isTimestampFresh,
  keyThumbprint,
  LICENSE_KEY_PATTERN,
  newNonce,
  NONCE_HEADER,
  normaliseLicenseKey,
  requestSignature,
  RESPONSE_SIGNATURE_HEADER,
  sha256Hex,
  SIGNATURE_HEADER,
  SIGNING_SECRET_PATTERN,
  TIMESTAMP_HEADER,
  toPublicKey,
  verifyOfflineToken,
  verifyResponseSignature,
} from './protocol';
import type { ActivateResult, DeactivateResult, LicenseSummary, PublicKeyDocument, ValidateResult } from './types';

/**
 * The Licensor client for panels (PROTOCOL.md). Only node: built-ins, so it can be published on
 * its own. Every call is signed (section 2) and every answer is verified (section 3) before
 * anything in it is used.
 *
 * Results: each method resolves with its endpoint's success body. validate also resolves with
 * every license-state outcome (they are 200 answers, `valid: false`) and, when the server cannot
 * be reached, with an answer from the cached offline token (`offline: true`). A signed refusal
 * (4xx) rejects with LicensorApiError, an answer that cannot be trusted with
 * LicensorResponseError, and an unreachable server (activate, deactivate, publicKey) with
 * LicensorUnreachableError.
 */

export { LicensorApiError, LicensorResponseError, LicensorUnreachableError } from './errors';
export type { ResponseRefusal } from './errors';
export type { OfflineCacheEntry } from './offline-cache';
export {
  canonicalRequestString,
  keyThumbprint,
  normaliseLicenseKey,
  requestSignature,
  sha256Hex,
  toPublicKey,
  verifyOfflineToken,
  verifyResponseSignature,
} from './protocol';
export type { OfflineTokenClaims } from './protocol';
export type * from './types';

export type LicensorClientOptions = {
  /** Licensor's public base URL, with the path prefix it is mounted under if any. */
  baseUrl: string;
  licenseKey: string;
  /** The 43-character secret shown once with the license. */
  signingSecret: string;
  /**
   * The server's Ed25519 public key (SPKI PEM or JWK). Pin it: without it the key is fetched
   * from the server, trusted on first use and kept in memory only (a key read back from disk
   * could be replaced along with the token), so offline answers need one online call first.
   */
  publicKey?: string | JsonWebKey;
  /** Where to keep the offline token (written with mode 0600); no offline answers without it. */
  cacheFile?: string;
  fetch?: typeof fetch;
  /** The clock, in milliseconds since the epoch. */
  now?: () => number;
  /** Per request, including reading the body. */
  timeoutMs?: number;
};

export type ValidateInput = { fingerprint: string; feature?: string; hostname?: string; version?: string };
export type ActivateInput = { fingerprint: string; hostname?: string; platform?: string };
export type DeactivateInput = { fingerprint: string };

const DEFAULT_TIMEOUT_MS = 10_000;
const LICENSE_API_PATH = '/api/v1/licenses';
// Refusals of one feature: the license and this machine passed, so the cached token stays usable.
const FEATURE_LEVEL_CODES = new Set(['FEATURE_NOT_ENTITLED', 'QUOTA_EXCEEDED']);

type Answer = { status: number; headers: Headers; body: Uint8Array };
type Transport = { fetch: typeof fetch; timeoutMs: number };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function parseBaseUrl(baseUrl: string): URL {
  const url = new URL(baseUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('baseUrl must be an http:// or https:// URL.');
  return url;
}

/** The endpoint's URL; its pathname is what goes on the wire and so what the request signs. */
function endpointUrl(baseUrl: URL, endpoint: string): URL {
  const url = new URL(baseUrl);
  url.pathname = `${baseUrl.pathname.replace(/\/+$/, '')}${LICENSE_API_PATH}/${endpoint}`;
  url.search = '';
  url.hash = '';
  return url;
}

/** One HTTP exchange; a network error, a timeout or a 5xx is LicensorUnreachableError. */
async function send(transport: Transport, url: URL, init: RequestInit): Promise<Answer> {
  let answer: Answer;
  try {
    // Redirects are not part of the protocol; a 3xx arrives unsigned and is refused.
    const response = await transport.fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(transport.timeoutMs) });
    answer = { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) };
  } catch (error) {
    throw new LicensorUnreachableError(`Licensor cannot be reached at ${url.origin}: ${(error as Error).message}`, null, { cause: error });
  }
  if (answer.status >= 500) throw new LicensorUnreachableError(`Licensor answered ${answer.status}.`, answer.status);
  return answer;
}

function parseJsonBody(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new LicensorResponseError('MALFORMED', 'The response body is not JSON.');
  }
}

/** GET /api/v1/licenses/public-key, checked for consistency (the PEM, the JWK and the key id agree). */
export async function fetchPublicKeyDocument(
  baseUrl: string,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<PublicKeyDocument> {
  const transport = { fetch: options.fetch ?? globalThis.fetch, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  const answer = await send(transport, endpointUrl(parseBaseUrl(baseUrl), 'public-key'), { method: 'GET' });
  if (answer.status !== 200) throw new LicensorResponseError('MALFORMED', `The public key endpoint answered ${answer.status}.`);
  const document = parseJsonBody(answer.body);
  const malformed = new LicensorResponseError('MALFORMED', 'The public key document is not an Ed25519 key document.');
  if (!isRecord(document) || document.algorithm !== 'Ed25519' || typeof document.publicKeyPem !== 'string' || !isRecord(document.jwk)) {
    throw malformed;
  }
  let publicKey: KeyObject;
  try {
    publicKey = toPublicKey(document.publicKeyPem);
  } catch {
    throw malformed;
  }
  const keyId = keyThumbprint(publicKey);
  if (document.keyId !== keyId || document.jwk.kid !== keyId || document.jwk.x !== publicKey.export({ format: 'jwk' }).x) throw malformed;
  return document as PublicKeyDocument;
}

function readLicense(value: unknown): LicenseSummary | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || typeof value.id !== 'string' || !Array.isArray(value.features)) {
    throw new LicensorResponseError('MALFORMED', 'The response has a malformed license.');
  }
  return value as LicenseSummary;
}

type OnlineValidation =
  | (Omit<ValidateResult, 'offline' | 'valid' | 'token' | 'nextCheckAt' | 'license'> & {
      valid: true;
      license: LicenseSummary;
      token: string;
      nextCheckAt: string;
    })
  | (Omit<ValidateResult, 'offline' | 'valid' | 'token' | 'nextCheckAt'> & { valid: false });

/** The validate body of section 4, keeping only its documented fields. */
function readValidateBody(body: unknown): OnlineValidation {
  if (!isRecord(body) || typeof body.valid !== 'boolean' || typeof body.code !== 'string' || typeof body.detail !== 'string') {
    throw new LicensorResponseError('MALFORMED', 'The validate response is not a validation result.');
  }
  if (body.valid !== (body.code === 'VALID')) throw new LicensorResponseError('MALFORMED', 'The validate response contradicts itself.');
  const license = readLicense(body.license);
  if (!body.valid) return { valid: false, code: body.code, detail: body.detail, ...(license !== undefined && { license }) };
  if (typeof body.token !== 'string' || typeof body.nextCheckAt !== 'string' || license === undefined) {
    throw new LicensorResponseError('MALFORMED', 'A valid answer lacks its license, token or nextCheckAt.');
  }
  return { valid: true, code: body.code, detail: body.detail, license, token: body.token, nextCheckAt: body.nextCheckAt };
}

export class LicensorClient {
  readonly #baseUrl: URL;
  readonly #licenseKey: string;
  readonly #signingSecret: string;
  readonly #cacheFile: string | null;
  readonly #transport: Transport;
  readonly #now: () => number;
  /** The configured key, or the one this process fetched from the server. */
  #publicKey: KeyObject | null;

  constructor(options: LicensorClientOptions) {
    this.#baseUrl = parseBaseUrl(options.baseUrl);
    this.#licenseKey = normaliseLicenseKey(options.licenseKey);
    // Only the server can compute the check value; the shape is all a client can check.
    if (!LICENSE_KEY_PATTERN.test(this.#licenseKey)) {
      throw new TypeError('licenseKey is not a Licensor license key (PREFIX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX).');
    }
    if (!SIGNING_SECRET_PATTERN.test(options.signingSecret)) {
      throw new TypeError('signingSecret must be the 43-character secret shown when the license was issued.');
    }
    this.#signingSecret = options.signingSecret;
    this.#cacheFile = options.cacheFile ?? null;
    this.#transport = { fetch: options.fetch ?? globalThis.fetch, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS };
    this.#now = options.now ?? Date.now;
    this.#publicKey = options.publicKey === undefined ? null : toPublicKey(options.publicKey);
  }

  static machineFingerprint(): string {
    return machineFingerprint();
  }

  /** The server's public key: the configured one, or fetched once from GET /api/v1/licenses/public-key. */
  async publicKey(): Promise<KeyObject> {
    if (this.#publicKey === null) {
      const document = await fetchPublicKeyDocument(this.#baseUrl.href, this.#transport);
      this.#publicKey = toPublicKey(document.publicKeyPem);
    }
    return this.#publicKey;
  }

  async validate(input: ValidateInput): Promise<ValidateResult> {
    let body: unknown;
    try {
      ({ body } = await this.#signedPost('validate', {
        licenseKey: this.#licenseKey,
        fingerprint: input.fingerprint,
        feature: input.feature,
        hostname: input.hostname,
        version: input.version,
      }));
    } catch (error) {
      if (error instanceof LicensorUnreachableError) return this.#validateOffline(input);
      throw error;
    }
    const result = readValidateBody(body);
    if (result.valid) {
      await this.#keepToken(result.token, result.license, result.nextCheckAt, input.fingerprint);
    } else if (this.#cacheFile !== null && !FEATURE_LEVEL_CODES.has(result.code)) {
      // The server said no for the license or this machine: do not let the old token outlive that answer.
      await removeOfflineCache(this.#cacheFile);
    }
    return { ...result, offline: false };
  }

  async activate(input: ActivateInput): Promise<ActivateResult> {
    const { body } = await this.#signedPost('activate', {
      licenseKey: this.#licenseKey,
      fingerprint: input.fingerprint,
      hostname: input.hostname,
      platform: input.platform,
    });
    if (!isRecord(body) || (body.code !== 'ACTIVATED' && body.code !== 'ALREADY_ACTIVE') || !isRecord(body.machine)) {
      throw new LicensorResponseError('MALFORMED', 'The activate response is not an activation.');
    }
    readLicense(body.license);
    return body as ActivateResult;
  }

  async deactivate(input: DeactivateInput): Promise<DeactivateResult> {
    const { body } = await this.#signedPost('deactivate', { licenseKey: this.#licenseKey, fingerprint: input.fingerprint });
    if (!isRecord(body) || body.deactivated !== true || !isRecord(body.machine)) {
      throw new LicensorResponseError('MALFORMED', 'The deactivate response is not a deactivation.');
    }
    if (this.#cacheFile !== null && (await readOfflineCache(this.#cacheFile))?.fingerprint === input.fingerprint) {
      await removeOfflineCache(this.#cacheFile);
    }
    return body as DeactivateResult;
  }

  /** Signs the request, sends it and returns the verified answer's JSON body (2xx) or throws. */
  async #signedPost(endpoint: 'validate' | 'activate' | 'deactivate', payload: Record<string, string | undefined>): Promise<{ status: number; body: unknown }> {
    // The key first: an answer that cannot be verified must not be asked for (it may have effects).
    const publicKey = await this.publicKey();
    const url = endpointUrl(this.#baseUrl, endpoint);
    // JSON.stringify leaves out undefined fields, so the body carries no field the caller did not give.
    const body = JSON.stringify(payload);
    const nonce = newNonce();
    const timestamp = Math.floor(this.#now() / 1000);
    const canonical = canonicalRequestString({ method: 'POST', path: url.pathname, timestamp, nonce, bodySha256Hex: sha256Hex(body) });
    const answer = await send(this.#transport, url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        [TIMESTAMP_HEADER]: String(timestamp),
        [NONCE_HEADER]: nonce,
        [SIGNATURE_HEADER]: requestSignature(this.#signingSecret, canonical),
      },
      body,
    });

    const signatureHeader = answer.headers.get(RESPONSE_SIGNATURE_HEADER);
    const timestampHeader = answer.headers.get(TIMESTAMP_HEADER);
    if (signatureHeader === null || timestampHeader === null) {
      throw new LicensorResponseError('UNSIGNED', `The ${endpoint} response (${answer.status}) is not signed.`);
    }
    if (!verifyResponseSignature({ signatureHeader, timestampHeader, nonce, body: answer.body, publicKey })) {
      throw new LicensorResponseError('BAD_SIGNATURE', `The ${endpoint} response signature does not verify for this request.`);
    }
    if (!isTimestampFresh(Number(timestampHeader), Math.floor(this.#now() / 1000))) {
      throw new LicensorResponseError('STALE', `The ${endpoint} response timestamp is more than ${CLOCK_SKEW_SECONDS} s from this clock.`);
    }
    const json = parseJsonBody(answer.body);
    if (answer.status >= 400) {
      if (!isRecord(json) || typeof json.error !== 'string' || typeof json.message !== 'string') {
        throw new LicensorResponseError('MALFORMED', `The ${endpoint} error response (${answer.status}) is not an error body.`);
      }
      const retryAfter = answer.headers.get('Retry-After');
      throw new LicensorApiError(answer.status, json.error, json.message, retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null);
    }
    if (answer.status < 200 || answer.status > 299) {
      throw new LicensorResponseError('MALFORMED', `The ${endpoint} response has status ${answer.status}.`);
    }
    return { status: answer.status, body: json };
  }

  /** Checks the new token as the offline path will, then caches it. */
  async #keepToken(token: string, license: LicenseSummary, nextCheckAt: string, fingerprint: string): Promise<void> {
    const claims = verifyOfflineToken(token, await this.publicKey());
    if (claims === null || claims.fp !== fingerprint || claims.sub !== license.id) {
      throw new LicensorResponseError('MALFORMED', 'The offline token does not verify or is not for this license and machine.');
    }
    if (this.#cacheFile === null) return;
    await writeOfflineCache(this.#cacheFile, { version: 1, token, license, nextCheckAt, fingerprint, issuer: claims.iss });
  }

  /**
   * The answer while the server cannot be reached (section 5): valid until the cached token's
   * `exp` if its signature verifies and it is this license's token for this machine. The
   * features come from the signed token, not from the cached license.
   */
  async #validateOffline(input: ValidateInput): Promise<ValidateResult> {
    const unreachable = (detail: string): ValidateResult => ({ valid: false, code: 'UNREACHABLE', detail, offline: true });
    if (this.#cacheFile === null) return unreachable('Licensor cannot be reached and no offline cache is configured.');
    const cached = await readOfflineCache(this.#cacheFile);
    if (cached === null) return unreachable('Licensor cannot be reached and there is no usable cached token.');
    if (this.#publicKey === null) {
      return unreachable('Licensor cannot be reached and no public key is known to check the cached token (configure publicKey).');
    }
    const claims = verifyOfflineToken(cached.token, this.#publicKey);
    if (
      claims === null ||
      claims.fp !== input.fingerprint ||
      cached.fingerprint !== input.fingerprint ||
      claims.sub !== cached.license.id ||
      claims.iss !== cached.issuer
    ) {
      return unreachable('Licensor cannot be reached and the cached token is not valid for this license and machine.');
    }
    const nowSeconds = Math.floor(this.#now() / 1000);
    if (claims.nbf > nowSeconds + CLOCK_SKEW_SECONDS) return unreachable('Licensor cannot be reached and the cached token is not valid yet.');
    const license = { ...cached.license, features: claims.features };
    const offlineUntil = new Date(claims.exp * 1000).toISOString();
    if (nowSeconds >= claims.exp) {
      return {
        valid: false,
        code: 'OFFLINE_GRACE_EXPIRED',
        detail: `Licensor cannot be reached and the offline grace period ended at ${offlineUntil}.`,
        license,
        offline: true,
        offlineUntil,
      };
    }
    if (input.feature !== undefined && !claims.features.includes(input.feature)) {
      return {
        valid: false,
        code: 'FEATURE_NOT_ENTITLED',
        detail: 'The license does not include this feature.',
        license,
        offline: true,
        offlineUntil,
      };
    }
    return {
      valid: true,
      code: 'VALID',
      detail: `Validated offline with the cached token, usable until ${offlineUntil}.`,
      license,
      token: cached.token,
      nextCheckAt: cached.nextCheckAt,
      offline: true,
      offlineUntil,
    };
  }
}
