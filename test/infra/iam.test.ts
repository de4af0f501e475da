import type { CfnElement } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../functions/lambda/manifest';
import { TABLE_DESIGN } from '../../functions/data/table';
import { actionsOf, resourcesListOf, resourcesOf, statementsOfRole, synthesize, SYNTH_TIMEOUT_MS, TEST_CONTEXT, type Statement, type Synthesized } from './support';

/**
 * The only actions that may be granted on "*": AWS offers no resource-level permission for them.
 * Task tokens (SendTask*) name an execution by token, not ARN; X-Ray and CloudWatch Logs vended
 * delivery (Step Functions logging) have no resource type at all.
 */
const NO_RESOURCE_LEVEL = new Set([
  'states:SendTaskSuccess',
  'states:SendTaskFailure',
  'states:SendTaskHeartbeat',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'xray:GetSamplingRules',
  'xray:GetSamplingTargets',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

let synthesized: Synthesized;
let service: Template;
beforeAll(() => {
  synthesized = synthesize();
  ({ service } = synthesized);
}, SYNTH_TIMEOUT_MS);

const allStatements = (): Statement[] =>
  resourcesOf(service, 'AWS::IAM::Policy').flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);

function roleIdOf(functionName: string): string {
  const fn = synthesized.hostcycle.service.functions.get(functionName);
  if (fn === undefined) throw new Error(`no function ${functionName}`);
  return synthesized.hostcycle.service.getLogicalId(fn.role?.node.defaultChild as CfnElement);
}

const grantsOf = (functionName: string, action: string) => statementsOfRole(service, roleIdOf(functionName)).filter((s) => actionsOf(s).includes(action));

describe('IAM', () => {
  it('grants "*" only for actions that have no resource-level permission', () => {
    const onStar = allStatements().filter((s) => resourcesListOf(s).includes('*'));
    expect(onStar.length).toBeGreaterThan(0);
    expect(onStar.flatMap(actionsOf).filter((action) => !NO_RESOURCE_LEVEL.has(action))).toEqual([]);
  });

  it('grants no wildcard action', () => {
    expect(allStatements().flatMap(actionsOf).filter((action) => action.includes('*'))).toEqual([]);
  });

  it('gives the task-token actions only to functions that need Step Functions', () => {
    for (const spec of FUNCTIONS) {
      expect(grantsOf(spec.name, 'states:SendTaskSuccess').length > 0, spec.name).toBe(spec.needs.includes('sfn'));
    }
  });

  it('attaches no AWS managed policy to any role', () => {
    for (const [, role] of resourcesOf(service, 'AWS::IAM::Role')) expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('lets each function that needs the table use it and its named indexes, never index/*', () => {
    for (const spec of FUNCTIONS) {
      const grants = grantsOf(spec.name, 'dynamodb:Query');
      expect(grants.length > 0, spec.name).toBe(spec.needs.includes('table'));
      const resources = JSON.stringify(grants.flatMap(resourcesListOf));
      if (!spec.needs.includes('table')) continue;
      for (const index of Object.keys(TABLE_DESIGN.indexes)) expect(resources).toContain(`/index/${index}`);
      expect(resources).not.toContain('index/*');
      expect(grantsOf(spec.name, 'dynamodb:Scan')).toEqual([]);
    }
  });

  it('lets only functions that need SES send, and only as the configured sender', () => {
    for (const spec of FUNCTIONS) {
      const grants = grantsOf(spec.name, 'ses:SendEmail');
      expect(grants.length > 0, spec.name).toBe(spec.needs.includes('ses'));
      for (const grant of grants) expect(grant.Condition).toEqual({ StringEquals: { 'ses:FromAddress': TEST_CONTEXT.senderEmail } });
    }
  });

  it('lets only functions that need the webhook secret read it', () => {
    for (const spec of FUNCTIONS) {
      expect(grantsOf(spec.name, 'secretsmanager:GetSecretValue').length > 0, spec.name).toBe(spec.needs.includes('webhookSecret'));
    }
  });

  it('lets functions start exactly the deployed state machines, by name', () => {
    const names = synthesized.hostcycle.service.workflows.map((w) => `:stateMachine:${w.stateMachineName}`);
    for (const spec of FUNCTIONS.filter((s) => s.needs.includes('sfn'))) {
      const resources = grantsOf(spec.name, 'states:StartExecution').flatMap(resourcesListOf).map((r) => JSON.stringify(r));
      expect(resources).toHaveLength(names.length);
      for (const name of names) expect(resources.some((r) => r.includes(`${name}"`))).toBe(true);
    }
  });
});
