/**
 * The test harness itself (test/support/runtime.ts): the real local runtime on a virtual clock, over
 * HTTP, with this runtime's own table and mail.
 */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../functions/lambda/manifest';
import { LOCAL_AWS } from '../../infra/local/dynamodb-local';
import { fixtures } from '../notifications/fixtures';
import { startTestRuntime, type TestRuntime } from '../support/runtime';

const START = '2026-03-02T09:00:00.000Z';

describe('startTestRuntime', () => {
  let rt: TestRuntime;
  let sfn: SFNClient;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: START });
    sfn = new SFNClient({ endpoint: rt.urls.sfn, ...LOCAL_AWS });
  });
  afterAll(async () => {
    sfn.destroy();
    await rt.stop();
  });

  it('serves the HTTP API on the virtual clock', async () => {
    const health = await rt.staff('/health', { token: null });
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', time: START } });
  });

  it('authenticates staff with its local token and refuses a request without one', async () => {
    expect(await rt.staff('/staff/approvals')).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });
    expect((await rt.staff('/staff/approvals', { token: null })).status).toBe(401);
  });

  it('registers every Lambda of the manifest in the engine, by name', async () => {
    const arn = (
      await rt.sfn.registerStateMachine(
        'harness-lambda-probe',
        JSON.stringify({
          QueryLanguage: 'JSONata',
          StartAt: 'Probe',
          States: {
            Probe: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Arguments: { FunctionName: '${ApprovalsFunction}', Payload: { step: 'ResolveApprovalTimeout', approvalId: 'no-such-approval' } },
              End: true,
            },
          },
        }),
        { ApprovalsFunction: 'hostcycle-approvals' },
      )
    ).stateMachineArn as string;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'probe-1' }));
    await rt.sfn.whenIdle();
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    // The handler ran (and found no approval), so the function resolved by name.
    expect(done).toMatchObject({ status: 'FAILED', error: 'NotFoundError' });
    expect(FUNCTIONS.map((f) => f.name)).toContain('hostcycle-approvals');
  });

  it('moves time only when advanced, and a Wait of 3 days ends exactly then', async () => {
    const arn = (
      await rt.sfn.registerStateMachine(
        'harness-wait',
        JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'Sleep', States: { Sleep: { Type: 'Wait', Seconds: 259200, End: true } } }),
      )
    ).stateMachineArn as string;
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: 'wait-1' }));
    await rt.advance('2d');
    expect((await sfn.send(new DescribeExecutionCommand({ executionArn }))).status).toBe('RUNNING');
    await rt.advance('1d');
    const done = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(done.status).toBe('SUCCEEDED');
    expect(done.stopDate?.toISOString()).toBe('2026-03-05T09:00:00.000Z');
  });

  it("reads back this runtime's e-mails from the SES emulator", async () => {
    await rt.deps.mailer.send({ id: 'order#ORD-1#received', template: 'order_received', language: 'en', to: 'ana@example.si', vars: fixtures.order_received.vars });
    const mail = await rt.mail();
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ destination: { to: ['ana@example.si'] } });
    expect(mail[0]?.body.text).toContain('ORD-1');
  });

  it('signs webhooks with the runtime secret: a bad body is refused naming the field', async () => {
    const answer = await rt.webhook({ eventId: 'evt-1', type: 'order.placed', occurredAt: START, data: {} });
    expect(answer.status).toBe(400);
    expect(answer.body.issues[0].field).toMatch(/^data\./);
    expect((await rt.webhook({ eventId: 'evt-2' }, { secret: 'whsec_wrong_0123456789abcdef0123456789' })).status).toBe(401);
  });
});

describe('two test runtimes in one process', () => {
  it('keep their tables and their mail apart', async () => {
    const a = await startTestRuntime({ preset: 'hostico', start: START });
    const b = await startTestRuntime({ preset: 'smartape', start: START });
    try {
      expect(a.tableName).not.toBe(b.tableName);
      await a.deps.mailer.send({ id: 'order#ORD-A#received', template: 'order_received', language: 'en', to: 'a@example.si', vars: fixtures.order_received.vars });
      expect(await a.mail()).toHaveLength(1);
      expect(await b.mail()).toHaveLength(0);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
