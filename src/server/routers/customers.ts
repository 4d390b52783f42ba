import { CreateCustomerInput, CustomerIdInput, ListCustomersInput } from '@/lib/schemas/licensing';
import { createCustomer, getCustomerDetail, listCustomers } from '../licensing/customers';
import { adminProcedure, createTRPCRouter, resellerProcedure } from '../trpc/init';
import { actorOf } from './actor';

/** Customer organisations: all of them for admins, its own for a reseller. */
export const customersRouter = createTRPCRouter({
  list: adminProcedure.input(ListCustomersInput).query(({ ctx, input }) => listCustomers(ctx.db, input)),
  get: adminProcedure.input(CustomerIdInput).query(({ ctx, input }) => getCustomerDetail(ctx.db, input)),
  create: adminProcedure.input(CreateCustomerInput).mutation(({ ctx, input }) => createCustomer(ctx.db, input, actorOf(ctx.user), ctx.meta)),
  resellerList: resellerProcedure.input(ListCustomersInput).query(({ ctx, input }) => listCustomers(ctx.db, input, { resellerId: ctx.user.id })),
});
