/**
 * The local engine's Step Functions API over HTTP (JSON 1.0), driven by the clients users really use:
 * `@aws-sdk/client-sfn` and the AWS CLI from Debian's `awscli` package.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  InvalidToken,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  SendTaskSuccessCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { EngineClock } from '../../infra/local/engine/clock';
import { LocalStepFunctions } from '../../infra/local/engine/local-step-functions';
import { inProcessSfnHandler, startSfnHttp } from '../../infra/local/sfn-http';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';

const run = promisify(execFile);
const AWS_CLI = '/usr/bin/aws';

const definition = {
  QueryLanguage: 'JSONata',
  StartAt: 'WaitForDecision',
  States: {
    WaitForDecision: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Arguments: { FunctionName: 'requestDecision', Payload: { token: '{% $states.context.Task.Token %}', order: '{% $states.input.order %}' } },
      TimeoutSeconds: 86400,
      Catch: [{ ErrorEquals: ['States.Timeout'], Output: { decision: 'timeout' }, Next: 'Done' }],
      Next: 'Done',
    },
    Done: { Type: 'Pass', Output: '{% {"order": $states.context.Execution.Input.order, "decision": $states.input.decision} %}', End: true },
  },
};

let sfn: LocalStepFunctions;
let http: Awaited<ReturnType<typeof startSfnHttp>>;
let client: SFNClient;
let machineArn: string;
const tokens = new Map<string, string>();

async function cli(...args: string[]): Promise<{ out: unknown; code: number; stderr: string }> {
  try {
    const { stdout, stderr } = await run(AWS_CLI, ['--endpoint-url', http.url, '--region', LOCAL_AWS.region, '--output', 'json', 'stepfunctions', ...args], {
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_PAGER: '' },
    });
    return { out: stdout.trim() ? JSON.parse(stdout) : {}, code: 0, stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { out: undefined, code: e.code, stderr: e.stderr };
  }
}

beforeAll(async () => {
  sfn = new LocalStepFunctions({
    clock: new EngineClock({ start: '2026-12-01T08:00:00.000Z' }),
    lambdas: {
      requestDecision: (event) => {
        const { token, order } = event as { token: string; order: string };
        tokens.set(order, token);
        return { ok: true };
      },
    },
  });
  machineArn = (await sfn.registerStateMachine('order-review', JSON.stringify(definition))).stateMachineArn as string;
  http = await startSfnHttp(sfn);
  client = new SFNClient({ endpoint: http.url, ...LOCAL_AWS });
});

afterAll(async () => {
  client?.destroy();
  await http?.stop();
  await sfn?.close();
});

describe('Step Functions API over HTTP with @aws-sdk/client-sfn', () => {
  it('starts, signals and describes an execution, with timestamps as Dates', async () => {
    const started = await client.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'ORD-1', input: '{"order":"ORD-1"}' }));
    expect(started.executionArn).toContain(':execution:order-review:ORD-1');
    expect(started.startDate).toEqual(new Date('2026-12-01T08:00:00.000Z'));
    await sfn.whenIdle();
    expect((await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }))).status).toBe('RUNNING');

    await client.send(new SendTaskSuccessCommand({ taskToken: tokens.get('ORD-1'), output: '{"decision":"approve"}' }));
    await sfn.whenIdle();
    const done = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toEqual({ order: 'ORD-1', decision: 'approve' });

    const events = (await client.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }))).events ?? [];
    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    expect(events[0]?.timestamp).toBeInstanceOf(Date);
  });

  it('returns the same execution for a repeated start with the same name and input while open, and refuses a different input', async () => {
    const a = await client.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'ORD-2', input: '{"order":"ORD-2"}' }));
    const b = await client.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'ORD-2', input: '{"order":"ORD-2"}' }));
    expect(b.executionArn).toBe(a.executionArn);
    await expect(client.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'ORD-2', input: '{"order":"other"}' }))).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );
  });

  it('surfaces AWS error codes as the SDK exception classes', async () => {
    const missing = machineArn.replace(':stateMachine:', ':execution:') + ':nope';
    await expect(client.send(new DescribeExecutionCommand({ executionArn: missing }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(client.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' }))).rejects.toBeInstanceOf(InvalidToken);
  });

  it('lists state machines and filters executions by status', async () => {
    const machines = await client.send(new ListStateMachinesCommand({}));
    expect(machines.stateMachines?.map((m) => m.name)).toContain('order-review');
    const running = await client.send(new ListExecutionsCommand({ stateMachineArn: machineArn, statusFilter: 'RUNNING' }));
    expect(running.executions?.map((e) => e.name)).toContain('ORD-2');
    expect(running.executions?.map((e) => e.name)).not.toContain('ORD-1');
  });
});

describe('the same API answered in process (the local runtime\'s own client)', () => {
  it('starts, signals and describes an execution without a socket, with the SDK\'s exception classes', async () => {
    const local = new SFNClient({ endpoint: 'http://127.0.0.1:9', ...LOCAL_AWS, requestHandler: inProcessSfnHandler(() => sfn) });
    try {
      // Port 9 (discard) has no Step Functions endpoint: an answer can only come from the handler.
      const started = await local.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'ORD-IN-PROCESS', input: '{"order":"ORD-IN-PROCESS"}' }));
      expect(started.startDate).toBeInstanceOf(Date);
      await sfn.whenIdle();
      await local.send(new SendTaskSuccessCommand({ taskToken: tokens.get('ORD-IN-PROCESS'), output: '{"decision":"approve"}' }));
      await sfn.whenIdle();
      const done = await local.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      expect(done.status).toBe('SUCCEEDED');
      await expect(local.send(new StartExecutionCommand({ stateMachineArn: machineArn, name: 'ORD-IN-PROCESS', input: '{"order":"x"}' }))).rejects.toBeInstanceOf(ExecutionAlreadyExists);
      await expect(local.send(new DescribeExecutionCommand({ executionArn: `${started.executionArn as string}-missing` }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
      await expect(local.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token', output: '{}' }))).rejects.toBeInstanceOf(InvalidToken);
    } finally {
      local.destroy();
    }
  });
});

describe.skipIf(!existsSync(AWS_CLI))('Step Functions API over HTTP with the AWS CLI (Debian awscli)', () => {
  it('lists, starts, signals and describes through `aws stepfunctions`', async () => {
    const list = await cli('list-state-machines');
    expect(list.code).toBe(0);
    expect((list.out as { stateMachines: { name: string }[] }).stateMachines.map((m) => m.name)).toContain('order-review');

    const started = await cli('start-execution', '--state-machine-arn', machineArn, '--name', 'ORD-CLI', '--input', '{"order":"ORD-CLI"}');
    expect(started.code).toBe(0);
    const executionArn = (started.out as { executionArn: string }).executionArn;
    await sfn.whenIdle();

    const ok = await cli('send-task-success', '--task-token', tokens.get('ORD-CLI') as string, '--task-output', '{"decision":"reject"}');
    expect(ok.code).toBe(0);
    await sfn.whenIdle();

    const described = await cli('describe-execution', '--execution-arn', executionArn);
    expect(described.out).toMatchObject({ status: 'SUCCEEDED', name: 'ORD-CLI' });
    expect(JSON.parse((described.out as { output: string }).output)).toEqual({ order: 'ORD-CLI', decision: 'reject' });
  });

  it('reports an AWS error code and a non-zero exit for a bad task token', async () => {
    const bad = await cli('send-task-success', '--task-token', 'garbage', '--task-output', '{}');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('InvalidToken');
  });
});
