import type { z } from 'zod';
import { AppError } from '../errors';

/**
 * Domain functions parse their input again, so callers that skip the router (CLI, seed, billing)
 * keep the same invariants; a bad value is BAD_REQUEST naming the first offending field.
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issue?.message ?? 'Invalid input.';
  throw new AppError('BAD_REQUEST', field ? `${field}: ${message}` : message, field ? { field } : undefined);
}
