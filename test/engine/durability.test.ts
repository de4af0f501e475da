import { describe as group, expect, it } from 'vitest';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClock } from '../../infra/local/engine/clock';
import { createEngine, deploy, describe, history, jsonata, start } from './support';

const onboarding = jsonata({
  Charge: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Arguments: { FunctionName: 'charge', Payload: '{% $states.input %}' },
    Assign: { receipt: '{% $states.result.Payload.receipt %}' },
    Output: '{% $states.input %}',
    Next: 'NeedsCoolingOff',
  },
  NeedsCoolingOff: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.coolingOff %}', Next: 'CoolingOff' }], Default: 'Provision' },
  CoolingOff: { Type: 'Wait', Seconds: 86_400, Next: 'Provision' },
  Provision: {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Arguments: { FunctionName: 'provision', Payload: { order: '{% $states.input.order %}', receipt: '{% $receipt %}' } },
    Output: '{% $states.result.Payload %}',
    End: true,
  },
});

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'sfn-engine-'));
}

group('durable executions', () => {
  it('resumes after a crash mid-wait and mid-task; completed steps never run again, the task in flight runs again', async () => {
    const dir = dataDir();
    const calls: string[] = [];
    let provisionStartedInA!: () => void;
    const midTask = new Promise<void>((resolve) => (provisionStartedInA = resolve));
    const charge = (e: unknown) => {
      calls.push(`charge ${(e as { order: string }).order}`);
      return { receipt: `R-${(e as { order: string }).order}` };
    };
    const a = createEngine({
      dataDir: dir,
      lambdas: {
        charge,
        provision: (e) => {
          calls.push(`provision ${(e as { order: string }).order} (engine A)`);
          provisionStartedInA();
          return new Promise(() => undefined);
        },
      },
    });
    const machine = await deploy(a.sfn, onboarding, 'onboarding');
    const waiting = await start(a.sfn, machine, { order: 'ORD-1', coolingOff: true }, 'ORD-1');
    const inTask = await start(a.sfn, machine, { order: 'ORD-2', coolingOff: false }, 'ORD-2');
    await midTask;
    expect(calls).toEqual(['charge ORD-1', 'charge ORD-2', 'provision ORD-2 (engine A)']);
    a.sfn.abandon();

    const clock = new EngineClock({ start: a.clock.now() });
    const b = createEngine({
      dataDir: dir,
      clock,
      lambdas: {
        charge,
        provision: (e) => {
          const { order, receipt } = e as { order: string; receipt: string };
          calls.push(`provision ${order} (engine B)`);
          return { provisioned: order, receipt };
        },
      },
    });
    await b.sfn.whenIdle();
    expect((await describe(b.sfn, inTask)).output).toEqual({ provisioned: 'ORD-2', receipt: 'R-ORD-2' });
    expect((await describe(b.sfn, waiting)).status).toBe('RUNNING');
    await clock.advance('1d');
    expect((await describe(b.sfn, waiting)).output).toEqual({ provisioned: 'ORD-1', receipt: 'R-ORD-1' });
    expect(calls).toEqual(['charge ORD-1', 'charge ORD-2', 'provision ORD-2 (engine A)', 'provision ORD-2 (engine B)', 'provision ORD-1 (engine B)']);
    const events = await history(b.sfn, waiting);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'WaitStateExited')[0]?.timestamp?.toISOString()).toBe('2026-03-03T09:00:00.000Z');
    await b.sfn.close();
  });

  it('keeps task tokens valid across a restart', async () => {
    const dir = dataDir();
    const tokens: string[] = [];
    const definition = jsonata({
      Approve: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Arguments: { FunctionName: 'ask', Payload: { token: '{% $states.context.Task.Token %}' } },
        TimeoutSeconds: 604_800,
        End: true,
      },
    });
    const lambdas = { ask: (e: unknown) => void tokens.push((e as { token: string }).token) };
    const a = createEngine({ dataDir: dir, lambdas });
    const exec = await start(a.sfn, await deploy(a.sfn, definition, 'approval'));
    await a.sfn.whenIdle();
    await a.sfn.close();

    const b = createEngine({ dataDir: dir, lambdas, clock: new EngineClock({ start: a.clock.now() }) });
    await b.sfn.sendTaskSuccess({ taskToken: tokens[0] as string, output: '{"approved":true}' });
    await b.sfn.whenIdle();
    expect((await describe(b.sfn, exec)).output).toEqual({ approved: true });
    expect(tokens).toHaveLength(1);
    await b.sfn.close();
  });

  it('keeps closed executions, their history and the state machines across a restart', async () => {
    const dir = dataDir();
    const a = createEngine({ dataDir: dir, lambdas: { charge: () => ({ receipt: 'R' }), provision: () => 'ok' } });
    const exec = await start(a.sfn, await deploy(a.sfn, onboarding, 'onboarding'), { order: 'ORD-3', coolingOff: false });
    await a.sfn.whenIdle();
    const before = await history(a.sfn, exec);
    await a.sfn.close();
    const b = createEngine({ dataDir: dir });
    expect((await b.sfn.listStateMachines({})).stateMachines?.map((m) => m.name)).toEqual(['onboarding']);
    expect((await describe(b.sfn, exec)).output).toBe('ok');
    expect(await history(b.sfn, exec)).toEqual(before);
    await b.sfn.close();
  });
});

group('journal compaction', () => {
  it('compacts the journal into a snapshot without losing or repeating history, open or closed', async () => {
    const dir = dataDir();
    const lambdas = { charge: () => ({ receipt: 'R' }), provision: () => 'ok' };
    const a = createEngine({ dataDir: dir, lambdas, compactJournalAfterBytes: 20_000 });
    const machine = await deploy(a.sfn, onboarding, 'onboarding');
    const execs: string[] = [];
    for (let i = 0; i < 40; i++) execs.push(await start(a.sfn, machine, { order: `ORD-${i}`, coolingOff: i % 2 === 0 }));
    await a.sfn.whenIdle();
    const before = await Promise.all(execs.map((e) => history(a.sfn, e)));
    expect(statSync(join(dir, 'snapshot.jsonl')).size).toBeGreaterThan(0);
    expect(statSync(join(dir, 'journal.jsonl')).size).toBeLessThan(20_000);
    await a.sfn.close();

    const b = createEngine({ dataDir: dir, lambdas, clock: new EngineClock({ start: a.clock.now() }) });
    expect(await Promise.all(execs.map((e) => history(b.sfn, e)))).toEqual(before);
    await b.clock.advance('1d');
    const statuses = await Promise.all(execs.map(async (e) => (await describe(b.sfn, e)).status));
    expect(new Set(statuses)).toEqual(new Set(['SUCCEEDED']));
    await b.sfn.close();
  });
});

group('long waits on the virtual clock', () => {
  it.each([
    ['30 days', 30],
    ['365 days (the Standard maximum)', 365],
  ])('completes a Wait of %s in milliseconds of real time, beyond setTimeout’s 24.8-day limit', async (_label, days) => {
    const { sfn, clock } = createEngine();
    const exec = await start(sfn, await deploy(sfn, jsonata({ Grace: { Type: 'Wait', Seconds: days * 86_400, Next: 'Done' }, Done: { Type: 'Succeed' } })));
    const realStart = performance.now();
    await clock.advance(`${days}d`);
    expect(performance.now() - realStart).toBeLessThan(1000);
    const d = await sfn.describeExecution({ executionArn: exec });
    expect(d.status).toBe('SUCCEEDED');
    expect(d.stopDate?.getTime()).toBe((d.startDate?.getTime() as number) + days * 86_400_000);
  });

  it('fires timers in timestamp order, ties in creation order', async () => {
    const { sfn, clock } = createEngine();
    const seen: string[] = [];
    sfn.registerLambda('note', (e) => void seen.push((e as { who: string }).who));
    const arn = await deploy(
      sfn,
      jsonata({
        Sleep: { Type: 'Wait', Seconds: '{% $states.input.s %}', Next: 'Note' },
        Note: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'note', Payload: { who: '{% $states.input.who %}' } }, End: true },
      }),
    );
    for (const [who, s] of [['c', 300], ['a', 100], ['b1', 200], ['b2', 200]] as const) await start(sfn, arn, { who, s });
    await clock.advance('10m');
    expect(seen).toEqual(['a', 'b1', 'b2', 'c']);
  });
});
