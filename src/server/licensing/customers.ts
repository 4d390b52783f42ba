import type { z } from 'zod';
import { CreateCustomerInput } from '@/lib/schemas/licensing';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { RequestMeta } from '../auth';
import type { Db } from '../db';
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
