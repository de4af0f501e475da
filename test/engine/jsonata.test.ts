import { describe as group, expect, it } from 'vitest';
import { createEngine, jsonata, run, T0 } from './support';

group('JSONata in states (AWS "Transforming data with JSONata")', () => {
  it('evaluates {% %} strings in Arguments-like templates and leaves other strings literal (the doc’s conversion example)', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        Remember: { Type: 'Pass', Assign: { customerName: 'María' }, Next: 'Shape' },
        Shape: {
          Type: 'Pass',
          Output: { static: 'Hello', title: '{% $states.input.title %}', name: '{% $customerName %}', 'not-evaluated': '$customerName' },
          End: true,
        },
      }),
      { title: 'Doctor' },
    );
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ static: 'Hello', title: 'Doctor', name: 'María', 'not-evaluated': '$customerName' });
  });

  it('passes the input through when a state has no Output', async () => {
    const { sfn } = createEngine();
    const r = await run(sfn, jsonata({ P: { Type: 'Pass', End: true } }), { a: [1, 2] });
    expect(r.output).toEqual({ a: [1, 2] });
  });

  it('provides $partition, $range, $hash, $parse as documented', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        F: {
          Type: 'Pass',
          Output: {
            partition: '{% $partition([1, 2, 3, 4, 5, 6, 7, 8, 9], 3) %}',
            uneven: '{% $partition([1, 2, 3, 4], 3) %}',
            range: '{% $range(0, 10, 2) %}',
            down: '{% $range(3, 1, -1) %}',
            hash: "{% $hash('input data', 'SHA-1') %}",
            parsed: '{% $parse($states.input.json) %}',
          },
          End: true,
        },
      }),
      { json: '{"a":[1,true,null]}' },
    );
    expect(r.output).toEqual({
      partition: [
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ],
      uneven: [[1, 2, 3], [4]],
      range: [0, 2, 4, 6, 8, 10],
      down: [3, 2, 1],
      hash: 'aaff4a450a104cd177d28d18d74485e8cae074b7',
      parsed: { a: [1, true, null] },
    });
  });

  it('gives the same $random for the same seed, a v4 $uuid, and a fresh one per call', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        F: { Type: 'Pass', Output: { a: '{% $random(42) %}', b: '{% $random(42) %}', c: '{% $random() %}', u1: '{% $uuid() %}', u2: '{% $uuid() %}' }, End: true },
      }),
    );
    const o = r.output as { a: number; b: number; c: number; u1: string; u2: string };
    expect(o.a).toBe(o.b);
    expect(o.a).toBeGreaterThanOrEqual(0);
    expect(o.a).toBeLessThan(1);
    expect(o.c).toBeLessThan(1);
    expect(o.u1).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(o.u1).not.toBe(o.u2);
  });

  it('exposes the context object: Execution, State, StateMachine', async () => {
    const { sfn } = createEngine();
    const r = await run(sfn, jsonata({ Ctx: { Type: 'Pass', Output: '{% $states.context %}', End: true } }), { order: 7 });
    const ctx = r.output as Record<string, Record<string, unknown>>;
    expect(ctx.Execution).toMatchObject({ Id: r.executionArn, Input: { order: 7 }, StartTime: T0 });
    expect(ctx.Execution?.Name).toBe(r.executionArn.split(':').pop());
    expect(ctx.Execution?.RoleArn).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(ctx.State).toEqual({ Name: 'Ctx', EnteredTime: T0, RetryCount: 0 });
    expect(ctx.StateMachine?.Id).toMatch(/:stateMachine:test-machine-\d+$/);
  });

  it('reads $now() and $millis() from the virtual clock, not the machine clock', async () => {
    const { sfn } = createEngine();
    const r = await run(sfn, jsonata({ Now: { Type: 'Pass', Output: { now: '{% $now() %}', millis: '{% $millis() %}' }, End: true } }));
    expect(r.output).toEqual({ now: T0, millis: Date.parse(T0) });
  });

  it('fails with States.QueryEvaluationError when an expression returns nothing', async () => {
    const { sfn } = createEngine();
    const r = await run(sfn, jsonata({ Bad: { Type: 'Pass', Output: { x: '{% $states.input.missing %}' }, End: true } }));
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.QueryEvaluationError');
    expect(r.cause).toContain("'$states.input.missing'");
  });

  it('fails with States.QueryEvaluationError when evaluation throws', async () => {
    const { sfn } = createEngine();
    const r = await run(sfn, jsonata({ Bad: { Type: 'Pass', Output: "{% $parse('not json') %}", End: true } }));
    expect(r.error).toBe('States.QueryEvaluationError');
  });
});
