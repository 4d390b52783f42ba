import { z } from 'zod';

/** Shapes shared by the security pages, the procedures and the URLs of the dashboard's lists. */

export const SecurityWindow = z.enum(['1h', '24h', '7d']);
export type SecurityWindow = z.infer<typeof SecurityWindow>;

export const WINDOW_SECONDS: Record<SecurityWindow, number> = { '1h': 60 * 60, '24h': 24 * 60 * 60, '7d': 7 * 24 * 60 * 60 };
export const WINDOW_LABELS: Record<SecurityWindow, string> = { '1h': 'Last hour', '24h': 'Last 24 hours', '7d': 'Last 7 days' };

/**
 * How a validation attempt ended, as the dashboard groups them: succeeded, refused by rate
 * limiting (429), refused as unauthenticated or forbidden (401/403), or refused otherwise.
 */
export const ValidationOutcome = z.enum(['succeeded', 'failed', 'rate_limited', 'unauthorised']);
export type ValidationOutcome = z.infer<typeof ValidationOutcome>;

const Cursor = z.string().max(200).nullish();
const PageSize = z.int().min(1).max(100).default(50);
const Text = (max: number) => z.string().trim().min(1).max(max).optional();

export const DashboardInput = z.object({ window: SecurityWindow.default('24h') });

export const ListValidationAttemptsInput = z.object({
  window: SecurityWindow.default('24h'),
  outcome: ValidationOutcome.optional(),
  code: z.string().regex(/^[A-Z_]{1,40}$/).optional(),
  ip: Text(64),
  licenseId: z.uuid().optional(),
  cursor: Cursor,
  limit: PageSize,
});
export type ListValidationAttemptsInput = z.input<typeof ListValidationAttemptsInput>;

export const ListSignInAttemptsInput = z.object({
  window: SecurityWindow.default('24h'),
  result: z.enum(['failed', 'succeeded']).optional(),
  ip: Text(64),
  cursor: Cursor,
  limit: PageSize,
});
export type ListSignInAttemptsInput = z.input<typeof ListSignInAttemptsInput>;

export const ListWebhookFailuresInput = z.object({ window: SecurityWindow.default('24h'), cursor: Cursor, limit: PageSize });
export type ListWebhookFailuresInput = z.input<typeof ListWebhookFailuresInput>;

export const AlertStatusName = z.enum(['OPEN', 'ACKNOWLEDGED', 'RESOLVED']);
export type AlertStatusName = z.infer<typeof AlertStatusName>;

export const ListAlertsInput = z.object({ status: AlertStatusName.optional(), cursor: Cursor, limit: PageSize });
export type ListAlertsInput = z.input<typeof ListAlertsInput>;

export const AlertActionInput = z.object({ alertId: z.uuid(), note: z.string().trim().max(500, 'Use at most 500 characters').optional() });
export type AlertActionInput = z.infer<typeof AlertActionInput>;

export const ListIpBlocksInput = z.object({ state: z.enum(['active', 'ended']).default('active'), cursor: Cursor, limit: PageSize });
export type ListIpBlocksInput = z.input<typeof ListIpBlocksInput>;

export const BlockIpInput = z.object({
  ip: z.string().trim().min(1, 'Enter an IP address').max(64, 'That is not an IP address'),
  durationMinutes: z.int().min(1, 'At least a minute').max(365 * 24 * 60, 'At most a year'),
  reason: z.string().trim().min(1, 'Give a reason').max(500, 'Use at most 500 characters'),
});
export type BlockIpInput = z.infer<typeof BlockIpInput>;

export const LiftIpBlockInput = z.object({ blockId: z.uuid() });
export type LiftIpBlockInput = z.infer<typeof LiftIpBlockInput>;
