import { describe as group, expect, it } from 'vitest';
import { createEngine, deploy, history, jsonata, run } from './support';

group('variables and Assign (AWS "Passing data between states with variables")', () => {
  it('makes an assigned variable readable in any later state, not only the next one', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        Step1: { Type: 'Pass', Assign: { x: '{% $states.input.apiData %}' }, Output: {}, Next: 'Step2' },
        Step2: { Type: 'Pass', Output: { other: true }, Next: 'Step5' },
        Step5: { Type: 'Pass', Output: '{% $x %}', End: true },
      }),
      { apiData: { price: 42 } },
    );
    expect(r.output).toEqual({ price: 42 });
  });

  it('evaluates Assign and Output with the values at state entry: neither sees the other’s new values', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        Init: { Type: 'Pass', Assign: { x: 1 }, Next: 'Swap' },
        Swap: {
          Type: 'Pass',
          Assign: { x: '{% $x + 10 %}', previousX: '{% $x %}' },
          Output: { xInOutput: '{% $x %}' },
          Next: 'After',
        },
        After: { Type: 'Pass', Output: { x: '{% $x %}', previousX: '{% $previousX %}', fromSwap: '{% $states.input %}' }, End: true },
      }),
    );
    expect(r.output).toEqual({ x: 11, previousX: 1, fromSwap: { xInOutput: 1 } });
  });

  it('lets Assign read $states.result of a task, and records assigned variables in the exit event', async () => {
    const { sfn } = createEngine({ lambdas: { price: () => ({ current_price: 9.5 }) } });
    const r = await run(
      sfn,
      jsonata({
        GetPrice: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: 'price', Payload: {} },
          Assign: { currentPrice: '{% $states.result.Payload.current_price %}' },
          Output: {},
          Next: 'Use',
        },
        Use: { Type: 'Pass', Output: '{% $currentPrice %}', End: true },
      }),
    );
    expect(r.output).toBe(9.5);
    const exited = (await history(sfn, r.executionArn)).find((e) => e.type === 'TaskStateExited');
    expect(exited?.stateExitedEventDetails?.assignedVariables).toEqual({ currentPrice: '9.5' });
  });

  it('lets states inside Parallel branches and Map iterations read outer variables', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        Outer: { Type: 'Pass', Assign: { currency: 'EUR' }, Next: 'Both' },
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'A', States: { A: { Type: 'Pass', Output: '{% "branch " & $currency %}', End: true } } },
            {
              StartAt: 'Each',
              States: {
                Each: {
                  Type: 'Map',
                  Items: '{% [1, 2] %}',
                  ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'I', States: { I: { Type: 'Pass', Output: '{% $string($states.input) & $currency %}', End: true } } },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      }),
    );
    expect(r.output).toEqual(['branch EUR', ['1EUR', '2EUR']]);
  });

  it('keeps variables assigned inside a branch out of the outer scope', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        Both: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { inner: 1 }, Output: '{% $inner %}', End: true } } }],
          Next: 'ReadInner',
        },
        ReadInner: { Type: 'Pass', Output: '{% $inner %}', End: true },
      }),
    );
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe('States.QueryEvaluationError');
  });

  it('returns data from a branch through Output, which the outer Assign can capture', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        Both: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', Output: { total: 3 }, End: true } } }],
          Assign: { total: '{% $states.result[0].total %}' },
          Next: 'Read',
        },
        Read: { Type: 'Pass', Output: '{% $total %}', End: true },
      }),
    );
    expect(r.output).toBe(3);
  });

  it('rejects at load a branch that assigns a variable of the outer scope', async () => {
    const { sfn } = createEngine();
    const definition = jsonata({
      Outer: { Type: 'Pass', Assign: { count: 0 }, Next: 'Both' },
      Both: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Inc', States: { Inc: { Type: 'Pass', Assign: { count: '{% $count + 1 %}' }, End: true } } }],
        End: true,
      },
    });
    await expect(deploy(sfn, definition)).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringMatching(/state 'Inc'.*variable 'count'/) });
  });

  it('assigns in a catcher with $states.errorOutput, in the scope of the state that caught', async () => {
    const { sfn } = createEngine();
    const r = await run(
      sfn,
      jsonata({
        Risky: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'Boom', States: { Boom: { Type: 'Fail', Error: 'PaymentDeclined', Cause: 'card expired' } } }],
          Catch: [{ ErrorEquals: ['PaymentDeclined'], Assign: { reason: '{% $states.errorOutput.Cause %}' }, Next: 'Report' }],
          End: true,
        },
        Report: { Type: 'Pass', Output: { reason: '{% $reason %}', input: '{% $states.input %}' }, End: true },
      }),
    );
    expect(r.output).toEqual({ reason: 'card expired', input: { Error: 'PaymentDeclined', Cause: 'card expired' } });
  });
});
