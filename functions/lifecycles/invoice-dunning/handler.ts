/**
 * The `hostcycle-invoice-dunning-steps` Lambda: parses the task input of workflows/invoice-dunning.asl.json
 * (a discriminated union on `step`) and calls the step. Errors propagate by name, so the ASL's Retry
 * and Catch see StaleStateError, EmailSendError and the rest.
 */
import { z } from 'zod';
import type { AppDeps, TaskHandler } from '../../app/ports';
import { idSchema, parseWith, utcTimestampSchema } from '../../domain/model';
import { reminderPurposeSchema } from '../../domain/policy';
import * as steps from './steps';

const invoiceId = idSchema;
const done = z.array(z.string().min(1));
const action = z.object({
  key: z.string().min(1),
  kind: z.enum(['reminder', 'overdue', 'suspend', 'final_warning', 'end_contract']),
  at: utcTimestampSchema,
  clause: z.string().min(1),
  purpose: reminderPurposeSchema.optional(),
  reminderNumber: z.number().int().min(1).optional(),
});
const actionStep = <S extends string>(step: S) => z.object({ step: z.literal(step), invoiceId, done, action });

export const dunningTaskSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('IssueInvoice'), invoiceId }),
  z.object({ step: z.literal('SendInvoiceEmail'), invoiceId, done }),
  z.object({ step: z.literal('AwaitPayment'), invoiceId, done, deadline: utcTimestampSchema, taskToken: z.string().min(1) }),
  z.object({ step: z.literal('PlanNextStep'), invoiceId, done }),
  actionStep('SendReminder'),
  actionStep('MarkOverdue'),
  actionStep('SuspendService'),
  actionStep('SendFinalWarning'),
  actionStep('ConfirmStillUnpaid'),
  actionStep('EndContract'),
  z.object({
    step: z.literal('ApplyDeferralDecision'),
    invoiceId,
    done,
    deferralId: idSchema,
    decision: z.object({ outcome: z.enum(['approved', 'rejected']), decidedBy: z.string().min(1), reason: z.string() }),
  }),
  z.object({ step: z.literal('SettlePayment'), invoiceId }),
]);
export type DunningTask = z.output<typeof dunningTaskSchema>;

export function createInvoiceDunningHandler(deps: AppDeps): TaskHandler {
  return async (event) => {
    const task = parseWith(dunningTaskSchema, event, 'invoice-dunning');
    switch (task.step) {
      case 'IssueInvoice':
        return steps.issueInvoice(deps, task);
      case 'SendInvoiceEmail':
        return steps.sendInvoiceEmail(deps, task);
      case 'AwaitPayment':
        return steps.awaitPayment(deps, task);
      case 'PlanNextStep':
        return steps.planNextStep(deps, task);
      case 'SendReminder':
        return steps.sendReminder(deps, task);
      case 'MarkOverdue':
        return steps.markOverdue(deps, task);
      case 'SuspendService':
        return steps.suspendService(deps, task);
      case 'SendFinalWarning':
        return steps.sendFinalWarning(deps, task);
      case 'ConfirmStillUnpaid':
        return steps.confirmStillUnpaid(deps, task);
      case 'EndContract':
        return steps.endContract(deps, task);
      case 'ApplyDeferralDecision':
        return steps.applyDeferralDecision(deps, task);
      case 'SettlePayment':
        return steps.settlePayment(deps, task);
    }
  };
}
