import { describe, expect, it } from 'vitest';
import { verifyAuditChain, type AuditActor } from '../audit';
import { decryptSecret } from '../crypto/secretbox';
import { createAdapterFactory, createPrismaClient } from '../db';
import { applyPendingMigrations } from '../migrations';
import { createCustomer, createPlan, createProduct, issueLicense } from '.';

const actor: AuditActor = { type: 'cli', label: 'issue.pglite.test' };

// The embedded default has no savepoints: every audited mutation must run in one flat transaction.
describe('licensing on the embedded PGlite database', () => {
  it('creates the catalogue and issues a license with a verifying audit chain', { timeout: 60_000 }, async () => {
    const factory = await createAdapterFactory({ kind: 'pglite', dataDir: 'memory://' });
    await applyPendingMigrations(factory);
    const db = createPrismaClient(factory);
    try {
      const product = await createProduct(db, { name: 'Embedded', slug: 'embedded' }, actor);
      const plan = await createPlan(db, { productId: product.id, name: 'Yearly', durationDays: 365, maxMachines: 1, features: ['core'] }, actor);
      const customer = await createCustomer(db, { name: 'Embedded Ltd', email: 'ops@embedded.example' }, actor);
      const issued = await issueLicense(db, { customerId: customer.id, planId: plan.id, issuedVia: 'ADMIN' }, actor);

      const stored = await db.license.findUniqueOrThrow({ where: { id: issued.license.id } });
      expect(stored.key).toBe(issued.licenseKey);
      expect(decryptSecret(stored.encryptedSigningSecret)).toBe(issued.signingSecret);
      expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 4, headSequence: 4n });
    } finally {
      await db.$disconnect();
    }
  });
});
