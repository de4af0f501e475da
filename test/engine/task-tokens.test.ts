import { describe as group, expect, it } from 'vitest';
import { createEngine, deploy, describe, history, jsonata, start } from './support';

/** A callback task as the style guide asks for: a timeout, and a Choice with a default after it. */
function approvalWorkflow(extra: Record<string, unknown> = {}) {
  return jsonata({
    WaitForApproval: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Arguments: { FunctionName: 'requestApproval', Payload: { token: '{% $states.context.Task.Token %}', refund: '{% $states.input.refund %}' } },
      TimeoutSeconds: 3600,
      Catch: [{ ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'], Output: { decision: 'timeout', error: '{% $states.errorOutput.Error %}' }, Next: 'Decide' }],
      Next: 'Decide',
      ...extra,
    },
    Decide: {
      Type: 'Choice',
      Choices: [{ Condition: "{% $states.input.decision = 'approve' %}", Next: 'Approved' }],
      Default: 'NotApproved',
    },
    Approved: { Type: 'Succeed' },
    NotApproved: { Type: 'Pass', End: true },
  });
}

async function setup(extra: Record<string, unknown> = {}) {
  const tokens: string[] = [];
  const { sfn, clock } = createEngine({
    lambdas: {
      requestApproval: (event) => {
        tokens.push((event as { token: string }).token);
        return { notified: true };
      },
    },
  });
  const exec = await start(sfn, await deploy(sfn, approvalWorkflow(extra)), { refund: 'RF-1' });
  await sfn.whenIdle();
  return { sfn, clock, exec, token: () => tokens[tokens.length - 1] as string, tokens };
}

group('callback tasks (.waitForTaskToken)', () => {
  it('waits after the invocation until SendTaskSuccess, whose output becomes the result', async () => {
    const { sfn, exec, token } = await setup();
    expect((await describe(sfn, exec)).status).toBe('RUNNING');
    await sfn.sendTaskSuccess({ taskToken: token(), output: JSON.stringify({ decision: 'approve', by: 'staff-1' }) });
    await sfn.whenIdle();
    const d = await describe(sfn, exec);
    expect(d.status).toBe('SUCCEEDED');
    expect(d.output).toEqual({ decision: 'approve', by: 'staff-1' });
    expect((await history(sfn, exec)).slice(0, 7).map((e) => e.type)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited',
    ]);
  });

  it('fails the task with SendTaskFailure’s error and cause', async () => {
    const { sfn, exec, token } = await setup();
    await sfn.sendTaskFailure({ taskToken: token(), error: 'ApprovalRejected', cause: 'not eligible' });
    await sfn.whenIdle();
    const d = await describe(sfn, exec);
    expect([d.status, d.error, d.cause]).toEqual(['FAILED', 'ApprovalRejected', 'not eligible']);
  });

  it('times out with States.Timeout after TimeoutSeconds', async () => {
    const { sfn, clock, exec } = await setup();
    await clock.advance('59m59s');
    expect((await describe(sfn, exec)).status).toBe('RUNNING');
    await clock.advance('1s');
    expect((await describe(sfn, exec)).output).toEqual({ decision: 'timeout', error: 'States.Timeout' });
    expect((await history(sfn, exec)).find((e) => e.type === 'TaskTimedOut')?.taskTimedOutEventDetails).toMatchObject({ error: 'States.Timeout', resourceType: 'lambda', resource: 'invoke.waitForTaskToken' });
  });

  it('times out with States.HeartbeatTimeout when no heartbeat arrives within HeartbeatSeconds; a heartbeat extends it', async () => {
    const { sfn, clock, exec, token } = await setup({ HeartbeatSeconds: 600 });
    await clock.advance('9m');
    await sfn.sendTaskHeartbeat({ taskToken: token() });
    await clock.advance('9m');
    expect((await describe(sfn, exec)).status).toBe('RUNNING');
    await clock.advance('1m');
    expect((await describe(sfn, exec)).output).toEqual({ decision: 'timeout', error: 'States.HeartbeatTimeout' });
  });

  it('takes TimeoutSeconds from a JSONata expression', async () => {
    const { sfn, clock, exec } = await setup({ TimeoutSeconds: '{% 60 * 2 %}' });
    await clock.advance('2m');
    expect((await describe(sfn, exec)).output).toEqual({ decision: 'timeout', error: 'States.Timeout' });
  });

  it('answers a token used twice with TaskTimedOut, as AWS does', async () => {
    const { sfn, token } = await setup();
    const taskToken = token();
    await sfn.sendTaskSuccess({ taskToken, output: '{"decision":"approve"}' });
    await expect(sfn.sendTaskSuccess({ taskToken, output: '{}' })).rejects.toMatchObject({ name: 'TaskTimedOut', message: "Task Timed Out: 'Provided task does not exist anymore'" });
  });

  it('answers a token of a timed-out task with TaskTimedOut', async () => {
    const { sfn, clock, token } = await setup();
    await clock.advance('1h');
    await expect(sfn.sendTaskHeartbeat({ taskToken: token() })).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('answers a malformed token with InvalidToken and bad output with InvalidOutput', async () => {
    const { sfn, token } = await setup();
    await expect(sfn.sendTaskSuccess({ taskToken: 'not-a-token', output: '{}' })).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(sfn.sendTaskSuccess({ taskToken: token(), output: '{oops' })).rejects.toMatchObject({ name: 'InvalidOutput' });
  });
});
