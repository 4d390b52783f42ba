import type { DbOrTx } from '../db';
import type { LicenseStatus, Role } from '@/generated/prisma/enums';

const LICENSE_STATUSES: LicenseStatus[] = ['ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED', 'OVERDUE'];
const ROLES: Role[] = ['ADMIN', 'RESELLER', 'CUSTOMER'];

export type AdminDashboardSummary = {
  customers: number;
  products: number;
  licensesByStatus: Record<LicenseStatus, number>;
  flaggedLicenses: number;
  activeMachines: number;
  usersByRole: Record<Role, number>;
  validationsLast24h: { total: number; succeeded: number; failed: number };
  openAlerts: number;
  recentAuditEvents: { sequence: bigint; createdAt: Date; action: string; actorLabel: string | null; targetType: string | null }[];
};

/** The counts on the admin dashboard, read in one round of parallel queries. */
export async function getAdminDashboardSummary(db: DbOrTx, now = new Date()): Promise<AdminDashboardSummary> {
  const since = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  const [customers, products, licenseGroups, flaggedLicenses, activeMachines, userGroups, validationGroups, openAlerts, recentAuditEvents] =
    await Promise.all([
      db.customer.count({ where: { anonymizedAt: null } }),
      db.product.count(),
      db.license.groupBy({ by: ['status'], _count: { _all: true } }),
      db.license.count({ where: { suspicious: true } }),
      db.machine.count({ where: { deactivatedAt: null } }),
      db.user.groupBy({ by: ['role'], where: { disabledAt: null }, _count: { _all: true } }),
      db.licenseValidation.groupBy({ by: ['success'], where: { createdAt: { gte: since } }, _count: { _all: true } }),
      db.securityAlert.count({ where: { status: { not: 'RESOLVED' } } }),
      db.auditEvent.findMany({
        orderBy: { sequence: 'desc' },
        take: 8,
        select: { sequence: true, createdAt: true, action: true, actorLabel: true, targetType: true },
      }),
    ]);
  const licensesByStatus = Object.fromEntries(LICENSE_STATUSES.map((status) => [status, 0])) as Record<LicenseStatus, number>;
  for (const group of licenseGroups) licensesByStatus[group.status] = group._count._all;
  const usersByRole = Object.fromEntries(ROLES.map((role) => [role, 0])) as Record<Role, number>;
  for (const group of userGroups) usersByRole[group.role] = group._count._all;
  const succeeded = validationGroups.find((group) => group.success)?._count._all ?? 0;
  const failed = validationGroups.find((group) => !group.success)?._count._all ?? 0;
  return {
    customers,
    products,
    licensesByStatus,
    flaggedLicenses,
    activeMachines,
    usersByRole,
    validationsLast24h: { total: succeeded + failed, succeeded, failed },
    openAlerts,
    recentAuditEvents,
  };
}
