import { z } from 'zod';
import { createUser } from '../auth';
import { revokeAllSessionsOfUser } from '../auth/sessions';
import { changeUserRole, getUserForAdmin, inviteUser, listUsers, setUserDisabled } from '../auth/user-admin';
import { listCustomers } from '../licensing/customers';
import { adminProcedure, createTRPCRouter } from '../trpc/init';
import { ChangeRoleInput, CreateUserByAdminInput, CustomerOptionsInput, InviteUserInput, ListUsersInput, SetUserDisabledInput, UserId } from '@/lib/schemas/users';

const actorOf = (user: { id: string; email: string }) => ({ type: 'user' as const, id: user.id, label: user.email });

/** Admin management of users (MFA reset lives in the mfa router). */
export const usersRouter = createTRPCRouter({
  list: adminProcedure.input(ListUsersInput).query(({ ctx, input }) => listUsers(ctx.db, { ...input, cursor: input.cursor ?? undefined })),
  get: adminProcedure.input(z.object({ userId: UserId })).query(({ ctx, input }) => getUserForAdmin(ctx.db, input.userId)),
  create: adminProcedure.input(CreateUserByAdminInput).mutation(({ ctx, input }) => createUser(ctx.db, input, actorOf(ctx.user), ctx.meta)),
  invite: adminProcedure.input(InviteUserInput).mutation(({ ctx, input }) => inviteUser(ctx.db, input, actorOf(ctx.user), ctx.meta)),
  changeRole: adminProcedure
    .input(ChangeRoleInput)
    .mutation(({ ctx, input }) => changeUserRole(ctx.db, { ...input, actingUserId: ctx.user.id }, actorOf(ctx.user), ctx.meta)),
  setDisabled: adminProcedure
    .input(SetUserDisabledInput)
    .mutation(({ ctx, input }) => setUserDisabled(ctx.db, { ...input, actingUserId: ctx.user.id }, actorOf(ctx.user), ctx.meta)),
  /** The customers a CUSTOMER user may belong to, for the role pickers. */
  customerOptions: adminProcedure.input(CustomerOptionsInput).query(async ({ ctx, input }) => {
    const page = await listCustomers(ctx.db, { search: input.search, limit: 20 });
    return page.items.filter((customer) => customer.anonymizedAt === null).map(({ id, name }) => ({ id, name }));
  }),
  revokeSessions: adminProcedure
    .input(z.object({ userId: UserId }))
    .mutation(({ ctx, input }) => revokeAllSessionsOfUser(ctx.db, input.userId, { actor: actorOf(ctx.user), meta: ctx.meta })),
});
