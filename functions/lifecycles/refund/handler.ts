/**
 * `hostcycle-refund-steps`: the one Lambda behind every task of workflows/refund.asl.json. It parses
 * the task input (a union on `step`), calls the step and returns its result; errors propagate so the
 * state machine's Retry and Catch see them by name.
 */
import { z } from 'zod';
import type { AppDeps, TaskHandler } from '../../app/ports';
import { idSchema, parseWith } from '../../domain/model';
import {
  checkProcessingDeadline,
  completeRefund,
  computeRefundStep,
  issueCreditNote,
  payOutRefund,
  recordApprovalDecision,
  recordPayoutFailure,
  recordPayoutRetryDecision,
  sendRefundApproved,
  sendRefundPaid,
  sendRefundRejected,
} from './steps';

const refund = { refundId: idSchema };
/** The approvals Lambda names the decider by id; a staff actor object is reduced to it. */
const decidedBy = z.union([z.string().min(1), z.object({ staffId: z.string().min(1) }).transform((a) => a.staffId)]).optional();

export const refundTaskSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('ComputeRefund'), ...refund, withdrawalId: idSchema.optional() }),
  z.object({
    step: z.literal('RecordApprovalDecision'),
    ...refund,
    approvalId: idSchema,
    outcome: z.enum(['approved', 'rejected']),
    decidedBy,
    reason: z.string().min(1).optional(),
  }),
  z.object({ step: z.literal('SendRefundRejected'), ...refund }),
  z.object({ step: z.literal('SendRefundApproved'), ...refund }),
  z.object({ step: z.literal('IssueCreditNote'), ...refund }),
  z.object({ step: z.literal('PayOutRefund'), ...refund }),
  z.object({ step: z.literal('RecordPayoutFailure'), ...refund, error: z.string().min(1), cause: z.string().optional() }),
  z.object({
    step: z.literal('RecordPayoutRetryDecision'),
    ...refund,
    approvalId: idSchema,
    outcome: z.enum(['approved', 'rejected']),
    decidedBy,
    reason: z.string().min(1).optional(),
  }),
  z.object({ step: z.literal('CompleteRefund'), ...refund }),
  z.object({ step: z.literal('SendRefundPaid'), ...refund }),
  z.object({ step: z.literal('CheckProcessingDeadline'), ...refund }),
]);
export type RefundTask = z.infer<typeof refundTaskSchema>;

export function createRefundHandler(deps: AppDeps): TaskHandler {
  return async (event) => {
    const task = parseWith(refundTaskSchema, event, 'task');
    switch (task.step) {
      case 'ComputeRefund':
        return computeRefundStep(deps, task);
      case 'RecordApprovalDecision':
        return recordApprovalDecision(deps, task);
      case 'SendRefundRejected':
        return sendRefundRejected(deps, task);
      case 'SendRefundApproved':
        return sendRefundApproved(deps, task);
      case 'IssueCreditNote':
        return issueCreditNote(deps, task);
      case 'PayOutRefund':
        return payOutRefund(deps, task);
      case 'RecordPayoutFailure':
        return recordPayoutFailure(deps, task);
      case 'RecordPayoutRetryDecision':
        return recordPayoutRetryDecision(deps, task);
      case 'CompleteRefund':
        return completeRefund(deps, task);
      case 'SendRefundPaid':
        return sendRefundPaid(deps, task);
      case 'CheckProcessingDeadline':
        return checkProcessingDeadline(deps, task);
    }
  };
}
