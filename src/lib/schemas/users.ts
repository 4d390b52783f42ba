import { z } from 'zod';
import { Email, NewPassword, PersonName } from './auth';

export const RoleName = z.enum(['ADMIN', 'RESELLER', 'CUSTOMER']);
export const UserId = z.string().min(1).max(64);

export const ListUsersInput = z.object({
  search: z.string().trim().max(200).optional(),
  role: RoleName.optional(),
  status: z.enum(['active', 'disabled']).optional(),
  // Nullish: tRPC's infinite queries send null for the first page.
  cursor: z.string().max(64).nullish(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type ListUsersInput = z.input<typeof ListUsersInput>;

const RoleAssignment = { role: RoleName, customerId: z.string().max(64).optional().nullable() };
const customerRequiredForCustomerRole: [(value: { role: string; customerId?: string | null }) => boolean, { message: string; path: string[] }] = [
  (value) => value.role !== 'CUSTOMER' || Boolean(value.customerId),
  { message: 'Choose the customer this user belongs to', path: ['customerId'] },
];

/** An admin creates a user with an initial password, or invites one by email to choose it. */
export const CreateUserByAdminInput = z
  .object({ name: PersonName, email: Email, password: NewPassword, ...RoleAssignment })
  .refine(...customerRequiredForCustomerRole);
export type CreateUserByAdminInput = z.infer<typeof CreateUserByAdminInput>;

export const InviteUserInput = z.object({ name: PersonName, email: Email, ...RoleAssignment }).refine(...customerRequiredForCustomerRole);
export type InviteUserInput = z.infer<typeof InviteUserInput>;

export const ChangeRoleInput = z.object({ userId: UserId, ...RoleAssignment }).refine(...customerRequiredForCustomerRole);
export type ChangeRoleInput = z.infer<typeof ChangeRoleInput>;

/** The customer picker of the user dialogs: up to 20 customers whose name matches. */
export const CustomerOptionsInput = z.object({ search: z.string().trim().max(200).optional() });
export type CustomerOptionsInput = z.infer<typeof CustomerOptionsInput>;

export const SetUserDisabledInput = z.object({ userId: UserId, disabled: z.boolean() });
export type SetUserDisabledInput = z.infer<typeof SetUserDisabledInput>;

export const UpdateProfileInput = z.object({ name: PersonName });
export type UpdateProfileInput = z.infer<typeof UpdateProfileInput>;

export const ChangePasswordInput = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password').max(128),
    newPassword: NewPassword,
    confirmPassword: z.string(),
  })
  .refine((value) => value.newPassword === value.confirmPassword, { message: 'The passwords do not match', path: ['confirmPassword'] });
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>;

export const RequestPasswordResetInput = z.object({ email: Email });
export type RequestPasswordResetInput = z.infer<typeof RequestPasswordResetInput>;
export const ResetPasswordInput = z
  .object({ token: z.string().min(20).max(200), password: NewPassword, confirmPassword: z.string() })
  .refine((value) => value.password === value.confirmPassword, { message: 'The passwords do not match', path: ['confirmPassword'] });
export type ResetPasswordInput = z.infer<typeof ResetPasswordInput>;
