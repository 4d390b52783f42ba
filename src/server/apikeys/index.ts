import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Prisma } from '@/generated/prisma/client';
import { CreateApiKeyInput, ROTATION_GRACE_CHOICES, type ApiKeyScope } from '@/lib/schemas/apikeys';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { Db, DbOrTx } from '../db';
import { AppError } from '../errors';
import { ipMatchesAny } from '../security/ip-blocks';
import { securityPolicy } from '../security/policy';
import { consumeRateLimit, type RateLimitResult } from '../security/rate-limit';

/**
 * API keys `lk_<publicId>_<secret>`: the public id finds the row, the 256-bit secret is stored
 * only as its SHA-256 (a high-entropy secret needs no slow hash) and compared in constant time.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const API_KEY_PATTERN = /^lk_([0-9A-Za-z]{12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (value: string) => createHash('sha256').update(value).digest();

export function generateApiKey(): { key: string; publicId: string; secretHash: string } {
  const publicId = Array.from({ length: 12 }, () => BASE62[randomInt(BASE62.length)]).join('');
  const secret = randomBytes(32).toString('base64url');
  return { key: `lk_${publicId}_${secret}`, publicId, secretHash: sha256(secret).toString('hex') };
}

/** The public id and secret of a well-formed key; null without touching the database otherwise. */
export function parseApiKey(raw: string): { publicId: string; secret: string } | null {
  const match = API_KEY_PATTERN.exec(raw.trim());
  return match ? { publicId: match[1]!, secret: match[2]! } : null;
}

/** What logs may show of a key: its prefix only. */
export const apiKeyPrefix = (publicId: string) => `lk_${publicId}`;

export type ApiKeyOwner = { customerId: string } | { admin: true };

type Meta = { ip?: string | null; userAgent?: string | null };

/** Creates a key for a customer (or an admin key), shown once. At most 20 live keys per customer. */
export async function createApiKey(
  db: Db,
  input: CreateApiKeyInput & { owner: ApiKeyOwner; createdById: string | null },
  actor: AuditActor,
  meta: Meta = {},
  now = new Date(),
) {
  const parsed = CreateApiKeyInput.parse(input);
  const isAdminKey = 'admin' in input.owner;
  if (parsed.scopes.includes('admin') !== isAdminKey) {
    throw new AppError('BAD_REQUEST', isAdminKey ? 'An admin key carries the admin scope.' : 'Customer keys cannot carry the admin scope.', { field: 'scopes' });
  }
  for (const entry of parsed.ipAllowlist) {
    if (!ipMatchesAny(entry.split('/')[0]!, [entry])) throw new AppError('BAD_REQUEST', `"${entry}" is not an IP address or CIDR range.`, { field: 'ipAllowlist' });
  }
  const customerId = isAdminKey ? null : (input.owner as { customerId: string }).customerId;
  const generated = generateApiKey();
  const expiresAt = parsed.expiresInDays === 'never' ? null : new Date(now.getTime() + Number(parsed.expiresInDays) * 24 * 60 * 60 * 1000);
  const apiKey = await db.$transaction(async (tx) => {
    if (customerId) {
      const live = await tx.apiKey.count({ where: liveKeyWhere({ customerId }, now) });
      if (live >= securityPolicy().apiKeys.maxLiveKeysPerCustomer) {
        throw new AppError('LIMIT_REACHED', `This organisation has ${live} live keys, the most allowed. Revoke one first.`);
      }
    }
    const created = await tx.apiKey.create({
      data: {
        publicId: generated.publicId,
        secretHash: generated.secretHash,
        name: parsed.name,
        scopes: parsed.scopes,
        customerId,
        createdById: input.createdById,
        expiresAt,
        ipAllowlist: parsed.ipAllowlist,
        allowedOrigins: parsed.allowedOrigins,
        rateLimitPerHour: parsed.rateLimitPerHour,
        createdAt: now,
      },
      select: { id: true, publicId: true, name: true, scopes: true, expiresAt: true, customerId: true },
    });
    await recordAuditEvent(tx, {
      actor,
      action: 'api_key.create',
      target: { type: 'api_key', id: created.id },
      customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      severity: isAdminKey ? 'WARNING' : 'INFO',
      metadata: { prefix: apiKeyPrefix(created.publicId), name: created.name, scopes: created.scopes, expiresAt },
    });
    return created;
  });
  return { apiKey, key: generated.key };
}

const liveKeyWhere = (scope: { customerId?: string | null }, now: Date): Prisma.ApiKeyWhereInput => ({
  ...(scope.customerId !== undefined ? { customerId: scope.customerId } : {}),
  revokedAt: null,
  AND: [{ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] }, { OR: [{ graceEndsAt: null }, { graceEndsAt: { gt: now } }] }],
});

/** One customer's keys, the admin keys, every customer's keys (no admin key), or all keys. */
export type ApiKeyScopeFilter = { customerId: string } | { admin: true } | { customers: true } | { all: true };

function ownerWhere(scope: ApiKeyScopeFilter): Prisma.ApiKeyWhereInput {
  if ('customerId' in scope) return { customerId: scope.customerId };
  if ('admin' in scope) return { customerId: null };
  if ('customers' in scope) return { customerId: { not: null } };
  return {};
}

/** What lists and the key page show of a key: metadata, never a secret or its hash. */
const API_KEY_METADATA = {
  id: true,
  publicId: true,
  name: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  lastUsedIp: true,
  revokedAt: true,
  graceEndsAt: true,
  rotatedFromId: true,
  ipAllowlist: true,
  allowedOrigins: true,
  rateLimitPerHour: true,
  customer: { select: { id: true, name: true } },
} satisfies Prisma.ApiKeySelect;

const withStatus = <Key extends { publicId: string; revokedAt: Date | null; expiresAt: Date | null; graceEndsAt: Date | null }>(key: Key, now: Date) => ({
  ...key,
  prefix: apiKeyPrefix(key.publicId),
  status: apiKeyStatus(key, now),
});

/** Keys with their metadata (never a secret), newest first; the admin view lists every customer's. */
export async function listApiKeys(db: DbOrTx, scope: ApiKeyScopeFilter, options: { cursor?: string; limit?: number } = {}, now = new Date()) {
  const limit = options.limit ?? 50;
  const rows = await db.apiKey.findMany({
    where: ownerWhere(scope),
    orderBy: { id: 'desc' },
    take: limit + 1,
    ...(options.cursor ? { cursor: { id: options.cursor }, skip: 1 } : {}),
    select: API_KEY_METADATA,
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map((key) => withStatus(key, now)),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/** One key's metadata; another owner's key is NOT_FOUND, like one that does not exist. */
export async function getApiKey(db: DbOrTx, apiKeyId: string, scope: ApiKeyScopeFilter, now = new Date()) {
  const key = await db.apiKey.findFirst({ where: { id: apiKeyId, ...ownerWhere(scope) }, select: API_KEY_METADATA });
  if (!key) throw new AppError('NOT_FOUND', 'That API key does not exist.');
  return withStatus(key, now);
}

export function apiKeyStatus(key: { revokedAt: Date | null; expiresAt: Date | null; graceEndsAt: Date | null }, now = new Date()) {
  if (key.revokedAt) return 'revoked' as const;
  if (key.expiresAt && key.expiresAt <= now) return 'expired' as const;
  if (key.graceEndsAt && key.graceEndsAt <= now) return 'rotated' as const;
  if (key.graceEndsAt) return 'rotating' as const;
  return 'active' as const;
}

async function findOwnedKey(db: DbOrTx, apiKeyId: string, scope: ApiKeyScopeFilter) {
  const key = await db.apiKey.findFirst({ where: { id: apiKeyId, ...ownerWhere(scope) } });
  if (!key) throw new AppError('NOT_FOUND', 'That API key does not exist.');
  return key;
}

/**
 * Replaces a key: the new one (same name, scopes and restrictions) is shown once; the old one
 * keeps working until the chosen grace ends (now, 1 hour, 24 hours or 7 days).
 */
export async function rotateApiKey(
  db: Db,
  input: { apiKeyId: string; grace: keyof typeof ROTATION_GRACE_CHOICES; scope: ApiKeyScopeFilter; createdById: string | null },
  actor: AuditActor,
  meta: Meta = {},
  now = new Date(),
) {
  const generated = generateApiKey();
  return db.$transaction(async (tx) => {
    const old = await findOwnedKey(tx, input.apiKeyId, input.scope);
    if (apiKeyStatus(old, now) !== 'active') throw new AppError('CONFLICT', 'Only an active key can be rotated.');
    const graceEndsAt = new Date(now.getTime() + ROTATION_GRACE_CHOICES[input.grace] * 1000);
    await tx.apiKey.update({ where: { id: old.id }, data: { graceEndsAt } });
    const created = await tx.apiKey.create({
      data: {
        publicId: generated.publicId,
        secretHash: generated.secretHash,
        name: old.name,
        scopes: old.scopes,
        customerId: old.customerId,
        createdById: input.createdById,
        expiresAt: old.expiresAt,
        ipAllowlist: old.ipAllowlist,
        allowedOrigins: old.allowedOrigins,
        rateLimitPerHour: old.rateLimitPerHour,
        rotatedFromId: old.id,
        createdAt: now,
      },
      select: { id: true, publicId: true, name: true },
    });
    await recordAuditEvent(tx, {
      actor,
      action: 'api_key.rotate',
      target: { type: 'api_key', id: old.id },
      customerId: old.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { prefix: apiKeyPrefix(old.publicId), newPrefix: apiKeyPrefix(created.publicId), graceEndsAt },
    });
    return { apiKey: created, key: generated.key, oldKeyWorksUntil: graceEndsAt };
  });
}

/** Revokes a key at once (an admin's emergency revoke passes the all-keys scope). */
export async function revokeApiKey(db: Db, input: { apiKeyId: string; scope: ApiKeyScopeFilter; reason?: string }, actor: AuditActor, meta: Meta = {}, now = new Date()) {
  return db.$transaction(async (tx) => {
    const key = await findOwnedKey(tx, input.apiKeyId, input.scope);
    if (key.revokedAt) throw new AppError('CONFLICT', 'This key is already revoked.');
    await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: now } });
    await recordAuditEvent(tx, {
      actor,
      action: 'api_key.revoke',
      target: { type: 'api_key', id: key.id },
      customerId: key.customerId,
      ip: meta.ip,
      userAgent: meta.userAgent,
      severity: 'WARNING',
      metadata: { prefix: apiKeyPrefix(key.publicId), reason: input.reason ?? null },
    });
    return { revokedAt: now };
  });
}

/** Requests per day over the last `days` days (UTC), zero-filled, for the per-key chart. */
export async function apiKeyRequestsPerDay(db: DbOrTx, input: { apiKeyId: string; scope: ApiKeyScopeFilter; days?: number }, now = new Date()) {
  await findOwnedKey(db, input.apiKeyId, input.scope);
  await flushApiKeyUsage(db);
  const days = input.days ?? 30;
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - days + 1));
  const rows = await db.apiKeyUsageDay.findMany({ where: { apiKeyId: input.apiKeyId, day: { gte: start } }, select: { day: true, requests: true } });
  const byDay = new Map(rows.map((row) => [row.day.toISOString().slice(0, 10), row.requests]));
  return Array.from({ length: days }, (_, index) => {
    const day = new Date(start.getTime() + index * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    return { day, requests: byDay.get(day) ?? 0 };
  });
}

// ---------------------------------------------------------------------------------------------
// Authentication by key
// ---------------------------------------------------------------------------------------------

export type AuthenticatedApiKey = { id: string; publicId: string; scopes: ApiKeyScope[]; customerId: string | null; name: string };

export type ApiKeyRefusal = { status: 401 | 403 | 429; error: 'UNAUTHORIZED' | 'FORBIDDEN' | 'RATE_LIMITED'; message: string; rateLimit?: RateLimitResult };

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`, if either is present. */
export function apiKeyFromHeaders(header: (name: string) => string | null): string | null {
  const authorization = header('authorization');
  if (authorization && /^Bearer\s+/i.test(authorization)) return authorization.replace(/^Bearer\s+/i, '').trim();
  return header('x-api-key')?.trim() || null;
}

/**
 * Authenticates a request by API key: the key (401), then its IP allowlist, its allowed origins
 * and the scope when one is required here (403; tRPC checks each procedure's scope itself), then
 * its own rate limit (429). A malformed key is refused before any
 * query. Use is counted for the per-key chart and last-used fields without a write per request.
 */
export async function authenticateApiKey(
  db: DbOrTx,
  input: { rawKey: string; ip: string; origin: string | null; requiredScope: ApiKeyScope | null; now?: Date },
): Promise<{ ok: true; key: AuthenticatedApiKey } | ({ ok: false } & ApiKeyRefusal)> {
  const now = input.now ?? new Date();
  const unauthorized = { ok: false as const, status: 401 as const, error: 'UNAUTHORIZED' as const, message: 'The API key is missing, invalid, expired or revoked.' };
  const parsed = parseApiKey(input.rawKey);
  if (!parsed) return unauthorized;
  const key = await db.apiKey.findUnique({ where: { publicId: parsed.publicId } });
  if (!key || !timingSafeEqual(sha256(parsed.secret), Buffer.from(key.secretHash, 'hex')) || apiKeyStatus(key, now) === 'revoked' || apiKeyStatus(key, now) === 'expired' || apiKeyStatus(key, now) === 'rotated') {
    if (key) console.warn(`API key ${apiKeyPrefix(parsed.publicId)} refused (${key ? apiKeyStatus(key, now) : 'unknown'}) from ${input.ip}`);
    return unauthorized;
  }
  const forbidden = (message: string) => {
    console.warn(`API key ${apiKeyPrefix(key.publicId)} forbidden from ${input.ip}: ${message}`);
    return { ok: false as const, status: 403 as const, error: 'FORBIDDEN' as const, message };
  };
  if (key.ipAllowlist.length > 0 && !ipMatchesAny(input.ip, key.ipAllowlist)) return forbidden('This key is not allowed from your IP address.');
  if (input.origin && key.allowedOrigins.length > 0 && !key.allowedOrigins.includes(input.origin)) return forbidden('This key is not allowed from this origin.');
  const scopes = key.scopes as ApiKeyScope[];
  if (input.requiredScope && !scopes.includes(input.requiredScope)) return forbidden(`This key lacks the ${input.requiredScope} scope.`);
  if (key.rateLimitPerHour) {
    const limit = await consumeRateLimit('apiKeyOwnLimit', key.id, key.rateLimitPerHour);
    if (!limit.allowed) return { ok: false, status: 429, error: 'RATE_LIMITED', message: 'This key has reached its own hourly limit.', rateLimit: limit };
  }
  noteApiKeyUse(db, key.id, input.ip, now);
  return { ok: true, key: { id: key.id, publicId: key.publicId, scopes, customerId: key.customerId, name: key.name } };
}

// Use is buffered per process and written every few seconds: one upsert per key and day, and
// the last-used time and address at most once a minute per key. The buffer lives on globalThis
// because Next bundles route handlers and pages separately: one buffer per process lets the key
// page's flush include the uses the API routes counted.
type UsageBuffer = {
  pendingRequests: Map<string, number>;
  lastUse: Map<string, { at: Date; ip: string; written: number }>;
  flushTimer: NodeJS.Timeout | null;
  flushDb: DbOrTx | null;
};
const buffer = ((globalThis as { __licensorApiKeyUsage?: UsageBuffer }).__licensorApiKeyUsage ??= {
  pendingRequests: new Map(),
  lastUse: new Map(),
  flushTimer: null,
  flushDb: null,
});
const { pendingRequests, lastUse } = buffer;

function noteApiKeyUse(db: DbOrTx, apiKeyId: string, ip: string, now: Date) {
  buffer.flushDb = db;
  const day = now.toISOString().slice(0, 10);
  const bucket = `${apiKeyId}|${day}`;
  pendingRequests.set(bucket, (pendingRequests.get(bucket) ?? 0) + 1);
  const previous = lastUse.get(apiKeyId);
  lastUse.set(apiKeyId, { at: now, ip, written: previous?.written ?? 0 });
  buffer.flushTimer ??= setTimeout(() => {
    buffer.flushTimer = null;
    if (buffer.flushDb) void flushApiKeyUsage(buffer.flushDb).catch((error: unknown) => console.error('API key usage flush failed:', error instanceof Error ? error.message : error));
  }, securityPolicy().apiKeys.usageFlushEverySeconds * 1000).unref();
}

/** Writes the buffered use counts and last-used fields (also called before reading the chart). */
export async function flushApiKeyUsage(db: DbOrTx): Promise<void> {
  buffer.flushDb = db;
  const counts = [...pendingRequests.entries()];
  pendingRequests.clear();
  for (const [bucket, requests] of counts) {
    const [apiKeyId, day] = bucket.split('|') as [string, string];
    await db.apiKeyUsageDay.upsert({
      where: { apiKeyId_day: { apiKeyId, day: new Date(`${day}T00:00:00Z`) } },
      create: { apiKeyId, day: new Date(`${day}T00:00:00Z`), requests },
      update: { requests: { increment: requests } },
    });
  }
  const everyMs = securityPolicy().apiKeys.lastUsedWriteEverySeconds * 1000;
  for (const [apiKeyId, use] of lastUse) {
    if (use.at.getTime() - use.written < everyMs && use.written !== 0) continue;
    await db.apiKey.update({ where: { id: apiKeyId }, data: { lastUsedAt: use.at, lastUsedIp: use.ip } });
    use.written = use.at.getTime();
  }
}
