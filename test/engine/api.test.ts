import { describe as group, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, deploy, describe, history, jsonata, run, start, T0 } from './support';

const waitAnHour = jsonata({ Pause: { Type: 'Wait', Seconds: 3600, Next: 'Done' }, Done: { Type: 'Succeed' } });

group('StartExecution idempotency (AWS API reference)', () => {
  it('returns the same execution for the same name and input while it is open', async () => {
    const { sfn, clock } = createEngine();
    const arn = await deploy(sfn, waitAnHour);
    const first = await sfn.startExecution({ stateMachineArn: arn, name: 'invoice-INV-7', input: '{"invoice":"INV-7"}' });
    await clock.advance('10m');
    const again = await sfn.startExecution({ stateMachineArn: arn, name: 'invoice-INV-7', input: '{"invoice":"INV-7"}' });
    expect(again).toEqual(first);
    expect((await sfn.listExecutions({ stateMachineArn: arn })).executions).toHaveLength(1);
  });

  it('answers ExecutionAlreadyExists for the same name with another input', async () => {
    const { sfn } = createEngine();
    const arn = await deploy(sfn, waitAnHour);
    await sfn.startExecution({ stateMachineArn: arn, name: 'invoice-INV-8', input: '{"invoice":"INV-8"}' });
    await expect(sfn.startExecution({ stateMachineArn: arn, name: 'invoice-INV-8', input: '{"invoice":"INV-9"}' })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });

  it('answers ExecutionAlreadyExists for the same name and input once the execution is closed', async () => {
    const { sfn, clock } = createEngine();
    const arn = await deploy(sfn, waitAnHour);
    await sfn.startExecution({ stateMachineArn: arn, name: 'invoice-INV-10', input: '{}' });
    await clock.advance('1h');
    await expect(sfn.startExecution({ stateMachineArn: arn, name: 'invoice-INV-10', input: '{}' })).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });
});

group('API errors', () => {
  it('names what does not exist, is malformed or invalid', async () => {
    const { sfn } = createEngine();
    const arn = await deploy(sfn, waitAnHour);
    const missing = arn.replace(/[^:]+$/, 'nope');
    await expect(sfn.startExecution({ stateMachineArn: missing })).rejects.toMatchObject({ name: 'StateMachineDoesNotExist', message: `State Machine Does Not Exist: '${missing}'` });
    await expect(sfn.startExecution({ stateMachineArn: 'arn:aws:sqs:x' })).rejects.toMatchObject({ name: 'InvalidArn' });
    await expect(sfn.startExecution({ stateMachineArn: arn, name: 'has space' })).rejects.toMatchObject({ name: 'InvalidName' });
    await expect(sfn.startExecution({ stateMachineArn: arn, input: '{' })).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
    const execArn = arn.replace(':stateMachine:', ':execution:') + ':ghost';
    await expect(sfn.describeExecution({ executionArn: execArn })).rejects.toMatchObject({ name: 'ExecutionDoesNotExist', message: `Execution Does Not Exist: '${execArn}'` });
    await expect(sfn.listExecutions({ stateMachineArn: arn, maxResults: 5000 })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(sfn.registerStateMachine('broken', '{"StartAt":"X"}')).rejects.toMatchObject({ name: 'InvalidDefinition' });
  });
});

group('executions', () => {
  it('describes, lists newest first with a status filter and pages with nextToken', async () => {
    const { sfn, clock } = createEngine();
    const arn = await deploy(sfn, waitAnHour);
    for (const n of [1, 2, 3]) {
      await start(sfn, arn, { n }, `e${n}`);
      await clock.advance('20m');
    }
    const running = await sfn.listExecutions({ stateMachineArn: arn, statusFilter: 'RUNNING' });
    expect(running.executions?.map((e) => e.name)).toEqual(['e3', 'e2']);
    const page1 = await sfn.listExecutions({ stateMachineArn: arn, maxResults: 2 });
    expect(page1.executions?.map((e) => e.name)).toEqual(['e3', 'e2']);
    const page2 = await sfn.listExecutions({ stateMachineArn: arn, maxResults: 2, nextToken: page1.nextToken });
    expect(page2.executions?.map((e) => [e.name, e.status])).toEqual([['e1', 'SUCCEEDED']]);
    expect(page2.nextToken).toBeUndefined();
  });

  it('stops an execution: ABORTED with error and cause, and its Wait never completes', async () => {
    const { sfn, clock } = createEngine();
    const exec = await start(sfn, await deploy(sfn, waitAnHour));
    await clock.advance('5m');
    const out = await sfn.stopExecution({ executionArn: exec, error: 'Cancelled', cause: 'customer withdrew' });
    expect(out.stopDate?.toISOString()).toBe(new Date(Date.parse(T0) + 300_000).toISOString());
    await clock.advance('2h');
    const d = await describe(sfn, exec);
    expect([d.status, d.error, d.cause]).toEqual(['ABORTED', 'Cancelled', 'customer withdrew']);
    expect((await history(sfn, exec)).map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateAborted', 'ExecutionAborted']);
  });

  it('fails a run longer than the machine’s TimeoutSeconds with States.Timeout as TIMED_OUT', async () => {
    const { sfn, clock } = createEngine();
    const exec = await start(sfn, await deploy(sfn, { ...waitAnHour, TimeoutSeconds: 60 }));
    await clock.advance('1h');
    const d = await describe(sfn, exec);
    expect([d.status, d.error]).toEqual(['TIMED_OUT', 'States.Timeout']);
  });

  it('keeps a history with ids, previousEventId, virtual timestamps, reverseOrder and paging', async () => {
    const { sfn, clock } = createEngine();
    const exec = await start(sfn, await deploy(sfn, waitAnHour), { a: 1 });
    await clock.advance('1h');
    const events = await history(sfn, exec);
    expect(events.map((e) => [e.id, e.previousEventId, e.type, e.timestamp?.toISOString()])).toEqual([
      [1, 0, 'ExecutionStarted', T0],
      [2, 1, 'WaitStateEntered', T0],
      [3, 2, 'WaitStateExited', '2026-03-02T10:00:00.000Z'],
      [4, 3, 'SucceedStateEntered', '2026-03-02T10:00:00.000Z'],
      [5, 4, 'SucceedStateExited', '2026-03-02T10:00:00.000Z'],
      [6, 5, 'ExecutionSucceeded', '2026-03-02T10:00:00.000Z'],
    ]);
    expect(events[0]?.executionStartedEventDetails).toMatchObject({ input: '{"a":1}', inputDetails: { truncated: false } });
    expect(events[2]?.stateExitedEventDetails).toEqual({ name: 'Pause', output: '{"a":1}', outputDetails: { truncated: false } });
    const reversed = await sfn.getExecutionHistory({ executionArn: exec, reverseOrder: true, maxResults: 4 });
    expect(reversed.events?.map((e) => e.id)).toEqual([6, 5, 4, 3]);
    const rest = await sfn.getExecutionHistory({ executionArn: exec, reverseOrder: true, maxResults: 4, nextToken: reversed.nextToken });
    expect(rest.events?.map((e) => e.id)).toEqual([2, 1]);
    const noData = await sfn.getExecutionHistory({ executionArn: exec, includeExecutionData: false });
    expect(noData.events?.[0]?.executionStartedEventDetails?.input).toBeUndefined();
  });

  it('counts state transitions and task invocations per execution and in total', async () => {
    const { sfn, clock } = createEngine({ lambdas: { work: () => 1 } });
    const exec = await start(
      sfn,
      await deploy(
        sfn,
        jsonata({
          Work: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'work', Payload: {} }, Next: 'Pause' },
          Pause: { Type: 'Wait', Seconds: 1, Next: 'Done' },
          Done: { Type: 'Succeed' },
        }),
      ),
    );
    await clock.advance('1s');
    expect(sfn.executionMetrics(exec)).toEqual({ stateTransitions: 3, taskInvocations: 1 });
    expect(sfn.metrics()).toEqual({ stateTransitions: 3, taskInvocations: 1 });
  });
});

group('task resources', () => {
  it('returns the lambda:invoke result shape: Payload, StatusCode, ExecutedVersion, SdkHttpMetadata', async () => {
    const contexts: Array<{ functionName: string; awsRequestId: string; remaining: number }> = [];
    const { sfn } = createEngine({
      lambdas: {
        quote: (event, context) => {
          contexts.push({ functionName: context.functionName, awsRequestId: context.awsRequestId, remaining: context.getRemainingTimeInMillis() });
          return { got: event };
        },
      },
    });
    const r = await run(
      sfn,
      jsonata({
        Quote: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'arn:aws:lambda:eu-central-1:123456789012:function:quote:$LATEST', Payload: { a: 1 } }, End: true },
      }),
    );
    const out = r.output as Record<string, unknown>;
    expect(out).toMatchObject({ Payload: { got: { a: 1 } }, StatusCode: 200, ExecutedVersion: '$LATEST', SdkHttpMetadata: { HttpStatusCode: 200 } });
    expect((out.SdkResponseMetadata as { RequestId: string }).RequestId).toBe(contexts[0]?.awsRequestId);
    expect(contexts[0]).toMatchObject({ functionName: 'quote', remaining: 900_000 });
  });

  it('returns a plain Lambda ARN task’s handler value as the result, recorded as Lambda events', async () => {
    const { sfn } = createEngine({ lambdas: { quote: (event) => ({ price: 5, for: event }) } });
    const r = await run(sfn, jsonata({ Quote: { Type: 'Task', Resource: 'arn:aws:lambda:eu-central-1:123456789012:function:quote', End: true } }), { sku: 'web-s' });
    expect(r.output).toEqual({ price: 5, for: { sku: 'web-s' } });
    expect((await history(sfn, r.executionArn)).map((e) => e.type)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded',
    ]);
  });
});

group('state machines', () => {
  it('loads every workflows/*.asl.json of a directory with substitutions and describes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'workflows-'));
    writeFileSync(
      join(dir, 'dunning.asl.json'),
      JSON.stringify(jsonata({ Remind: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: '${SendReminderFunction}', Payload: {} }, End: true } })),
    );
    writeFileSync(join(dir, 'refund.asl.json'), JSON.stringify(jsonata({ Done: { Type: 'Succeed' } })));
    writeFileSync(join(dir, 'notes.json'), '{}');
    const { sfn } = createEngine();
    const arns = await sfn.loadWorkflowsDir(dir, { SendReminderFunction: 'send-reminder' });
    expect(Object.keys(arns)).toEqual(['dunning', 'refund']);
    const d = await sfn.describeStateMachine({ stateMachineArn: arns.dunning });
    expect(d).toMatchObject({ name: 'dunning', status: 'ACTIVE', type: 'STANDARD' });
    expect(d.definition).toContain('send-reminder');
    expect((await sfn.listStateMachines({})).stateMachines?.map((m) => m.name)).toEqual(['dunning', 'refund']);
    await expect(sfn.loadWorkflowsDir(dir, {})).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining('${SendReminderFunction}') });
  });
});
