import type { DbOrTx } from '../db';
import type { LicenseStatus } from '@/generated/prisma/enums';

async function licenseCountsByStatus(db: DbOrTx, where: { customerId?: string; issuedById?: string }) {
  const groups = await db.license.groupBy({ by: ['status'], where, _count: { _all: true } });
  return Object.fromEntries(groups.map((group) => [group.status, group._count._all])) as Partial<Record<LicenseStatus, number>>;
}

/** What a customer's users see first: their organisation and its licenses at a glance. */
export async function getCustomerOverview(db: DbOrTx, customerId: string) {
  const [customer, licensesByStatus, activeMachines] = await Promise.all([
    db.customer.findUniqueOrThrow({ where: { id: customerId }, select: { id: true, name: true, email: true, createdAt: true } }),
    licenseCountsByStatus(db, { customerId }),
    db.machine.count({ where: { deactivatedAt: null, license: { customerId } } }),
  ]);
  return { customer, licensesByStatus, activeMachines };
}

/** A reseller's own book: the customers it owns and the licenses it issued. */
export async function getResellerOverview(db: DbOrTx, resellerId: string) {
  const [customers, licensesByStatus] = await Promise.all([
    db.customer.count({ where: { resellerId, anonymizedAt: null } }),
    licenseCountsByStatus(db, { issuedById: resellerId }),
  ]);
  return { customers, licensesByStatus };
}
