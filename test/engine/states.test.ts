import { describe as group, expect, it } from 'vitest';
import { createEngine, deploy, describe, history, jsonata, run, start, T0 } from './support';

const routeByAmount = jsonata({
  Route: {
    Type: 'Choice',
    Choices: [
      { Condition: '{% $states.input.amount > 1000 %}', Next: 'Review', Output: { review: true } },
      { Condition: "{% $states.input.currency = 'EUR' %}", Next: 'Auto', Assign: { route: 'auto' } },
    ],
    Default: 'Manual',
  },
  Review: { Type: 'Pass', End: true },
  Auto: { Type: 'Pass', Output: { route: '{% $route %}' }, End: true },
  Manual: { Type: 'Pass', Output: { route: 'manual', input: '{% $states.input %}' }, End: true },
});

group('Choice', () => {
  it('takes the first rule whose Condition is true, with that rule’s Output', async () => {
    const { sfn } = createEngine();
    expect((await run(sfn, routeByAmount, { amount: 5000, currency: 'EUR' })).output).toEqual({ review: true });
  });

  it('applies the matching rule’s Assign', async () => {
    const { sfn } = createEngine();
    expect((await run(sfn, routeByAmount, { amount: 5, currency: 'EUR' })).output).toEqual({ route: 'auto' });
  });

  it('goes to Default with the input unchanged when no rule matches', async () => {
    const { sfn } = createEngine();
    expect((await run(sfn, routeByAmount, { amount: 5, currency: 'USD' })).output).toEqual({ route: 'manual', input: { amount: 5, currency: 'USD' } });
  });

  it('fails with States.NoChoiceMatched when nothing matches and there is no Default', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({ Route: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.ok %}', Next: 'Done' }] }, Done: { Type: 'Succeed' } }),
      { ok: false },
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.NoChoiceMatched');
  });

  it('fails with States.QueryEvaluationError when a Condition is not a boolean', async () => {
    const { sfn } = createEngine();
    const r = await run(sfn, jsonata({ Route: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.name %}', Next: 'Done' }] }, Done: { Type: 'Succeed' } }), { name: 'x' });
    expect(r.error).toBe('States.QueryEvaluationError');
  });
});

group('Wait', () => {
  it('waits Seconds on the virtual clock and not a moment less', async () => {
    const { sfn, clock } = createEngine();
    const exec = await start(sfn, await deploy(sfn, jsonata({ Pause: { Type: 'Wait', Seconds: 90, Next: 'Done' }, Done: { Type: 'Succeed' } })));
    await clock.advance('89s');
    expect((await describe(sfn, exec)).status).toBe('RUNNING');
    await clock.advance('1s');
    const d = await sfn.describeExecution({ executionArn: exec });
    expect(d.status).toBe('SUCCEEDED');
    expect(d.stopDate?.toISOString()).toBe(new Date(Date.parse(T0) + 90_000).toISOString());
  });

  it('waits until a Timestamp computed from the input', async () => {
    const { sfn, clock } = createEngine();
    const exec = await start(
      sfn,
      await deploy(sfn, jsonata({ UntilDue: { Type: 'Wait', Timestamp: '{% $states.input.dueAt %}', Next: 'Done' }, Done: { Type: 'Succeed' } })),
      { dueAt: '2026-03-09T00:00:00Z' },
    );
    await clock.advanceTo('2026-03-08T23:59:59Z');
    expect((await describe(sfn, exec)).status).toBe('RUNNING');
    await clock.advance('1s');
    const events = await history(sfn, exec);
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'WaitStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
    expect(events[2]?.timestamp?.toISOString()).toBe('2026-03-09T00:00:00.000Z');
  });

  it('continues at once when the Timestamp is already past', async () => {
    const { sfn } = createEngine();
    const r = await run(sfn, jsonata({ Late: { Type: 'Wait', Timestamp: '2020-01-01T00:00:00Z', End: true } }));
    expect(r.status).toBe('SUCCEEDED');
  });
});

group('Map (inline)', () => {
  it('runs the processor per item with ItemSelector and $states.context.Map.Item, results in item order', async () => {
    const { sfn } = createEngine({ lambdas: { double: (e) => (e as { value: number }).value * 2 } });
    const r = await run(
      sfn,
      jsonata({
        Each: {
          Type: 'Map',
          Items: '{% $states.input.numbers %}',
          ItemSelector: { value: '{% $states.context.Map.Item.Value %}', index: '{% $states.context.Map.Item.Index %}', tag: '{% $states.input.tag %}' },
          MaxConcurrency: 2,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Double',
            States: {
              Double: {
                Type: 'Task',
                Resource: 'arn:aws:states:::lambda:invoke',
                Arguments: { FunctionName: 'double', Payload: '{% $states.input %}' },
                Output: { doubled: '{% $states.result.Payload %}', index: '{% $states.input.index %}', tag: '{% $states.input.tag %}' },
                End: true,
              },
            },
          },
          End: true,
        },
      }),
      { numbers: [3, 1, 2], tag: 't' },
    );
    expect(r.output).toEqual([
      { doubled: 6, index: 0, tag: 't' },
      { doubled: 2, index: 1, tag: 't' },
      { doubled: 4, index: 2, tag: 't' },
    ]);
  });

  it('never runs more than MaxConcurrency iterations at once', async () => {
    let running = 0;
    let peak = 0;
    const { sfn } = createEngine({
      lambdas: {
        work: async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setImmediate(r));
          running--;
          return null;
        },
      },
    });
    const r = await run(
      sfn,
      jsonata({
        Each: {
          Type: 'Map',
          Items: '{% $range(1, 7, 1) %}',
          MaxConcurrency: 2,
          ItemProcessor: { StartAt: 'W', States: { W: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'work', Payload: {} }, End: true } } },
          Output: '{% $count($states.result) %}',
          End: true,
        },
      }),
    );
    expect(r.output).toBe(7);
    expect(peak).toBe(2);
  });

  it('returns [] for an empty array and fails with States.QueryEvaluationError when Items is not an array', async () => {
    const { sfn } = createEngine();
    const map = jsonata({ Each: { Type: 'Map', Items: '{% $states.input.items %}', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, End: true } });
    expect((await run(sfn, map, { items: [] })).output).toEqual([]);
    expect((await run(sfn, map, { items: { a: 1 } })).error).toBe('States.QueryEvaluationError');
  });

  it('fails the Map with an iteration’s error, which the Map’s Catch can handle', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        Each: {
          Type: 'Map',
          Items: [1, 2, 3],
          ItemProcessor: {
            StartAt: 'Check',
            States: {
              Check: { Type: 'Choice', Choices: [{ Condition: '{% $states.input = 2 %}', Next: 'Bad' }], Default: 'Good' },
              Bad: { Type: 'Fail', Error: 'ItemRejected', Cause: '{% "item " & $string($states.input) %}' },
              Good: { Type: 'Pass', End: true },
            },
          },
          Catch: [{ ErrorEquals: ['ItemRejected'], Next: 'Rejected' }],
          End: true,
        },
        Rejected: { Type: 'Pass', End: true },
      }),
    );
    expect(r.output).toEqual({ Error: 'ItemRejected', Cause: 'item 2' });
  });
});

group('Parallel', () => {
  it('gives every branch the Arguments and outputs the branch results in branch order', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        Both: {
          Type: 'Parallel',
          Arguments: { n: '{% $states.input.n %}' },
          Branches: [
            { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: 0, Next: 'Plus' }, Plus: { Type: 'Pass', Output: '{% $states.input.n + 1 %}', End: true } } },
            { StartAt: 'Times', States: { Times: { Type: 'Pass', Output: '{% $states.input.n * 10 %}', End: true } } },
          ],
          End: true,
        },
      }),
      { n: 4, ignored: true },
    );
    expect(r.output).toEqual([5, 40]);
  });

  it('fails with a branch’s error and stops the other branches', async () => {
    const { sfn, clock } = createEngine();
    const exec = await start(
      sfn,
      await deploy(
        sfn,
        jsonata({
          Both: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 3600, End: true } } },
              { StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'ProvisioningFailed', Cause: 'panel down' } } },
            ],
            End: true,
          },
        }),
      ),
    );
    await sfn.whenIdle();
    const d = await describe(sfn, exec);
    expect([d.status, d.error, d.cause]).toEqual(['FAILED', 'ProvisioningFailed', 'panel down']);
    await clock.advance('2h');
    expect((await history(sfn, exec)).filter((e) => e.type === 'WaitStateExited')).toHaveLength(0);
  });

  it('retries the whole Parallel state, re-running every branch', async () => {
    let calls = 0;
    const { sfn, clock } = createEngine({
      lambdas: {
        once: () => {
          calls++;
          if (calls === 1) throw new Error('first time');
          return calls;
        },
      },
    });
    const exec = await start(
      sfn,
      await deploy(
        sfn,
        jsonata({
          Both: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'once', Payload: {} }, Output: '{% $states.result.Payload %}', End: true } } }],
            Retry: [{ ErrorEquals: ['Error'], IntervalSeconds: 2 }],
            End: true,
          },
        }),
      ),
    );
    await clock.advance('2s');
    expect((await describe(sfn, exec)).output).toEqual([2]);
  });
});

group('Succeed and Fail', () => {
  it('ends successfully with the Succeed state’s Output', async () => {
    const { sfn } = createEngine();
    expect((await run(sfn, jsonata({ Done: { Type: 'Succeed', Output: { ok: '{% $states.input.id %}' } } }), { id: 1 })).output).toEqual({ ok: 1 });
  });

  it('fails the execution with Fail’s Error and Cause, evaluated as JSONata', async () => {
    const { sfn } = createEngine();
    const r = await run(sfn, jsonata({ Stop: { Type: 'Fail', Error: "{% 'Refund' & 'Denied' %}", Cause: '{% $states.input.why %}' } }), { why: 'outside window' });
    expect([r.status, r.error, r.cause]).toEqual(['FAILED', 'RefundDenied', 'outside window']);
    expect((await history(sfn, r.executionArn)).map((e) => e.type)).toEqual(['ExecutionStarted', 'FailStateEntered', 'ExecutionFailed']);
  });
});
