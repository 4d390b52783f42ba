import { randomBytes } from 'node:crypto';
import type { Db } from '../src/server/db';
import type { LicenseApiRequest, LicenseOperation } from '../src/server/licensing/api';
import { createCustomer, createPlan, createProduct, issueLicense } from '../src/server/licensing';
import { canonicalRequestString, computeRequestSignature, sha256Hex } from '../src/server/licensing/request-signature';
import { unique, uniqueEmail } from './helpers';

const system = { type: 'system' as const, label: 'test fixture' };

export type LicenseFixture = { licenseId: string; licenseKey: string; signingSecret: string; planId: string; customerId: string };

/** A product, plan, customer and license made through the domain functions, each uniquely named. */
export async function createLicenseFixture(
  db: Db,
  plan: { maxMachines?: number | null; features?: string[]; quotas?: Record<string, number>; autoActivate?: boolean; blockFlagged?: boolean; durationDays?: number | null } = {},
): Promise<LicenseFixture> {
  const product = await createProduct(db, { name: unique('Product'), slug: unique('product').toLowerCase() }, system);
  const features = plan.features ?? ['core', 'reports'];
  const created = await createPlan(
    db,
    {
      productId: product.id,
      name: unique('Plan'),
      durationDays: plan.durationDays === undefined ? 365 : plan.durationDays,
      maxMachines: plan.maxMachines === undefined ? 3 : plan.maxMachines,
      features,
      quotas: plan.quotas ?? {},
      autoActivate: plan.autoActivate ?? true,
      blockFlagged: plan.blockFlagged ?? true,
    },
    system,
  );
  const customer = await createCustomer(db, { name: unique('Customer'), email: uniqueEmail('billing') }, system);
  const issued = await issueLicense(db, { customerId: customer.id, planId: created.id, issuedVia: 'ADMIN' }, system);
  return { licenseId: issued.license.id, licenseKey: issued.licenseKey, signingSecret: issued.signingSecret, planId: created.id, customerId: customer.id };
}

export const freshNonce = () => randomBytes(18).toString('base64url');

let ipSequence = 0;
/** A fresh documentation-range IPv6 address, so per-IP limits never collide between tests. */
export const freshIp = () => `2001:db8:${process.pid.toString(16)}:${(Date.now() % 65536).toString(16)}::${(ipSequence += 1).toString(16)}`;

/** A correctly signed request (PROTOCOL.md section 2); `tamper` lets a test break one part. */
export function signedRequest(
  operation: LicenseOperation,
  body: unknown,
  signingSecret: string,
  options: { nonce?: string; timestamp?: number; now?: Date; ip?: string; rawBody?: string; headers?: Record<string, string | null>; signWith?: string } = {},
): LicenseApiRequest {
  const now = options.now ?? new Date();
  const raw = options.rawBody ?? JSON.stringify(body);
  const bytes = new TextEncoder().encode(raw);
  const path = `/api/v1/licenses/${operation}`;
  const timestamp = options.timestamp ?? Math.floor(now.getTime() / 1000);
  const nonce = options.nonce ?? freshNonce();
  const signature = computeRequestSignature(
    options.signWith ?? signingSecret,
    canonicalRequestString({ method: 'POST', path, timestamp, nonce, bodySha256Hex: sha256Hex(bytes) }),
  );
  const headers: Record<string, string | null> = {
    'content-type': 'application/json',
    'x-licensor-timestamp': String(timestamp),
    'x-licensor-nonce': nonce,
    'x-licensor-signature': signature,
    ...options.headers,
  };
  return {
    method: 'POST',
    path,
    header: (name) => headers[name.toLowerCase()] ?? null,
    body: bytes,
    ip: options.ip ?? freshIp(),
    userAgent: 'vitest',
    now,
  };
}
