import { z } from 'zod';
import type { Db } from '@/server/db';

const CustomerParam = z.uuid().optional().catch(undefined);

/**
 * The customer an admin page is narrowed to by its `customer` URL parameter; a malformed or
 * unknown id (hand-edited URL) shows every customer rather than an error page.
 */
export async function customerFromParam(db: Db, value: string | string[] | undefined): Promise<{ id: string; name: string } | null> {
  const customerId = CustomerParam.parse(Array.isArray(value) ? value[0] : value || undefined);
  if (!customerId) return null;
  return db.customer.findUnique({ where: { id: customerId }, select: { id: true, name: true } });
}
