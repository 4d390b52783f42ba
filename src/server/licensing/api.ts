import { z } from 'zod';
import type { Db } from '../db';
import { getEnv } from '../env';
import { isIpBlockedForApi } from '../security/ip-block-cache';
import type { RateLimitName } from '../security/policy';
import { securityPolicy } from '../security/policy';
import { consumeRateLimit, consumeRateLimits, rateLimitHeaders, type RateLimitResult } from '../security/rate-limit';
import { recordLicenseAttempt, settleLicenseAttempt, unattributedAttemptLog, type Attempt } from './attempt-log';
import { scheduleAnomalySweeps } from './anomalies';
import { hasValidCheckValue, normaliseLicenseKey } from './keys';
import { findLicensePolicy, type LicensePolicy } from './license-cache';
import { activateMachine, activeMachinesOf, deactivateMachine, usageThisMonth } from './machines';
import { canonicalRequestString, isTimestampFresh, NONCE_PATTERN, parseSignatureHeaders, sha256Hex, signedPathFor, verifyRequestSignature } from './request-signature';
import { issueOfflineToken, responseSignatureHeaders } from './signing';

/**
 * The signed license API of PROTOCOL.md (validate, activate, deactivate), framework-free: the
 * route handlers hand over the raw request and send back what this returns. The order of checks
 * is section 6's: well-formed (400), IP block (403), per-IP limit (429), key check value and
 * lookup (NOT_FOUND), signature (401), timestamp (401), nonce (401), per-license limit (429),
 * then license state and machine (section 4).
 */

export type LicenseOperation = 'validate' | 'activate' | 'deactivate';

export type LicenseApiRequest = {
  method: string;
  /** The request path as received, without the query string. */
  path: string;
  header: (name: string) => string | null;
  body: Uint8Array;
  ip: string;
  userAgent: string | null;
  now?: Date;
};

export type LicenseApiResponse = { status: number; headers: Record<string, string>; body: string };

// Section 4's field limits.
const printable = (max: number) => z.string().regex(new RegExp(`^[\\x20-\\x7E]{0,${max}}$`));
// Normalised before anything else (section 1): surrounding white space does not make a key malformed.
const LicenseKey = z
  .string()
  .transform(normaliseLicenseKey)
  .pipe(z.string().regex(/^[A-Z]{2,8}-([0-9A-HJKMNP-TV-Z]{5}-){4}[0-9A-HJKMNP-TV-Z]{5}$/));
const Fingerprint = z.string().regex(/^[\x20-\x7E]{1,128}$/);
const Feature = z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/);

const BODY_SCHEMAS = {
  validate: z.strictObject({ licenseKey: LicenseKey, fingerprint: Fingerprint, feature: Feature.optional(), hostname: printable(255).optional(), version: printable(64).optional() }),
  activate: z.strictObject({ licenseKey: LicenseKey, fingerprint: Fingerprint, hostname: printable(255).optional(), platform: printable(64).optional() }),
  deactivate: z.strictObject({ licenseKey: LicenseKey, fingerprint: Fingerprint }),
};
type ValidateBody = z.infer<(typeof BODY_SCHEMAS)['validate']>;
type ActivateBody = z.infer<(typeof BODY_SCHEMAS)['activate']>;
type AnyBody = ValidateBody & Partial<ActivateBody>;

const JSON_CONTENT_TYPE = /^application\/json\s*(;.*)?$/i;

const DETAILS: Record<string, string> = {
  VALID: 'The license is valid on this machine.',
  NOT_FOUND: 'No license has this key.',
  REVOKED: 'The license has been revoked.',
  SUSPENDED: 'The license is suspended.',
  EXPIRED: 'The license has expired.',
  OVERDUE: 'The license is suspended until an overdue payment is made.',
  FLAGGED: 'The license is held for review after unusual activity.',
  FINGERPRINT_MISMATCH: 'This machine is not activated on the license.',
  TOO_MANY_MACHINES: 'Every seat of the license is taken. Deactivate a machine first.',
  FEATURE_NOT_ENTITLED: 'The license does not include this feature.',
  QUOTA_EXCEEDED: "This month's quota for the feature is used up.",
};

const ERROR_MESSAGES: Record<string, string> = {
  BAD_REQUEST: 'The request is malformed.',
  IP_BLOCKED: 'Requests from this address are blocked.',
  RATE_LIMITED: 'Too many requests. Retry after the time in the Retry-After header.',
  NOT_FOUND: 'No license has this key.',
  BAD_SIGNATURE: 'The request signature does not verify.',
  STALE_TIMESTAMP: 'The request timestamp is too far from the server clock.',
  REPLAYED_NONCE: 'This nonce has already been used.',
  MACHINE_NOT_FOUND: 'This machine is not active on the license.',
};

type LicenseState = 'REVOKED' | 'SUSPENDED' | 'EXPIRED' | 'OVERDUE';

/** Rule 2 of section 4, in its order. */
function licenseStateRefusal(license: LicensePolicy, now: Date): LicenseState | null {
  if (license.status === 'REVOKED') return 'REVOKED';
  if (license.status === 'SUSPENDED') return 'SUSPENDED';
  if (license.status === 'EXPIRED' || (license.expiresAt !== null && license.expiresAt <= now)) return 'EXPIRED';
  if (license.status === 'OVERDUE') return 'OVERDUE';
  return null;
}

function licenseView(license: LicensePolicy, state: LicenseState | null, activeMachines: number) {
  return {
    id: license.id,
    status: state ?? 'ACTIVE',
    expiresAt: license.expiresAt?.toISOString() ?? null,
    features: license.features,
    maxMachines: license.maxMachines,
    activeMachines,
  };
}

export async function handleLicenseApiRequest(db: Db, operation: LicenseOperation, request: LicenseApiRequest): Promise<LicenseApiResponse> {
  const now = request.now ?? new Date();
  const rawNonce = request.header('x-licensor-nonce');
  const requestNonce = rawNonce !== null && NONCE_PATTERN.test(rawNonce) ? rawNonce : null;
  let rateLimitState: RateLimitResult | null = null;

  const respond = (status: number, payload: unknown, extraHeaders: Record<string, string> = {}): LicenseApiResponse => {
    const body = JSON.stringify(payload);
    return {
      status,
      body,
      headers: {
        'Content-Type': 'application/json; charset=utf-8',
        'Cache-Control': 'no-store',
        ...(rateLimitState ? rateLimitHeaders(rateLimitState) : {}),
        ...extraHeaders,
        ...responseSignatureHeaders({ requestNonce, body, now }),
      },
    };
  };
  const fail = (status: number, error: string, extraHeaders: Record<string, string> = {}) =>
    respond(status, { error, message: ERROR_MESSAGES[error] ?? DETAILS[error] ?? error }, extraHeaders);
  const attemptBase = (code: string, success: boolean, body?: Partial<AnyBody>): Attempt => ({
    kind: operation,
    success,
    code,
    ip: request.ip,
    userAgent: request.userAgent?.slice(0, 512) ?? null,
    fingerprint: body?.fingerprint ?? null,
    feature: body?.feature ?? null,
    signature: request.header('x-licensor-signature')?.slice(0, 64) ?? null,
    createdAt: now,
  });
  const unattributed = (code: string, body?: Partial<AnyBody>) => unattributedAttemptLog(async () => db).add(attemptBase(code, false, body));

  // 1. Well-formed: content type, size, JSON, schema, headers.
  const badRequest = () => {
    unattributed('BAD_REQUEST');
    return fail(400, 'BAD_REQUEST');
  };
  if (!JSON_CONTENT_TYPE.test(request.header('content-type') ?? '')) return badRequest();
  if (request.body.byteLength > securityPolicy().licenseApi.maxBodyBytes) return badRequest();
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(request.body));
  } catch {
    return badRequest();
  }
  const parsed = BODY_SCHEMAS[operation].safeParse(json);
  const headers = parseSignatureHeaders(request.header);
  if (!parsed.success || !headers.ok) return badRequest();
  const body = parsed.data as AnyBody;

  // 2. IP block.
  if (await isIpBlockedForApi(db, request.ip, now.getTime())) {
    unattributed('IP_BLOCKED', body);
    return fail(403, 'IP_BLOCKED');
  }

  // 3-5, decided locally first: check value, license, signature and timestamp.
  const env = getEnv();
  const checkValueOk = hasValidCheckValue(body.licenseKey, env.secrets.LICENSE_KEY_CHECK_SECRET);
  const license = checkValueOk ? await findLicensePolicy(db, body.licenseKey, now.getTime()) : null;
  const signatureOk =
    license !== null &&
    verifyRequestSignature(
      license.signingSecret,
      canonicalRequestString({
        method: request.method,
        path: signedPathFor(request.path, env.API_PATH_PREFIX),
        timestamp: headers.timestamp,
        nonce: headers.nonce,
        bodySha256Hex: sha256Hex(request.body),
      }),
      headers.signature,
    );
  const timestampOk = isTimestampFresh(headers.timestamp, Math.floor(now.getTime() / 1000), securityPolicy().licenseApi.clockSkewSeconds);

  // One round trip counts the per-IP limit and, for an authentic request, the per-license one.
  // The license's own limit is never spent by requests that fail its signature.
  const licenseLimit: RateLimitName | null = operation === 'validate' ? 'validatePerLicense' : operation === 'activate' ? 'activatePerLicense' : null;
  const [ipLimit, perLicense] = await consumeRateLimits([
    { name: 'licenseApiPerIp', identifier: request.ip },
    ...(license && signatureOk && timestampOk && licenseLimit ? [{ name: licenseLimit, identifier: license.id }] : []),
  ]);
  rateLimitState = ipLimit!;
  if (!ipLimit!.allowed) {
    unattributed('RATE_LIMITED', body);
    return fail(429, 'RATE_LIMITED');
  }

  if (!license) {
    unattributed('NOT_FOUND', body);
    return operation === 'validate' ? respond(200, { valid: false, code: 'NOT_FOUND', detail: DETAILS.NOT_FOUND }) : fail(404, 'NOT_FOUND');
  }
  const refuseBeforeNonce = async (code: 'BAD_SIGNATURE' | 'STALE_TIMESTAMP') => {
    await recordLicenseAttempt(db, { ...attemptBase(code, false, body), licenseId: license.id, nonce: null });
    return fail(401, code);
  };
  if (!signatureOk) return refuseBeforeNonce('BAD_SIGNATURE');
  if (!timestampOk) return refuseBeforeNonce('STALE_TIMESTAMP');

  const context: PipelineContext = { db, license, body, headers, now, perLicense: perLicense ?? null, attemptBase, respond, fail };
  scheduleAnomalySweeps(db);
  return operation === 'validate' ? validate(context) : operation === 'activate' ? activate(context) : deactivate(context);
}

type PipelineContext = {
  db: Db;
  license: LicensePolicy;
  body: AnyBody;
  headers: { nonce: string };
  now: Date;
  perLicense: RateLimitResult | null;
  attemptBase: (code: string, success: boolean, body?: Partial<AnyBody>) => Attempt;
  respond: (status: number, payload: unknown, extraHeaders?: Record<string, string>) => LicenseApiResponse;
  fail: (status: number, error: string, extraHeaders?: Record<string, string>) => LicenseApiResponse;
};

/** Consumes the nonce with an attempt whose outcome is settled later; null when it was already used. */
async function consumeNonce(context: PipelineContext): Promise<bigint | null> {
  const { attemptId } = await recordLicenseAttempt(context.db, {
    ...context.attemptBase('PENDING', false, context.body),
    licenseId: context.license.id,
    nonce: context.headers.nonce,
    pending: true,
  });
  return attemptId;
}

/** A replayed request is logged too, without its nonce (the index holds the first use). */
async function replayed(context: PipelineContext): Promise<LicenseApiResponse> {
  await recordLicenseAttempt(context.db, { ...context.attemptBase('REPLAYED_NONCE', false, context.body), licenseId: context.license.id, nonce: null });
  return context.fail(401, 'REPLAYED_NONCE');
}

function rateLimited(context: PipelineContext, limit: RateLimitResult): LicenseApiResponse {
  return context.fail(429, 'RATE_LIMITED', rateLimitHeaders(limit));
}

async function validate(context: PipelineContext): Promise<LicenseApiResponse> {
  const { db, license, body, now } = context;
  const state = licenseStateRefusal(license, now);
  let active = license.activeMachines;
  let machine = active.find((candidate) => candidate.fingerprint === body.fingerprint) ?? null;
  let pendingAttempt: bigint | null = null;

  const finish = async (code: string, payload: Record<string, unknown>, status = 200, extraHeaders: Record<string, string> = {}) => {
    const success = code === 'VALID';
    if (pendingAttempt !== null) {
      await settleLicenseAttempt(db, { attemptId: pendingAttempt, licenseId: license.id, success, code, createdAt: now, ip: context.attemptBase(code, success).ip });
    } else {
      const { inserted } = await recordLicenseAttempt(db, {
        ...context.attemptBase(code, success, body),
        licenseId: license.id,
        nonce: context.headers.nonce,
        machineId: success ? machine?.id : null,
      });
      if (!inserted) return replayed(context);
    }
    return context.respond(status, payload, extraHeaders);
  };
  const refusal = (code: string, status: LicenseState | null = state) =>
    finish(code, { valid: false, code, detail: DETAILS[code], license: licenseView(license, status, active.length) });

  if (context.perLicense && !context.perLicense.allowed) {
    return finish('RATE_LIMITED', { error: 'RATE_LIMITED', message: ERROR_MESSAGES.RATE_LIMITED }, 429, rateLimitHeaders(context.perLicense));
  }
  if (state) return refusal(state);
  if (license.suspicious && license.blockFlagged) return refusal('FLAGGED');

  if (!machine) {
    if (!license.autoActivate) return refusal('FINGERPRINT_MISMATCH');
    if (license.maxMachines !== null && active.length >= license.maxMachines) return refusal('TOO_MANY_MACHINES');
    // Auto-activation changes state, so the nonce is consumed first and the outcome settled after.
    pendingAttempt = await consumeNonce(context);
    if (pendingAttempt === null) return replayed(context);
    const activateLimit = await consumeRateLimit('activatePerLicense', license.id);
    if (!activateLimit.allowed) {
      return finish('RATE_LIMITED', { error: 'RATE_LIMITED', message: ERROR_MESSAGES.RATE_LIMITED }, 429, rateLimitHeaders(activateLimit));
    }
    const activation = await activateMachine(db, { licenseId: license.id, maxMachines: license.maxMachines, fingerprint: body.fingerprint, hostname: body.hostname, now });
    if (activation.outcome === 'no_seat') {
      active = await activeMachinesOf(db, license.id);
      return refusal('TOO_MANY_MACHINES');
    }
    machine = activation.machine;
    active = await activeMachinesOf(db, license.id);
  }

  if (body.feature !== undefined) {
    if (!license.features.includes(body.feature)) return refusal('FEATURE_NOT_ENTITLED');
    const quota = license.quotas[body.feature];
    if (quota !== undefined && (await usageThisMonth(db, { licenseId: license.id, metric: body.feature, now })) >= quota) return refusal('QUOTA_EXCEEDED');
  }

  const { recheckIntervalSeconds } = securityPolicy().licenseApi;
  const { token, expiresAt } = await issueOfflineToken({ licenseId: license.id, fingerprint: body.fingerprint, features: license.features, licenseExpiresAt: license.expiresAt, now });
  // In whole seconds, like the token's own times.
  const nextCheckAt = new Date(Math.min((Math.floor(now.getTime() / 1000) + recheckIntervalSeconds) * 1000, expiresAt.getTime()));
  return finish('VALID', {
    valid: true,
    code: 'VALID',
    detail: DETAILS.VALID,
    license: licenseView(license, null, active.length),
    token,
    nextCheckAt: nextCheckAt.toISOString(),
  });
}

async function activate(context: PipelineContext): Promise<LicenseApiResponse> {
  const { db, license, body, now } = context;
  const attemptId = await consumeNonce(context);
  if (attemptId === null) return replayed(context);
  const settle = (code: string, success: boolean) => settleLicenseAttempt(db, { attemptId, licenseId: license.id, success, code, createdAt: now, ip: context.attemptBase(code, success).ip });

  if (context.perLicense && !context.perLicense.allowed) {
    await settle('RATE_LIMITED', false);
    return rateLimited(context, context.perLicense);
  }
  const state = licenseStateRefusal(license, now);
  const refusal = state ?? (license.suspicious && license.blockFlagged ? 'FLAGGED' : null);
  if (refusal) {
    await settle(refusal, false);
    return context.fail(409, refusal);
  }
  const activation = await activateMachine(db, { licenseId: license.id, maxMachines: license.maxMachines, fingerprint: body.fingerprint, hostname: body.hostname, platform: body.platform, now });
  if (activation.outcome === 'no_seat') {
    await settle('TOO_MANY_MACHINES', false);
    return context.fail(409, 'TOO_MANY_MACHINES');
  }
  const code = activation.outcome === 'activated' ? 'ACTIVATED' : 'ALREADY_ACTIVE';
  await settle(code, true);
  return context.respond(activation.outcome === 'activated' ? 201 : 200, {
    code,
    machine: { id: activation.machine.id, fingerprint: activation.machine.fingerprint, activatedAt: activation.machine.activatedAt.toISOString() },
    license: licenseView(license, null, activation.activeMachines),
  });
}

/** Allowed whatever the license's state, so a panel can always free its seat. */
async function deactivate(context: PipelineContext): Promise<LicenseApiResponse> {
  const { db, license, body, now } = context;
  const attemptId = await consumeNonce(context);
  if (attemptId === null) return replayed(context);
  const machine = await deactivateMachine(db, { licenseId: license.id, fingerprint: body.fingerprint, now });
  await settleLicenseAttempt(db, { attemptId, licenseId: license.id, success: machine !== null, code: machine ? 'DEACTIVATED' : 'MACHINE_NOT_FOUND', createdAt: now, ip: context.attemptBase('', true).ip });
  if (!machine) return context.fail(404, 'MACHINE_NOT_FOUND');
  return context.respond(200, { deactivated: true, machine: { id: machine.id, fingerprint: machine.fingerprint, deactivatedAt: machine.deactivatedAt.toISOString() } });
}
