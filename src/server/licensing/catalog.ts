import type { z } from 'zod';
import { CreatePlanInput, CreateProductInput, ListPlansInput, ListProductsInput, PlanIdInput, PlanOptionsInput } from '@/lib/schemas/licensing';
import { recordAuditEvent, type AuditActor } from '../audit';
import type { RequestMeta } from '../auth';
import { isUniqueViolation, type Db, type DbOrTx } from '../db';
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

/** What the admin pages show of a plan: its license policy and price. */
const PLAN_POLICY = {
  id: true,
  name: true,
  durationDays: true,
  maxMachines: true,
  features: true,
  quotas: true,
  autoActivate: true,
  blockFlagged: true,
  autoSuspendOnAnomaly: true,
  priceCents: true,
  currency: true,
  archivedAt: true,
} as const;

/** One page of products by name, each with all its plans (current first) and their license counts. */
export async function listProducts(db: DbOrTx, input: z.input<typeof ListProductsInput>) {
  const { search, cursor, limit } = parseInput(ListProductsInput, input);
  const rows = await db.product.findMany({
    where: search ? { OR: [{ name: { contains: search, mode: 'insensitive' } }, { slug: { contains: search, mode: 'insensitive' } }] } : {},
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select: {
      id: true,
      name: true,
      slug: true,
      description: true,
      keyPrefix: true,
      createdAt: true,
      plans: {
        orderBy: [{ archivedAt: { sort: 'desc', nulls: 'first' } }, { name: 'asc' }],
        select: { ...PLAN_POLICY, _count: { select: { licenses: true } } },
      },
    },
  });
  const page = rows.slice(0, limit);
  return {
    items: page.map((product) => ({
      ...product,
      plans: product.plans.map(({ _count, quotas, ...plan }) => ({ ...plan, quotas: quotas as Record<string, number>, licenses: _count.licenses })),
    })),
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
  };
}

/** The plans of one product by name; archived plans only when asked for. */
export async function listPlans(db: DbOrTx, input: z.input<typeof ListPlansInput>) {
  const { productId, includeArchived } = parseInput(ListPlansInput, input);
  const product = await db.product.findUnique({ where: { id: productId }, select: { id: true } });
  if (!product) throw new AppError('NOT_FOUND', 'Product not found.');
  const plans = await db.plan.findMany({
    where: { productId, ...(includeArchived ? {} : { archivedAt: null }) },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
    select: PLAN_POLICY,
  });
  return plans.map((plan) => ({ ...plan, quotas: plan.quotas as Record<string, number> }));
}

/** Up to 50 current plans whose name or product matches, for the plan pickers of the issue dialogs. */
export async function listPlanOptions(db: DbOrTx, input: z.input<typeof PlanOptionsInput>) {
  const { search } = parseInput(PlanOptionsInput, input);
  return db.plan.findMany({
    where: {
      archivedAt: null,
      ...(search
        ? { OR: [{ name: { contains: search, mode: 'insensitive' } }, { product: { name: { contains: search, mode: 'insensitive' } } }] }
        : {}),
    },
    orderBy: [{ product: { name: 'asc' } }, { name: 'asc' }, { id: 'asc' }],
    take: 50,
    select: { id: true, name: true, durationDays: true, maxMachines: true, product: { select: { id: true, name: true } } },
  });
}

/** An archived plan keeps its licenses but no new license can be issued on it. */
export async function archivePlan(db: Db, input: z.input<typeof PlanIdInput>, actor: AuditActor, meta: RequestMeta = {}) {
  const { planId } = parseInput(PlanIdInput, input);
  return db.$transaction(async (tx) => {
    const archivedAt = new Date();
    const { count } = await tx.plan.updateMany({ where: { id: planId, archivedAt: null }, data: { archivedAt } });
    if (count === 0) {
      const exists = await tx.plan.findUnique({ where: { id: planId }, select: { id: true } });
      throw exists ? new AppError('CONFLICT', 'This plan is already archived.') : new AppError('NOT_FOUND', 'Plan not found.');
    }
    const plan = await tx.plan.findUniqueOrThrow({ where: { id: planId }, select: { id: true, name: true, productId: true, archivedAt: true } });
    await recordAuditEvent(tx, {
      actor,
      action: 'plan.archive',
      target: { type: 'plan', id: plan.id },
      ip: meta.ip,
      userAgent: meta.userAgent,
      metadata: { productId: plan.productId, name: plan.name },
    });
    return plan;
  });
}
