import * as path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import aslValidator from 'asl-validator';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../functions/lambda/manifest';
import { invokedFunctionPlaceholders, readWorkflowFiles, substitute } from '../../infra/aws/asl';
import { REPO_ROOT } from '../../infra/aws/constructs/hostcycle-function';
import { HostcycleWorkflow } from '../../infra/aws/constructs/workflow';
import { actionsOf, getAttId, resourcesListOf, resourcesOf, statementsOfRole, synthesize, SYNTH_TIMEOUT_MS, type Resource, type Synthesized } from './support';

const files = readWorkflowFiles(path.join(REPO_ROOT, 'workflows'));

let synthesized: Synthesized;
let service: Template;
beforeAll(() => {
  synthesized = synthesize();
  ({ service } = synthesized);
}, SYNTH_TIMEOUT_MS);

/** The logical id of the function the manifest calls `name`. */
function functionId(name: string): string {
  const fn = synthesized.hostcycle.service.functions.get(name);
  if (fn === undefined) throw new Error(`no function ${name}`);
  return synthesized.hostcycle.service.getLogicalId(fn.node.defaultChild as CfnElement);
}

function stateMachineOf(workflowName: string): [string, Resource] {
  const name = `${synthesized.hostcycle.service.stackName}-${workflowName}`;
  const found = resourcesOf(service, 'AWS::StepFunctions::StateMachine').find(([, sm]) => sm.Properties.StateMachineName === name);
  if (found === undefined) throw new Error(`no state machine named ${name}`);
  return found;
}

/** Every `"FunctionName": "${X}"` anywhere in a definition, read independently of infra/aws/asl.ts. */
function functionNamePlaceholders(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((v) => functionNamePlaceholders(v, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      const match = key === 'FunctionName' && typeof v === 'string' ? /^\$\{(\w+)\}$/.exec(v) : null;
      if (match?.[1] !== undefined) found.add(match[1]);
      else functionNamePlaceholders(v, found);
    }
  }
  return found;
}

const LOGGING_AND_TRACING = new Set([
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
]);

const sampleArn = (functionName: string) => `arn:aws:lambda:eu-central-1:123456789012:function:${functionName}`;
const sampleSubstitutions = Object.fromEntries(FUNCTIONS.flatMap((f) => (f.placeholder === undefined ? [] : [[f.placeholder, sampleArn(f.name)]])));
const byPlaceholder = new Map(FUNCTIONS.flatMap((f) => (f.placeholder === undefined ? [] : [[f.placeholder, f] as const])));

it('deploys one state machine per workflows/*.asl.json file, and there is at least one', () => {
  expect(files.length).toBeGreaterThan(0);
  expect(resourcesOf(service, 'AWS::StepFunctions::StateMachine')).toHaveLength(files.length);
});

describe.each(files.map((file) => [file.workflowName, file] as const))('workflow %s', (workflowName, file) => {
  it('inlines the file unchanged as the definition, with every placeholder substituted by its function ARN', () => {
    const [, sm] = stateMachineOf(workflowName);
    expect(sm.Properties.DefinitionString).toBe(file.text);
    const substitutions = sm.Properties.DefinitionSubstitutions as Record<string, unknown>;
    const placeholders = [...file.text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1] as string);
    expect(Object.keys(substitutions).sort()).toEqual([...new Set(placeholders)].sort());
    for (const [placeholder, value] of Object.entries(substitutions)) {
      const spec = byPlaceholder.get(placeholder);
      expect(spec, `${placeholder} is in the manifest`).toBeDefined();
      expect(getAttId(value)).toBe(functionId((spec as NonNullable<typeof spec>).name));
    }
  });

  it('is valid ASL after substitution (asl-validator, ARNs and paths checked)', () => {
    const definition = JSON.parse(substitute(file.text, sampleSubstitutions)) as object;
    const { isValid, errorsText } = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(isValid, errorsText('\n')).toBe(true);
  });

  it('is a Standard state machine that logs ALL events to its own log group and is traced with X-Ray', () => {
    const [, sm] = stateMachineOf(workflowName);
    expect(sm.Properties.StateMachineType).toBe('STANDARD');
    expect(sm.Properties.TracingConfiguration).toEqual({ Enabled: true });
    const logging = sm.Properties.LoggingConfiguration as { Level: string; Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: unknown } }[] };
    expect(logging.Level).toBe('ALL');
    const logGroupId = getAttId(logging.Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn);
    expect(service.toJSON().Resources[logGroupId as string]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: `/aws/vendedlogs/states/${synthesized.hostcycle.service.stackName}-${workflowName}` },
    });
  });

  it('has a role that may invoke exactly the functions its Task states name, and nothing else but logging and tracing', () => {
    const [, sm] = stateMachineOf(workflowName);
    const roleId = getAttId(sm.Properties.RoleArn) as string;
    const statements = statementsOfRole(service, roleId);
    const invoke = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
    expect(invoke.every((s) => actionsOf(s).length === 1 && s.Effect === 'Allow')).toBe(true);
    const invokedIds = invoke.flatMap((s) => resourcesListOf(s).map(getAttId));
    const expected = [...functionNamePlaceholders(JSON.parse(file.text))].map((p) => functionId((byPlaceholder.get(p) as NonNullable<ReturnType<typeof byPlaceholder.get>>).name));
    expect(invokedIds.sort()).toEqual(expected.sort());
    const others = statements.filter((s) => !actionsOf(s).includes('lambda:InvokeFunction')).flatMap(actionsOf);
    expect(others.filter((action) => !LOGGING_AND_TRACING.has(action))).toEqual([]);
  });

  it('has a role only Step Functions may assume, for this state machine in this account', () => {
    const [, sm] = stateMachineOf(workflowName);
    const role = service.toJSON().Resources[getAttId(sm.Properties.RoleArn) as string] as Resource;
    const trust = (role.Properties.AssumeRolePolicyDocument as { Statement: { Principal: unknown; Condition: Record<string, Record<string, unknown>> }[] }).Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]?.Principal).toEqual({ Service: 'states.amazonaws.com' });
    expect(JSON.stringify(trust[0]?.Condition.ArnLike?.['aws:SourceArn'])).toContain(`:stateMachine:${synthesized.hostcycle.service.stackName}-${workflowName}`);
  });
});

describe('deriving a role from a definition', () => {
  it('refuses a placeholder that no function of the manifest has, naming it', () => {
    const stack = new Stack();
    const file = { workflowName: 'w', file: 'w.asl.json', text: JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: '${NobodysFunction}' }, End: true } } }) };
    expect(() => new HostcycleWorkflow(stack, 'W', { file, functionsByPlaceholder: new Map() })).toThrow(/no function in functions\/lambda\/manifest.ts has the placeholder \$\{NobodysFunction\}/);
  });

  const task = (state: Record<string, unknown>) => ({ StartAt: 'A', States: { A: { Type: 'Task', End: true, ...state } } });

  it('refuses an integration other than Lambda invoke, naming the state', () => {
    expect(() => invokedFunctionPlaceholders('w', task({ Resource: 'arn:aws:states:::dynamodb:putItem', Arguments: {} }))).toThrow(/state "A" calls arn:aws:states:::dynamodb:putItem/);
  });

  it('refuses a function chosen at run time, since no grant could name it', () => {
    expect(() => invokedFunctionPlaceholders('w', task({ Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: '{% $states.input.fn %}' } }))).toThrow(/not a \$\{Placeholder\}/);
  });

  it('refuses a distributed Map, which would start child executions', () => {
    const definition = { StartAt: 'M', States: { M: { Type: 'Map', End: true, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'X', States: { X: { Type: 'Pass', End: true } } } } } };
    expect(() => invokedFunctionPlaceholders('w', definition)).toThrow(/DISTRIBUTED Map/);
  });

  it('finds the functions inside Parallel branches and inline Map processors', () => {
    const invoke = (fn: string) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: `\${${fn}}` }, End: true });
    const definition = {
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Next: 'M', Branches: [{ StartAt: 'B', States: { B: invoke('InBranch') } }] },
        M: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'I', States: { I: invoke('InMap') } } },
      },
    };
    expect(invokedFunctionPlaceholders('w', definition).sort()).toEqual(['InBranch', 'InMap']);
  });
});
