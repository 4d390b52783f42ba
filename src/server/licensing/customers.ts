import type { z } from 'zod';
import type { LicenseStatus } from '@/generated/prisma/enums';
import { CreateCustomerInput, CustomerIdInput, ListCustomersInput } from '@/lib/schemas/licensing';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { RequestMeta } from '../auth';
import type { Db, DbOrTx, Prisma } from '../db';
import { AppError } from '../errors';
import { parseInput } from './input';

/** Creates a customer organisation, optionally owned by a reseller, and records `customer.create`. */
export async function createCustomer(
  db: Db,
  input: z.input<typeof CreateCustomerInput>,
  actor: AuditActor,
  meta: RequestMeta = {},
) {
  const data = parseInput(CreateCustomerInput, input);
  return db.$transaction(async (tx) => {
    if (data.resellerId) {
      const reseller = await tx.user.findUnique({ where: { id: data.resellerId }, select: { role: true } });
      if (reseller?.role !== 'RESELLER') throw new AppError('NOT_FOUND', 'Reseller not found.', { field: 'resellerId' });
    }
    const customer = await tx.customer.create({ data });
    await recordAuditEvent(tx, {
      actor,
      action: 'customer.create',
      target: { type: 'customer', id: customer.id },
      customerId: customer.id,
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { name: customer.name, email: customer.email, resellerId: customer.resellerId },
    });
    return customer;
  });
}

/** Limits customer lookups to one reseller's own customers. */
export type CustomerScope = { resellerId?: string };

/**
 * One page of customers by name, searched by name or billing email. A reseller's scope hides
 * other resellers' customers and anonymised ones (it cannot issue to those).
 */
export async function listCustomers(db: DbOrTx, input: z.input<typeof ListCustomersInput>, scope: CustomerScope = {}) {
  const { search, cursor, limit } = parseInput(ListCustomersInput, input);
  const where: Prisma.CustomerWhereInput = {
    ...(scope.resellerId ? { resellerId: scope.resellerId, anonymizedAt: null } : {}),
    ...(search ? { OR: [{ name: { contains: search, mode: 'insensitive' } }, { email: { contains: search, mode: 'insensitive' } }] } : {}),
  };
  const rows = await db.customer.findMany({
    where,
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: {
      id: true,
      name: true,
      email: true,
      anonymizedAt: true,
      createdAt: true,
      reseller: { select: { id: true, email: true } },
      _count: { select: { users: true, licenses: true } },
    },
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map(({ _count, ...customer }) => ({ ...customer, users: _count.users, licenses: _count.licenses })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/**
 * The customer page: the organisation, its users, machine and license counts, and its recent
 * activity (audit events recorded for this customer). Its licenses are paged by listLicenses.
 */
export async function getCustomerDetail(db: DbOrTx, input: z.input<typeof CustomerIdInput>) {
  const { customerId } = parseInput(CustomerIdInput, input);
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: {
      id: true,
      name: true,
      email: true,
      stripeCustomerId: true,
      anonymizedAt: true,
      createdAt: true,
      reseller: { select: { id: true, name: true, email: true } },
      users: {
        orderBy: [{ name: 'asc' }, { id: 'asc' }],
        take: 100,
        select: { id: true, name: true, email: true, disabledAt: true, createdAt: true },
      },
      _count: { select: { users: true } },
    },
  });
  if (!customer) throw new AppError('NOT_FOUND', 'That customer does not exist.');
  const [licensesByStatus, activeMachines, recentEvents] = await Promise.all([
    db.license.groupBy({ by: ['status'], where: { customerId }, _count: { _all: true } }),
    db.machine.count({ where: { deactivatedAt: null, license: { customerId } } }),
    db.auditEvent.findMany({
      where: { customerId },
      orderBy: { sequence: 'desc' },
      take: 20,
      select: { sequence: true, createdAt: true, action: true, actorLabel: true, actorType: true, targetType: true, targetId: true, ip: true },
    }),
  ]);
  const { _count, ...rest } = customer;
  return {
    ...rest,
    userCount: _count.users,
    licensesByStatus: Object.fromEntries(licensesByStatus.map((group) => [group.status, group._count._all])) as Partial<Record<LicenseStatus, number>>,
    activeMachines,
    recentEvents: recentEvents.map((event) => ({ ...event, sequence: event.sequence.toString() })),
  };
}
