import { describe as group, expect, it } from 'vitest';
import { createEngine, deploy, history, jsonata, run, start, T0 } from './support';

class StaleStateError extends Error {
  override name = 'StaleStateError';
}

/** A real handler that fails its first `failures` calls and records the (virtual) time of each call. */
function flaky(clock: { nowMs(): number }, failures: number, error: () => Error = () => new Error('transient')) {
  const calls: number[] = [];
  return {
    calls,
    handler: () => {
      calls.push(clock.nowMs());
      if (calls.length <= failures) throw error();
      return { ok: true };
    },
  };
}

const invoke = ({ Next, ...extra }: { Next?: string } & Record<string, unknown>) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Arguments: { FunctionName: 'work', Payload: '{% $states.input %}' },
  Output: '{% $states.result.Payload %}',
  ...(Next ? { Next } : { End: true }),
  ...extra,
});

const seconds = (calls: number[]) => calls.map((t) => (t - Date.parse(T0)) / 1000);

group('Retry (AWS "Handling errors in Step Functions workflows")', () => {
  it('backs off IntervalSeconds × BackoffRate^n: attempts at t, t+3, t+9, t+21', async () => {
    const { sfn, clock } = createEngine();
    const f = flaky(clock, 3);
    sfn.registerLambda('work', f.handler);
    const arn = await deploy(sfn, jsonata({ Work: invoke({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 3 }] }) }));
    const exec = await start(sfn, arn);
    await clock.advance('1h');
    expect(seconds(f.calls)).toEqual([0, 3, 9, 21]);
    expect((await sfn.describeExecution({ executionArn: exec })).status).toBe('SUCCEEDED');
  });

  it('caps each delay at MaxDelaySeconds', async () => {
    const { sfn, clock } = createEngine();
    const f = flaky(clock, 4);
    sfn.registerLambda('work', f.handler);
    await deploy(sfn, jsonata({ Work: invoke({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 5, MaxDelaySeconds: 8 }] }) })).then((arn) => start(sfn, arn));
    await clock.advance('1h');
    expect(seconds(f.calls)).toEqual([0, 3, 9, 17, 25]);
  });

  it('uses the defaults IntervalSeconds 1, BackoffRate 2, MaxAttempts 3, then fails with the handler’s error', async () => {
    const { sfn, clock } = createEngine();
    const f = flaky(clock, 10, () => new StaleStateError('order ORD-1 is not PENDING'));
    sfn.registerLambda('work', f.handler);
    const exec = await deploy(sfn, jsonata({ Work: invoke({ Retry: [{ ErrorEquals: ['StaleStateError'] }] }) })).then((arn) => start(sfn, arn));
    await clock.advance('1h');
    expect(seconds(f.calls)).toEqual([0, 1, 3, 7]);
    const d = await sfn.describeExecution({ executionArn: exec });
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('StaleStateError');
    expect(JSON.parse(d.cause as string)).toMatchObject({ errorType: 'StaleStateError', errorMessage: 'order ORD-1 is not PENDING', trace: expect.any(Array) });
  });

  it('with JitterStrategy FULL waits a random part of the computed delay', async () => {
    const { sfn, clock } = createEngine({ random: () => 0.5 });
    const f = flaky(clock, 2);
    sfn.registerLambda('work', f.handler);
    await deploy(sfn, jsonata({ Work: invoke({ Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 4, JitterStrategy: 'FULL' }] }) })).then((arn) => start(sfn, arn));
    await clock.advance('1h');
    expect(seconds(f.calls)).toEqual([0, 2, 6]);
  });

  it('uses only the first retrier that matches, with its own counter', async () => {
    const { sfn, clock } = createEngine();
    const f = flaky(clock, 1, () => new StaleStateError('x'));
    sfn.registerLambda('work', f.handler);
    const exec = await deploy(
      sfn,
      jsonata({ Work: invoke({ Retry: [{ ErrorEquals: ['StaleStateError'], MaxAttempts: 0 }, { ErrorEquals: ['States.ALL'], MaxAttempts: 5 }] }) }),
    ).then((arn) => start(sfn, arn));
    await clock.advance('1h');
    expect(f.calls).toHaveLength(1);
    expect((await sfn.describeExecution({ executionArn: exec })).error).toBe('StaleStateError');
  });

  it('counts retries in $states.context.State.RetryCount', async () => {
    const { sfn, clock } = createEngine();
    const seen: unknown[] = [];
    sfn.registerLambda('work', (event) => {
      seen.push(event);
      if (seen.length < 3) throw new Error('again');
      return 'done';
    });
    await deploy(
      sfn,
      jsonata({
        Work: {
          ...invoke({ Retry: [{ ErrorEquals: ['States.ALL'] }] }),
          Arguments: { FunctionName: 'work', Payload: { retry: '{% $states.context.State.RetryCount %}' } },
        },
      }),
    ).then((arn) => start(sfn, arn));
    await clock.advance('1m');
    expect(seen).toEqual([{ retry: 0 }, { retry: 1 }, { retry: 2 }]);
  });

  it('counts each retry by the error it retried, each one a transition and an invocation', async () => {
    const { sfn, clock } = createEngine();
    const thrown = [new StaleStateError('a'), new StaleStateError('b'), new TypeError('c')];
    const f = flaky(clock, thrown.length, () => thrown[f.calls.length - 1] as Error);
    sfn.registerLambda('work', f.handler);
    const exec = await deploy(
      sfn,
      jsonata({ Work: invoke({ Retry: [{ ErrorEquals: ['StaleStateError'], MaxAttempts: 5 }, { ErrorEquals: ['States.ALL'], MaxAttempts: 1 }] }) }),
    ).then((arn) => start(sfn, arn));
    expect(sfn.retries()).toEqual({});
    await clock.advance('1h');
    expect((await sfn.describeExecution({ executionArn: exec })).status).toBe('SUCCEEDED');
    expect(sfn.retries()).toEqual({ StaleStateError: 2, TypeError: 1 });
    expect(sfn.executionMetrics(exec)).toEqual({ stateTransitions: 4, taskInvocations: 4 });
  });
});

group('Catch', () => {
  it('outputs {Error, Cause} by default and goes to Next', async () => {
    const { sfn } = createEngine({
      lambdas: {
        work: () => {
          throw new StaleStateError('invoice INV-7 already paid');
        },
      },
    });
    const r = await run(sfn, jsonata({ Work: invoke({ Next: 'Done', Catch: [{ ErrorEquals: ['StaleStateError'], Next: 'Handled' }] }), Done: { Type: 'Succeed' }, Handled: { Type: 'Pass', End: true } }));
    expect(r.status).toBe('SUCCEEDED');
    const out = r.output as { Error: string; Cause: string };
    expect(Object.keys(out).sort()).toEqual(['Cause', 'Error']);
    expect(out.Error).toBe('StaleStateError');
    expect(JSON.parse(out.Cause)).toMatchObject({ errorType: 'StaleStateError', errorMessage: 'invoice INV-7 already paid' });
  });

  it('applies a catcher’s Output with $states.errorOutput and $states.input', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        Work: invoke({ Next: 'Handled', Catch: [{ ErrorEquals: ['States.ALL'], Output: { order: '{% $states.input.order %}', error: '{% $states.errorOutput.Error %}' }, Next: 'Handled' }] }),
        Handled: { Type: 'Pass', End: true },
      }),
      { order: 'ORD-1' },
    );
    expect(r.output).toEqual({ order: 'ORD-1', error: 'Lambda.ResourceNotFoundException' });
  });

  it('retries first, then catches once the retrier is exhausted', async () => {
    const { sfn, clock } = createEngine();
    const f = flaky(clock, 99);
    sfn.registerLambda('work', f.handler);
    const exec = await deploy(
      sfn,
      jsonata({
        Work: invoke({ Next: 'Ok', Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2 }], Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }] }),
        Ok: { Type: 'Succeed' },
        Handled: { Type: 'Pass', Output: { result: 'caught' }, End: true },
      }),
    ).then((arn) => start(sfn, arn));
    await clock.advance('1m');
    expect(f.calls).toHaveLength(3);
    expect((await sfn.describeExecution({ executionArn: exec })).output).toBe('{"result":"caught"}');
  });

  it('does not let States.TaskFailed catch States.Timeout', async () => {
    const { sfn, clock } = createEngine({ lambdas: { work: () => ({ accepted: true }) } });
    const exec = await deploy(
      sfn,
      jsonata({
        Work: invoke({
          Next: 'Ok',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          Arguments: { FunctionName: 'work', Payload: { token: '{% $states.context.Task.Token %}' } },
          TimeoutSeconds: 5,
          Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Ok' }],
        }),
        Ok: { Type: 'Succeed' },
      }),
    ).then((arn) => start(sfn, arn));
    await clock.advance('5s');
    const d = await sfn.describeExecution({ executionArn: exec });
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('States.Timeout');
  });

  it('reports an unknown function as Lambda.ResourceNotFoundException', async () => {
    const { sfn } = createEngine();
    const r = await run(sfn, jsonata({ Work: invoke({}) }));
    expect(r.error).toBe('Lambda.ResourceNotFoundException');
    const events = (await history(sfn, r.executionArn)).map((e) => e.type);
    expect(events).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskFailed', 'ExecutionFailed']);
  });
});
