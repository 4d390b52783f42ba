import { CreatePlanInput, CreateProductInput, ListPlansInput, ListProductsInput, PlanIdInput, PlanOptionsInput } from '@/lib/schemas/licensing';
import { archivePlan, createPlan, createProduct, listPlanOptions, listPlans, listProducts } from '../licensing/catalog';
import { adminProcedure, createTRPCRouter, resellerProcedure } from '../trpc/init';
import { actorOf } from './actor';

/** Products and the plans that carry their license policy. */
export const catalogRouter = createTRPCRouter({
  products: adminProcedure.input(ListProductsInput).query(({ ctx, input }) => listProducts(ctx.db, input)),
  createProduct: adminProcedure.input(CreateProductInput).mutation(({ ctx, input }) => createProduct(ctx.db, input, actorOf(ctx.user), ctx.meta)),
  plans: adminProcedure.input(ListPlansInput).query(({ ctx, input }) => listPlans(ctx.db, input)),
  createPlan: adminProcedure.input(CreatePlanInput).mutation(({ ctx, input }) => createPlan(ctx.db, input, actorOf(ctx.user), ctx.meta)),
  archivePlan: adminProcedure.input(PlanIdInput).mutation(({ ctx, input }) => archivePlan(ctx.db, input, actorOf(ctx.user), ctx.meta)),
  /** Resellers choose a plan to issue on too; plans are not customer data. */
  planOptions: resellerProcedure.input(PlanOptionsInput).query(({ ctx, input }) => listPlanOptions(ctx.db, input)),
});
