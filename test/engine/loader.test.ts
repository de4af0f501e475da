import { describe as group, expect, it } from 'vitest';
import { assertValidAsl, createEngine, jsonata } from './support';

async function rejection(definition: object): Promise<string> {
  const { sfn } = createEngine();
  try {
    await sfn.registerStateMachine('rejected', JSON.stringify(definition));
  } catch (e) {
    expect((e as Error).name).toBe('InvalidDefinition');
    return (e as Error).message;
  }
  throw new Error('the engine accepted a definition it must reject');
}

const pass = { Type: 'Pass', End: true };
const mapOf = (extra: object) => jsonata({ Each: { Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: pass } }, End: true, ...extra } });

group('definitions outside the supported subset are rejected at load, naming the state and the field', () => {
  it.each([
    ['InputPath', { InputPath: '$.order' }],
    ['Parameters', { Parameters: { 'a.$': '$.a' } }],
    ['ResultPath', { ResultPath: '$.r' }],
    ['OutputPath', { OutputPath: '$.o' }],
    ['ResultSelector', { ResultSelector: {} }],
  ])('JSONPath field %s', async (field, extra) => {
    const message = await rejection(jsonata({ Charge: { ...pass, ...extra } }));
    expect(message).toContain("state 'Charge'");
    expect(message).toContain(`'${field}'`);
  });

  it('a state machine that uses JSONPath (the default query language)', async () => {
    const message = await rejection({ StartAt: 'Legacy', States: { Legacy: pass } });
    expect(message).toMatch(/state 'Legacy'.*'QueryLanguage'.*JSONPath/);
  });

  it('one JSONPath state inside a JSONata machine', async () => {
    expect(await rejection(jsonata({ Legacy: { ...pass, QueryLanguage: 'JSONPath' } }))).toMatch(/state 'Legacy'.*QueryLanguage/);
  });

  it('distributed Map and ItemReader', async () => {
    expect(await rejection(mapOf({ ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: pass } } }))).toMatch(
      /state 'Each'.*'Mode'.*DISTRIBUTED/,
    );
    expect(await rejection(mapOf({ ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Arguments: {} } }))).toMatch(/state 'Each'.*'ItemReader'.*distributed/);
  });

  it('an unknown resource', async () => {
    const message = await rejection(jsonata({ Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Arguments: {}, End: true } }));
    expect(message).toMatch(/state 'Send'.*Resource 'arn:aws:states:::sqs:sendMessage'/);
  });

  it('an unknown field', async () => {
    expect(await rejection(jsonata({ Odd: { ...pass, Colour: 'blue' } }))).toMatch(/state 'Odd'.*'Colour'/);
  });

  it('an unknown activity-style Type', async () => {
    expect(await rejection(jsonata({ Odd: { Type: 'Activity', End: true } }))).toMatch(/state 'Odd'.*Type 'Activity'/);
  });

  it('a transition to a missing state, and an unreachable state', async () => {
    expect(await rejection(jsonata({ A: { Type: 'Pass', Next: 'Nowhere' } }))).toMatch(/state 'A'.*'Nowhere'/);
    expect(await rejection(jsonata({ A: pass, Orphan: pass }))).toMatch(/state 'Orphan'.*unreachable/);
  });

  it('a JSONata syntax error and $eval', async () => {
    expect(await rejection(jsonata({ A: { ...pass, Output: '{% $states.input. %}' } }))).toMatch(/state 'A'\.Output.*invalid JSONata/);
    expect(await rejection(jsonata({ A: { ...pass, Output: "{% $eval('1') %}" } }))).toMatch(/\$eval/);
  });

  it('a HeartbeatSeconds not below TimeoutSeconds', async () => {
    const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Arguments: { FunctionName: 'f', Payload: {} }, End: true };
    expect(await rejection(jsonata({ Approve: { ...task, TimeoutSeconds: 60, HeartbeatSeconds: 60 } }))).toMatch(/state 'Approve'\.HeartbeatSeconds/);
  });

  it('a misplaced States.ALL and an unknown States.* error name', async () => {
    const task = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'f', Payload: {} }, End: true };
    expect(await rejection(jsonata({ T: { ...task, Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] } }))).toMatch(/state 'T'\.Retry\[0\].*last/);
    expect(await rejection(jsonata({ T: { ...task, Catch: [{ ErrorEquals: ['States.Typo'], Next: 'T' }] } }))).toMatch(/'States.Typo'/);
  });
});

group('asl-validator agrees that what the tests run is valid ASL', () => {
  it('accepts a definition using every supported feature', () => {
    expect(() =>
      assertValidAsl(
        jsonata({
          Task: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
            Arguments: { FunctionName: 'f', Payload: { token: '{% $states.context.Task.Token %}' } },
            TimeoutSeconds: '{% $states.input.timeout %}',
            HeartbeatSeconds: 60,
            Assign: { a: '{% $states.result %}' },
            Output: '{% $states.result %}',
            Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 2, MaxDelaySeconds: 10, JitterStrategy: 'FULL' }],
            Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Assign: { e: 1 }, Next: 'Fail' }],
            Next: 'Wait',
          },
          Wait: { Type: 'Wait', Timestamp: '{% $states.input.at %}', Next: 'Map' },
          Map: {
            Type: 'Map',
            Items: '{% $states.input.items %}',
            ItemSelector: { v: '{% $states.context.Map.Item.Value %}' },
            MaxConcurrency: 2,
            ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
            Next: 'Par',
          },
          Par: { Type: 'Parallel', Arguments: {}, Branches: [{ StartAt: 'B', States: { B: { Type: 'Succeed' } } }], Next: 'Choose' },
          Choose: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Next: 'Done', Output: {}, Assign: { c: 1 } }], Default: 'Fail' },
          Fail: { Type: 'Fail', Error: 'E', Cause: '{% "c" %}' },
          Done: { Type: 'Succeed', Output: {} },
        }),
      ),
    ).not.toThrow();
  });

  it('rejects what AWS would refuse (so the harness check can fail)', () => {
    expect(() => assertValidAsl(jsonata({ A: { Type: 'Pass' } }))).toThrow(/asl-validator/);
  });
});
