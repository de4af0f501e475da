/** Records and definitions the platform tests share. */
import type { Repository } from '../../functions/data/repository';

export const START = '2026-03-02T09:00:00.000Z';

export async function createCustomer(repo: Repository, id: string, overrides: { email?: string; name?: string } = {}) {
  return repo.create(
    'customer',
    {
      id,
      type: 'consumer',
      state: 'active',
      email: overrides.email ?? `${id}@example.si`,
      name: overrides.name ?? `Customer ${id}`,
      language: 'en',
      country: 'SI',
    },
    { actor: { type: 'customer', id }, rule: 'test.signup' },
  );
}

/**
 * The approval wait exactly as functions/lifecycles/README.md prescribes it: RequestApproval with the
 * task token and a timeout computed from the absolute deadline; on States.Timeout, optionally after a
 * gap (to let a decision land between the timeout and its resolution), ResolveApprovalTimeout.
 */
export function approvalWorkflow(options: { gapSecondsBeforeResolve?: number } = {}) {
  const resolve = {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Arguments: { FunctionName: '${ApprovalsFunction}', Payload: { step: 'ResolveApprovalTimeout', approvalId: '{% $states.input.approvalId %}' } },
    Output: '{% $states.result.Payload %}',
    End: true,
  };
  return JSON.stringify({
    QueryLanguage: 'JSONata',
    StartAt: 'WaitForStaffDecision',
    States: {
      WaitForStaffDecision: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Arguments: {
          FunctionName: '${ApprovalsFunction}',
          Payload: {
            step: 'RequestApproval',
            approvalId: '{% $states.input.approvalId %}',
            kind: 'refund',
            customerId: '{% $states.input.customerId %}',
            context: '{% $states.input.context %}',
            deadline: '{% $states.input.deadline %}',
            defaultOutcome: 'rejected',
            taskToken: '{% $states.context.Task.Token %}',
            executionName: '{% $states.context.Execution.Name %}',
          },
        },
        TimeoutSeconds: "{% $max([1, $ceil(($toMillis($states.input.deadline) - $toMillis($states.context.State.EnteredTime)) / 1000)]) %}",
        Output: '{% $states.result %}',
        Catch: [
          {
            ErrorEquals: ['States.Timeout'],
            Output: '{% $states.input %}',
            Next: options.gapSecondsBeforeResolve === undefined ? 'ResolveApprovalTimeout' : 'GapBeforeResolve',
          },
        ],
        End: true,
      },
      ...(options.gapSecondsBeforeResolve === undefined
        ? {}
        : { GapBeforeResolve: { Type: 'Wait', Seconds: options.gapSecondsBeforeResolve, Next: 'ResolveApprovalTimeout' } }),
      ResolveApprovalTimeout: resolve,
    },
  });
}

export const refundContext = {
  subject: { type: 'refund', id: 'R-1' },
  summary: 'Refund of the unused months of Hosting Start',
  details: {
    amount: { amount: 2500, currency: 'EUR' },
    breakdown: [
      { label: 'Unused months 3 × 10.00', amount: { amount: 3000, currency: 'EUR' }, clause: 'IV. Vračilo denarja' },
      { label: 'Free domain of the offer', amount: { amount: -500, currency: 'EUR' }, clause: 'IV. Vračilo denarja' },
    ],
    reasons: [{ rule: 'refund.staff-approval', clause: 'IV. Vračilo denarja', explanation: 'every refund is approved by staff' }],
  },
};
