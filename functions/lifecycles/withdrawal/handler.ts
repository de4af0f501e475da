/**
 * `hostcycle-withdrawal-steps`: the one Lambda behind every task of workflows/withdrawal.asl.json.
 * It parses the task input (a union on `step`), calls the step and returns its result; errors
 * propagate so the state machine's Retry and Catch see them by name.
 */
import { z } from 'zod';
import type { AppDeps, TaskHandler } from '../../app/ports';
import { idSchema, parseWith } from '../../domain/model';
import {
  acceptWithdrawal,
  checkEligibility,
  completeWithdrawal,
  recordApprovalDecision,
  recordServiceEnded,
  requestDeprovisioning,
  sendWithdrawalAccepted,
  sendWithdrawalRejected,
  startRefund,
} from './steps';

const withdrawal = { withdrawalId: idSchema };
/** The approvals Lambda names the decider by id; a staff actor object is reduced to it. */
const decidedBy = z.union([z.string().min(1), z.object({ staffId: z.string().min(1) }).transform((a) => a.staffId)]).optional();

export const withdrawalTaskSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('CheckEligibility'), ...withdrawal }),
  z.object({
    step: z.literal('RecordApprovalDecision'),
    ...withdrawal,
    approvalId: idSchema,
    outcome: z.enum(['approved', 'rejected']),
    decidedBy,
    reason: z.string().min(1).optional(),
  }),
  z.object({ step: z.literal('AcceptWithdrawal'), ...withdrawal, decidedBy }),
  z.object({ step: z.literal('StartRefund'), ...withdrawal }),
  z.object({ step: z.literal('RequestDeprovisioning'), ...withdrawal, serviceId: idSchema, taskToken: z.string().min(1), expiresAt: z.iso.datetime() }),
  z.object({ step: z.literal('RecordServiceEnded'), ...withdrawal, serviceId: idSchema }),
  z.object({ step: z.literal('CompleteWithdrawal'), ...withdrawal }),
  z.object({ step: z.literal('SendWithdrawalAccepted'), ...withdrawal }),
  z.object({ step: z.literal('SendWithdrawalRejected'), ...withdrawal }),
]);
export type WithdrawalTask = z.infer<typeof withdrawalTaskSchema>;

export function createWithdrawalHandler(deps: AppDeps): TaskHandler {
  return async (event) => {
    const task = parseWith(withdrawalTaskSchema, event, 'task');
    switch (task.step) {
      case 'CheckEligibility':
        return checkEligibility(deps, task);
      case 'RecordApprovalDecision':
        return recordApprovalDecision(deps, task);
      case 'AcceptWithdrawal':
        return acceptWithdrawal(deps, task);
      case 'StartRefund':
        return startRefund(deps, task);
      case 'RequestDeprovisioning':
        return requestDeprovisioning(deps, task);
      case 'RecordServiceEnded':
        return recordServiceEnded(deps, task);
      case 'CompleteWithdrawal':
        return completeWithdrawal(deps, task);
      case 'SendWithdrawalAccepted':
        return sendWithdrawalAccepted(deps, task);
      case 'SendWithdrawalRejected':
        return sendWithdrawalRejected(deps, task);
    }
  };
}
