/**
 * The whole dunning timeline of one invoice line if nothing is ever paid: what the CLI prints and what
 * a dunning workflow schedules. Composed from the single-rule functions; it adds no rule of its own.
 */
import { z } from 'zod';
import { compareInstants } from '../calendar';
import { productKindSchema } from '../product';
import type { Policy } from '../policy/schema';
import { amountSchema, instantSchema, parseInput, type TimedRule } from './common';
import { dueDate, invoiceIssueDate, reminderSchedule, suspensionPlan, terminationAndDeletion, type ContractEnd, type Reminder, type SuspensionPlan } from './dunning';
import { latePenalty, type LatePenalty } from './penalty';

const lifecycleInputSchema = z.object({
  billedAt: instantSchema,
  productKind: productKindSchema,
  amount: amountSchema.optional(),
});

export interface Lifecycle {
  issued: TimedRule;
  due: TimedRule;
  reminders: Reminder[];
  suspension: SuspensionPlan;
  end: ContractEnd;
  /** The penalty accrued by the last step of the timeline, if the policy has one and an amount was given. */
  penalty: (LatePenalty & { asOf: string }) | null;
}

export function unpaidInvoiceLifecycle(policy: Policy, input: z.input<typeof lifecycleInputSchema>): Lifecycle {
  const { billedAt, productKind, amount } = parseInput(lifecycleInputSchema, input);
  const issued = invoiceIssueDate(policy, billedAt);
  const due = dueDate(policy, issued.at);
  const suspension = suspensionPlan(policy, { dueAt: due.at, productKind });
  const end = terminationAndDeletion(policy, { issuedAt: issued.at, dueAt: due.at, productKind });
  const last = [end.termination?.at, end.deletion?.at, suspension.kind === 'suspends' ? suspension.suspendAt.at : undefined, due.at]
    .filter((x): x is string => x !== undefined)
    .sort(compareInstants)
    .at(-1) ?? due.at;
  const penalty = amount ? latePenalty(policy, { dueAt: due.at, amount, asOf: last }) : null;
  return {
    issued,
    due,
    reminders: reminderSchedule(policy, { issuedAt: issued.at, dueAt: due.at, productKind }),
    suspension,
    end,
    penalty: penalty ? { ...penalty, asOf: last } : null,
  };
}
