/**
 * Synthesizes the hostcycle CDK app in memory, the way `cdk synth` does (cdk-nag included), with a
 * complete test context.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildHostcycle, type Hostcycle } from '../../infra/aws/hostcycle';

/** The context `npm run synth` passes too (package.json). */
export const TEST_CONTEXT = {
  preset: 'hostico',
  senderEmail: 'billing@hostico.example',
  allowedOrigins: 'https://staff.hostico.example',
  alarmEmail: 'ops@hostico.example',
  supportEmail: 'support@hostico.example',
  billingUrl: 'https://hostico.example/billing',
  provisionerUrl: 'https://bridge.hostico.example/commands',
  paymentGatewayUrl: 'https://pay.hostico.example/payouts',
} as const;

/** Synthesis takes seconds alone and much longer beside the rest of the suite; the full one bundles too. */
export const SYNTH_TIMEOUT_MS = 120_000;
export const FULL_SYNTH_TIMEOUT_MS = 300_000;

export interface Synthesized {
  app: App;
  hostcycle: Hostcycle;
  data: Template;
  service: Template;
}

/**
 * `full` bundles the functions and runs CloudFormation's own template validation as `cdk synth`
 * does; the other tests skip both, which only cost time.
 */
export function synthesize(context: Record<string, unknown> = TEST_CONTEXT, options: { full?: boolean } = {}): Synthesized {
  const full = options.full === true;
  const app = new App({
    builtinCloudFormationValidation: full,
    context: {
      ...context,
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      // An empty list means "bundle no stack"; the functions get a placeholder asset.
      ...(full ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const hostcycle = buildHostcycle(app);
  return { app, hostcycle, data: Template.fromStack(hostcycle.data), service: Template.fromStack(hostcycle.service) };
}

export type Resource = { Type: string; Properties: Record<string, unknown>; [key: string]: unknown };

/** The resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

export const actionsOf = (statement: Statement): string[] => (Array.isArray(statement.Action) ? statement.Action : [statement.Action]);
export const resourcesListOf = (statement: Statement): unknown[] => (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]);

/** Every policy statement attached to a role, from its inline policies and the AWS::IAM::Policy resources naming it. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const role = template.toJSON().Resources[roleLogicalId] as Resource;
  const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((p) => p.PolicyDocument.Statement);
  const attached = resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => (policy.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify({ Ref: roleLogicalId })))
    .flatMap(([, policy]) => (policy.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  return [...inline, ...attached];
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` → id. */
export function getAttId(value: unknown): string | undefined {
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] } | null)?.['Fn::GetAtt'];
  return getAtt?.[1] === 'Arn' ? getAtt[0] : undefined;
}
