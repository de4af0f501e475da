/**
 * What the console tests share: a test runtime with a small workflow that waits for a staff approval
 * exactly as the lifecycles do (RequestApproval with a task token, a timeout at the deadline, then
 * ResolveApprovalTimeout), customers, and the console started on it.
 */
import { startConsole, type StaffConsole } from '../../infra/local/console/server';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

export const START = '2026-03-02T09:00:00.000Z';
export const PROBE = 'console-approval-probe';

const probeDefinition = JSON.stringify({
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
      TimeoutSeconds: '{% $max([1, $ceil(($toMillis($states.input.deadline) - $toMillis($states.context.State.EnteredTime)) / 1000)]) %}',
      Output: '{% $states.result %}',
      Catch: [{ ErrorEquals: ['States.Timeout'], Output: '{% $states.input %}', Next: 'ResolveApprovalTimeout' }],
      Next: 'IsApproved',
    },
    ResolveApprovalTimeout: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Arguments: { FunctionName: '${ApprovalsFunction}', Payload: { step: 'ResolveApprovalTimeout', approvalId: '{% $states.input.approvalId %}' } },
      Output: '{% $states.result.Payload %}',
      Next: 'IsApproved',
    },
    IsApproved: {
      Type: 'Choice',
      Choices: [{ Condition: "{% $states.input.outcome = 'approved' %}", Next: 'RefundApproved' }],
      Default: 'RefundRejected',
    },
    RefundApproved: { Type: 'Succeed' },
    RefundRejected: { Type: 'Succeed' },
  },
});

/** A refund's approval context, as the refund workflow writes it: amount, breakdown lines with clauses, reasons. */
export function refundContext(refundId: string) {
  return {
    subject: { type: 'refund', id: refundId },
    summary: `Refund ${refundId} of the unused months of Hosting Start`,
    details: {
      amount: { amount: 2500, currency: 'EUR' },
      breakdown: [
        { label: 'Unused months 3 × 10.00', amount: { amount: 3000, currency: 'EUR' }, clause: 'IV. Refund of money' },
        { label: 'Free domain of the offer', amount: { amount: -500, currency: 'EUR' }, clause: 'IV. Refund of money' },
      ],
      reasons: [{ rule: 'refund.staff-approval', clause: 'IV. Refund of money', explanation: 'every refund is approved by staff' }],
      processingDeadline: '2026-03-16T09:00:00Z',
    },
  };
}

export async function createCustomer(rt: TestRuntime, id: string, name: string) {
  return rt.repo.create(
    'customer',
    { id, type: 'consumer', state: 'active', email: `${id.toLowerCase()}@example.si`, name, language: 'en', country: 'SI' },
    { actor: { type: 'customer', id }, rule: 'test.signup' },
  );
}

export interface ConsoleFixture {
  rt: TestRuntime;
  console: StaffConsole;
  probeArn: string;
  /** Starts the probe workflow for a new approval due in `hours`, and returns once it waits. */
  requestApproval(approvalId: string, customerId: string, hours?: number): Promise<{ executionArn: string; deadline: string }>;
  stop(): Promise<void>;
}

export async function startConsoleFixture(): Promise<ConsoleFixture> {
  const rt = await startTestRuntime({ preset: 'hostico', start: START });
  try {
    const probeArn = (await rt.sfn.registerStateMachine(PROBE, probeDefinition, { ApprovalsFunction: 'hostcycle-approvals' })).stateMachineArn as string;
    const staffConsole = await startConsole({ runtime: rt });
    return {
      rt,
      console: staffConsole,
      probeArn,
      async requestApproval(approvalId, customerId, hours = 48) {
        const deadline = new Date(rt.clock.nowMs() + hours * 3_600_000).toISOString();
        const { executionArn } = await rt.sfn.startExecution({
          stateMachineArn: probeArn,
          name: `probe-${approvalId}`,
          input: JSON.stringify({ approvalId, customerId, context: refundContext(`R-${approvalId}`), deadline }),
        });
        await rt.sfn.whenIdle();
        return { executionArn: executionArn as string, deadline };
      },
      async stop() {
        await staffConsole.stop();
        await rt.stop();
      },
    };
  } catch (error) {
    await rt.stop();
    throw error;
  }
}

/** Calls the console's JSON API; `origin` imitates the browser's header. */
export async function call(base: string, path: string, init: { method?: string; body?: unknown; origin?: string; contentType?: string } = {}) {
  const headers: Record<string, string> = {};
  if (init.body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
  if (init.origin !== undefined) headers.origin = init.origin;
  const res = await fetch(new URL(path, base), {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    ...(init.body === undefined ? {} : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a page or an asset): the text is the body.
  }
  return { status: res.status, headers: res.headers, body };
}
