import type { z } from 'zod';
import { CreatePlanInput, CreateProductInput } from '@/lib/schemas/licensing';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { RequestMeta } from '../auth';
import { isUniqueViolation, type Db } from '../db';
import { AppError } from '../errors';
import { parseInput } from './input';

/** Products and the plans that carry their license policy. */

export async function createProduct(
  db: Db,
  input: z.input<typeof CreateProductInput>,
  actor: AuditActor,
  meta: RequestMeta = {},
) {
  const data = parseInput(CreateProductInput, input);
  return db.$transaction(async (tx) => {
    const product = await tx.product.create({ data }).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError('CONFLICT', `A product with the slug "${data.slug}" already exists.`, { field: 'slug' });
      throw error;
    });
    await recordAuditEvent(tx, {
      actor,
      action: 'product.create',
      target: { type: 'product', id: product.id },
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { name: product.name, slug: product.slug, keyPrefix: product.keyPrefix },
    });
    return product;
  });
}

export async function createPlan(db: Db, input: z.input<typeof CreatePlanInput>, actor: AuditActor, meta: RequestMeta = {}) {
  const data = parseInput(CreatePlanInput, input);
  return db.$transaction(async (tx) => {
    const product = await tx.product.findUnique({ where: { id: data.productId }, select: { id: true } });
    if (!product) throw new AppError('NOT_FOUND', 'Product not found.', { field: 'productId' });
    const plan = await tx.plan.create({ data }).catch((error: unknown) => {
      if (isUniqueViolation(error)) {
        throw new AppError('CONFLICT', `This product already has a plan named "${data.name}".`, { field: 'name' });
      }
      throw error;
    });
    await recordAuditEvent(tx, {
      actor,
      action: 'plan.create',
      target: { type: 'plan', id: plan.id },
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: {
        productId: plan.productId,
        name: plan.name,
        durationDays: plan.durationDays,
        maxMachines: plan.maxMachines,
        features: plan.features,
        quotas: plan.quotas,
      },
    });
    return plan;
  });
}
