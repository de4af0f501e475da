/**
 * Workflows over the Step Functions API: the AWS SDK client against the local engine's HTTP endpoint,
 * exactly as the handlers use it on AWS.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskNoLongerWaitingError } from '../../functions/app/errors';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { approvalWorkflow, createCustomer, refundContext, START } from './fixtures';

let rt: TestRuntime;
let workflowsDir: string;

beforeAll(async () => {
  // A stand-in for the real definition: any workflow file named like a lifecycle is loaded as that lifecycle.
  workflowsDir = mkdtempSync(join(tmpdir(), 'hostcycle-workflows-'));
  writeFileSync(join(workflowsDir, 'refund.asl.json'), approvalWorkflow());
  rt = await startTestRuntime({ preset: 'hostico', start: START, workflowsDir });
  await createCustomer(rt.repo, 'C-1');
});
afterAll(async () => {
  await rt.stop();
  rmSync(workflowsDir, { recursive: true, force: true });
});

const input = (approvalId: string) => ({ approvalId, customerId: 'C-1', context: refundContext, deadline: '2026-03-04T09:00:00.000Z' });

describe('Workflows', () => {
  it('names the execution by the business id and reports a repeated start as already started', async () => {
    const first = await rt.deps.workflows.start('refund', 'R-1', input('A-R-1'));
    const again = await rt.deps.workflows.start('refund', 'R-1', { ...input('A-R-1'), note: 'a redelivered request' });

    expect(first).toEqual({ executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:refund:R-1', alreadyStarted: false });
    expect(again).toEqual({ executionArn: first.executionArn, alreadyStarted: true });
  });

  it('describes where an execution is, and nothing for one that does not exist', async () => {
    await rt.deps.workflows.start('refund', 'R-2', input('A-R-2'));
    await rt.sfn.whenIdle();

    expect(await rt.deps.workflows.describe('refund', 'R-2')).toMatchObject({
      status: 'RUNNING',
      currentState: 'WaitForStaffDecision',
      executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:refund:R-2',
      startedAt: START,
    });
    expect(await rt.deps.workflows.describe('refund', 'R-404')).toBeUndefined();
    expect(await rt.deps.workflows.describe('withdrawal', 'W-1')).toBeUndefined();
  });

  it('refuses to start a workflow that is not deployed, naming it', async () => {
    await expect(rt.deps.workflows.start('withdrawal', 'W-1', {})).rejects.toThrow(/no state machine is configured for workflow withdrawal/);
  });

  it('reports a token whose step moved on as TaskNoLongerWaitingError, not as success', async () => {
    await rt.deps.workflows.start('refund', 'R-3', input('A-R-3'));
    await rt.sfn.whenIdle();
    const token = (await rt.deps.tokens.get('approval#A-R-3')) as string;
    await rt.deps.workflows.sendTaskSuccess(token, { outcome: 'approved', decidedBy: 'staff-ana', reason: 'ok' });

    const late = rt.deps.workflows.sendTaskSuccess(token, { outcome: 'rejected', decidedBy: 'staff-bojan', reason: 'late' });

    await expect(late).rejects.toBeInstanceOf(TaskNoLongerWaitingError);
    await expect(late).rejects.toMatchObject({ reason: 'TaskTimedOut' });
    await expect(rt.deps.workflows.sendTaskSuccess('not-a-token', {})).rejects.toMatchObject({ reason: 'InvalidToken' });
  });

  it('fails the waiting step with the given error name', async () => {
    await rt.deps.workflows.start('refund', 'R-4', input('A-R-4'));
    await rt.sfn.whenIdle();
    const token = (await rt.deps.tokens.get('approval#A-R-4')) as string;

    await rt.deps.workflows.sendTaskFailure(token, 'ProvisioningFailedError', 'the panel refused');
    await rt.sfn.whenIdle();

    expect(await rt.deps.workflows.describe('refund', 'R-4')).toMatchObject({ status: 'FAILED' });
    const out = await rt.sfn.describeExecution({ executionArn: 'arn:aws:states:eu-central-1:123456789012:execution:refund:R-4' });
    expect(out).toMatchObject({ error: 'ProvisioningFailedError', cause: 'the panel refused' });
  });
});
