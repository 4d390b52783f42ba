import type Redis from 'ioredis';
import type { LicenseStatus } from '@/generated/prisma/enums';
import { decryptSecret } from '../crypto/secretbox';
import type { DbOrTx } from '../db';
import { getEnv } from '../env';
import { getRedis } from '../redis';
import { securityPolicy } from '../security/policy';

/** What the license API needs to decide, per license: its state, policy and signing secret. */
export type LicensePolicy = {
  id: string;
  customerId: string;
  status: LicenseStatus;
  expiresAt: Date | null;
  maxMachines: number | null;
  features: string[];
  quotas: Record<string, number>;
  suspicious: boolean;
  blockFlagged: boolean;
  autoActivate: boolean;
  autoSuspendOnAnomaly: boolean;
  signingSecret: string;
  activeMachines: { id: string; fingerprint: string; activatedAt: Date }[];
};

type Entry = { value: LicensePolicy | null; expiresAt: number };
const byKey = new Map<string, Entry>();
const keyById = new Map<string, string>();

function quotasOf(value: unknown): Record<string, number> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
}

/**
 * The license with a normalised key and its active machines, from a per-instance cache (the hot
 * path of validate reads no row for them). Changes invalidate it through invalidateLicensePolicy.
 */
export async function findLicensePolicy(db: DbOrTx, key: string, now = Date.now()): Promise<LicensePolicy | null> {
  subscribeToInvalidations();
  const cached = byKey.get(key);
  if (cached && cached.expiresAt > now) return cached.value;
  const row = await db.license.findUnique({
    where: { key },
    select: {
      id: true,
      customerId: true,
      status: true,
      expiresAt: true,
      maxMachines: true,
      features: true,
      quotas: true,
      suspicious: true,
      encryptedSigningSecret: true,
      plan: { select: { blockFlagged: true, autoActivate: true, autoSuspendOnAnomaly: true } },
      machines: { where: { deactivatedAt: null }, select: { id: true, fingerprint: true, activatedAt: true }, orderBy: { activatedAt: 'asc' } },
    },
  });
  const value: LicensePolicy | null = row
    ? {
        id: row.id,
        customerId: row.customerId,
        status: row.status,
        expiresAt: row.expiresAt,
        maxMachines: row.maxMachines,
        features: row.features,
        quotas: quotasOf(row.quotas),
        suspicious: row.suspicious,
        blockFlagged: row.plan.blockFlagged,
        autoActivate: row.plan.autoActivate,
        autoSuspendOnAnomaly: row.plan.autoSuspendOnAnomaly,
        signingSecret: decryptSecret(row.encryptedSigningSecret),
        activeMachines: row.machines,
      }
    : null;
  byKey.set(key, { value, expiresAt: now + securityPolicy().licenseApi.licenseCacheTtlMs });
  if (value) keyById.set(value.id, key);
  return value;
}

function forgetLocally(licenseId: string | null) {
  if (licenseId === null) {
    byKey.clear();
    keyById.clear();
    return;
  }
  const key = keyById.get(licenseId);
  if (key) byKey.delete(key);
  keyById.delete(licenseId);
}

const channel = () => `${getEnv().REDIS_KEY_PREFIX}license-policy-changed`;
let subscriber: Redis | null | undefined;

/** With Redis, other instances drop their copy as soon as a license changes anywhere. */
function subscribeToInvalidations() {
  if (subscriber !== undefined) return;
  const redis = getRedis();
  subscriber = redis ? redis.duplicate() : null;
  if (!subscriber) return;
  subscriber.on('error', () => {});
  subscriber.on('message', (_channel: string, licenseId: string) => forgetLocally(licenseId === '*' ? null : licenseId));
  subscriber.subscribe(channel()).catch(() => {});
}

/** Call after any change to a license, its plan, its signing secret or its machines (null: every license). */
export function invalidateLicensePolicy(licenseId: string | null): void {
  forgetLocally(licenseId);
  getRedis()?.publish(channel(), licenseId ?? '*').catch(() => {});
}
