/**
 * Staff approvals end to end: the shared approvals Lambda on the local engine, a small workflow with
 * the README's approval wait, the staff API over HTTP, and the DynamoDB records.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApprovalsHandler } from '../../functions/app/approvals-handler';
import { ApprovalClosedError } from '../../functions/app/errors';
import { ValidationError } from '../../functions/domain/errors';
import { startTestRuntime, type TestRuntime } from '../support/runtime';
import { approvalWorkflow, createCustomer, refundContext, START } from './fixtures';

let rt: TestRuntime;
let machine: string;
let machineWithGap: string;
let executions = 0;

beforeAll(async () => {
  rt = await startTestRuntime({ preset: 'hostico', start: START });
  const substitutions = { ApprovalsFunction: 'hostcycle-approvals' };
  machine = (await rt.sfn.registerStateMachine('approval-probe', approvalWorkflow(), substitutions)).stateMachineArn as string;
  machineWithGap = (await rt.sfn.registerStateMachine('approval-probe-gap', approvalWorkflow({ gapSecondsBeforeResolve: 600 }), substitutions))
    .stateMachineArn as string;
  await createCustomer(rt.repo, 'C-1');
});
afterAll(async () => {
  await rt.stop();
});

/** Starts the approval wait for a new approval due in `hours`, and lets the request settle. */
async function waitForApproval(approvalId: string, options: { hours?: number; withGap?: boolean } = {}) {
  const deadline = new Date(rt.clock.nowMs() + (options.hours ?? 48) * 3_600_000).toISOString();
  const { executionArn } = await rt.sfn.startExecution({
    stateMachineArn: options.withGap ? machineWithGap : machine,
    name: `approval-${++executions}`,
    input: JSON.stringify({ approvalId, customerId: 'C-1', context: refundContext, deadline }),
  });
  await rt.sfn.whenIdle();
  return { executionArn: executionArn as string, deadline };
}

async function execution(executionArn: string) {
  const out = await rt.sfn.describeExecution({ executionArn });
  return { status: out.status, output: out.output === undefined ? undefined : JSON.parse(out.output) };
}

const decide = (approvalId: string, decision: 'approve' | 'reject', reason: string, staffId = 'staff-ana') =>
  rt.staff(`/staff/approvals/${approvalId}/decision`, { method: 'POST', body: { decision, reason }, token: rt.staffToken(staffId) });

describe('requesting an approval', () => {
  it('creates one pending approval however often the step asks, and keeps the first request', async () => {
    const { executionArn } = await waitForApproval('A-request');
    const handler = createApprovalsHandler(rt.deps);
    await handler({ step: 'RequestApproval', approvalId: 'A-request', kind: 'refund', customerId: 'C-1', context: { ...refundContext, summary: 'a retry' }, deadline: '2026-12-01T00:00:00Z', defaultOutcome: 'approved', taskToken: 'retried-token' });

    const approval = await rt.repo.get('approval', 'A-request');
    expect(approval).toMatchObject({ state: 'pending', version: 1, defaultOutcome: 'rejected', context: { summary: refundContext.summary } });
    expect(await rt.repo.history('approval', 'A-request')).toHaveLength(1);
    expect((await execution(executionArn)).status).toBe('RUNNING');
  });

  it('refuses a task input that names no customer, naming the field, and writes nothing', async () => {
    const handler = createApprovalsHandler(rt.deps);
    const attempt = handler({ step: 'RequestApproval', approvalId: 'A-bad', kind: 'refund', context: refundContext, deadline: START, defaultOutcome: 'approved', taskToken: 't' });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ field: 'approvals.customerId' });
    expect(await rt.repo.find('approval', 'A-bad')).toBeUndefined();
  });

  it('refuses an approval id staff could not address in a URL', async () => {
    const handler = createApprovalsHandler(rt.deps);
    await expect(handler({ step: 'ResolveApprovalTimeout', approvalId: 'refund#R-1' })).rejects.toMatchObject({ field: 'approvals.approvalId' });
  });
});

describe('a staff decision', () => {
  it('records who decided, when and why, and resumes the waiting execution with it', async () => {
    const { executionArn } = await waitForApproval('A-decide');
    await rt.advance('1h');

    const answer = await decide('A-decide', 'approve', 'breakdown checked against the contract');
    await rt.sfn.whenIdle();

    const decidedAt = '2026-03-02T10:00:00.000Z';
    expect(answer).toMatchObject({
      status: 200,
      body: { approvalId: 'A-decide', status: 'approved', decidedBy: { staffId: 'staff-ana' }, decidedAt, reason: 'breakdown checked against the contract' },
    });
    expect(await rt.repo.get('approval', 'A-decide')).toMatchObject({ state: 'approved', decidedBy: 'staff-ana', decidedAt, reason: 'breakdown checked against the contract' });
    const [, decision] = await rt.repo.history('approval', 'A-decide');
    expect(decision).toMatchObject({ from: 'pending', to: 'approved', actor: { type: 'staff', id: 'staff-ana' }, at: decidedAt });
    expect(await execution(executionArn)).toEqual({
      status: 'SUCCEEDED',
      output: { outcome: 'approved', decidedBy: 'staff-ana', reason: 'breakdown checked against the contract' },
    });
    expect(await rt.deps.tokens.get('approval#A-decide')).toBeUndefined();
  });

  it('answers a second decision with 409 and the first decision, and changes nothing', async () => {
    await waitForApproval('A-twice');
    expect((await decide('A-twice', 'reject', 'no proof of payment')).status).toBe(200);

    const second = await decide('A-twice', 'approve', 'proof arrived', 'staff-bojan');

    expect(second).toMatchObject({ status: 409, body: { error: 'ApprovalClosed', approvalId: 'A-twice', status: 'rejected', decidedBy: { staffId: 'staff-ana' } } });
    expect(await rt.repo.get('approval', 'A-twice')).toMatchObject({ state: 'rejected', version: 2, decidedBy: 'staff-ana', reason: 'no proof of payment' });
  });

  it('answers 404 for an approval that does not exist', async () => {
    expect((await decide('A-unknown', 'approve', 'whatever it is')).status).toBe(404);
  });

  it('answers a repeated wait on a decided approval at once with the decision', async () => {
    await waitForApproval('A-repeat');
    await decide('A-repeat', 'approve', 'all good here');
    const again = await waitForApproval('A-repeat');
    expect(await execution(again.executionArn)).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'approved', decidedBy: 'staff-ana' } });
  });
});

describe('the timeout', () => {
  it('applies the default outcome at the deadline, and a later decision gets 409', async () => {
    const { executionArn, deadline } = await waitForApproval('A-timeout', { hours: 24 });
    await rt.advance('23h59m');
    expect((await execution(executionArn)).status).toBe('RUNNING');

    await rt.advance('1m');

    expect(await execution(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'rejected', decidedBy: 'system' } });
    expect(await rt.repo.get('approval', 'A-timeout')).toMatchObject({ state: 'timed_out', decidedAt: deadline });
    expect(await decide('A-timeout', 'approve', 'too late now')).toMatchObject({ status: 409, body: { status: 'timed_out', decidedBy: null, closedAt: deadline } });
  });

  it('keeps a decision that landed after the wait timed out but before the timeout was resolved', async () => {
    const { executionArn } = await waitForApproval('A-gap', { hours: 1, withGap: true });
    await rt.advance('1h');
    expect((await execution(executionArn)).status).toBe('RUNNING');

    // The token is gone (TaskTimedOut): the decision is recorded and read by ResolveApprovalTimeout.
    expect((await decide('A-gap', 'approve', 'decided just in time')).status).toBe(200);
    await rt.advance('10m');

    expect(await execution(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: { outcome: 'approved', decidedBy: 'staff-ana', reason: 'decided just in time' } });
    expect(await rt.repo.get('approval', 'A-gap')).toMatchObject({ state: 'approved' });
  });

  it('ends a decision racing the timeout resolution with one outcome that both sides agree on', async () => {
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const approvalId = `A-race-${n}`;
      await waitForApproval(approvalId);
      const [decision, timeout] = await Promise.allSettled([
        rt.deps.approvals.decide({ approvalId, decision: 'approve', reason: 'racing the clock', decidedBy: 'staff-ana' }),
        rt.deps.approvals.resolveTimeout(approvalId),
      ]);
      await rt.sfn.whenIdle();

      const final = await rt.repo.get('approval', approvalId);
      if (timeout.status === 'rejected') throw timeout.reason;
      expect(timeout.value.outcome).toBe(final.state === 'timed_out' ? 'rejected' : final.state);
      if (decision.status === 'fulfilled') expect(final).toMatchObject({ state: 'approved', decidedBy: 'staff-ana' });
      else {
        expect(decision.reason).toBeInstanceOf(ApprovalClosedError);
        expect(final.state).toBe('timed_out');
      }
      expect(await rt.repo.history('approval', approvalId)).toHaveLength(2);
    }
  });
});
