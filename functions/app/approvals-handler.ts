/**
 * The shared `hostcycle-approvals` Lambda (functions/lifecycles/README.md): every workflow's approval
 * wait calls `RequestApproval` from a `.waitForTaskToken` task, and `ResolveApprovalTimeout` from the
 * Catch on States.Timeout of that task.
 */
import { z } from 'zod';
import { approvalSchema, idSchema, parseWith, utcTimestampSchema } from '../domain/model';
import { id as httpIdSchema } from '../http/schemas/common';
import { resolutionOf, type ApprovalResolution } from './approvals';
import type { AppDeps, TaskHandler } from './ports';

/** Staff address approvals in URLs (`/staff/approvals/{approvalId}`), so the id must be a valid path id too. */
const approvalIdSchema = idSchema.pipe(httpIdSchema);

export const approvalsTaskSchema = z.discriminatedUnion('step', [
  z.object({
    step: z.literal('RequestApproval'),
    approvalId: approvalIdSchema,
    kind: approvalSchema.shape.kind,
    customerId: idSchema,
    context: approvalSchema.shape.context,
    deadline: utcTimestampSchema,
    defaultOutcome: approvalSchema.shape.defaultOutcome,
    taskToken: z.string().min(1),
    executionName: z.string().min(1).optional(),
  }),
  z.object({ step: z.literal('ResolveApprovalTimeout'), approvalId: approvalIdSchema }),
]);
export type ApprovalsTask = z.output<typeof approvalsTaskSchema>;

export function createApprovalsHandler(deps: Pick<AppDeps, 'approvals'>): TaskHandler {
  return async (event): Promise<{ approvalId: string; state: string } | ApprovalResolution> => {
    const task = parseWith(approvalsTaskSchema, event, 'approvals');
    switch (task.step) {
      case 'RequestApproval': {
        const { step: _step, ...request } = task;
        const approval = await deps.approvals.request(request);
        // Step Functions ignores what a .waitForTaskToken invocation returns; this is for the logs.
        return { approvalId: approval.id, state: approval.state };
      }
      case 'ResolveApprovalTimeout': {
        const { approval } = await deps.approvals.resolveTimeout(task.approvalId);
        return resolutionOf(approval);
      }
    }
  };
}
