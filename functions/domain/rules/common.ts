/**
 * Shared pieces of the rule functions: input parsing that turns a zod failure into a
 * ValidationError naming the field, instants normalised to UTC ISO-8601, and the `{ at, clause }`
 * shape every computed deadline takes so that callers can cite the rule that produced it.
 */
import { z } from 'zod';
import { toUtcIso } from '../calendar';
import { ValidationError } from '../errors';
import { nonNegativeMoneySchema } from '../money';

/** An instant (ISO-8601 string with offset, or a Date), normalised to a UTC ISO string. */
export const instantSchema = z.union([z.string(), z.date()]).transform((value, ctx) => {
  try {
    return toUtcIso(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO-8601 instant with a UTC offset' });
    return z.NEVER;
  }
});

export const amountSchema = nonNegativeMoneySchema;

export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'input';
  throw new ValidationError(field, issue?.message ?? 'is invalid', { cause: result.error });
}

/** A computed instant with the clause of the rule that set it. */
export interface TimedRule {
  at: string;
  clause: string;
  note?: string;
}
