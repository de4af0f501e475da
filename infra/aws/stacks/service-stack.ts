/**
 * The stateless half of hostcycle: every function of functions/lambda/manifest.ts, every workflow
 * of workflows/, the HTTP API, the daily billing run, e-mail sending and the alarms. Adding a Lambda
 * is a manifest line and adding a workflow is a file; nothing here names either.
 */
import * as path from 'node:path';
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { FUNCTIONS, type FunctionNeed, type FunctionSpec } from '../../../functions/lambda/manifest';
import { routeSpecs } from '../../../functions/http/routes';
import { readWorkflowFiles } from '../asl';
import type { HostcycleConfig } from '../config';
import { BillingSchedule } from '../constructs/billing-schedule';
import { EmailSending } from '../constructs/email';
import { FUNCTION_ENV, HostcycleFunction, REPO_ROOT } from '../constructs/hostcycle-function';
import { HostcycleHttpApi, StaffDirectory, type RouteShape } from '../constructs/http-api';
import { Operations, pascal } from '../constructs/operations';
import { HostcycleWorkflow } from '../constructs/workflow';

export interface HostcycleServiceStackProps extends StackProps {
  config: HostcycleConfig;
  table: ITable;
  indexNames: readonly string[];
  /** Defaults to the manifest; tests pass their own list to check the wiring rules. */
  functions?: readonly FunctionSpec[];
  /** Defaults to the repository's workflows/. */
  workflowsDirectory?: string;
  routes?: readonly RouteShape[];
}

export class HostcycleServiceStack extends Stack {
  readonly functions = new Map<string, HostcycleFunction>();
  readonly workflows: HostcycleWorkflow[];
  readonly webhookSecret: Secret;
  readonly email: EmailSending;
  readonly api: HostcycleHttpApi;
  readonly billing: BillingSchedule;
  readonly operations: Operations;

  constructor(scope: Construct, id: string, props: HostcycleServiceStackProps) {
    super(scope, id, props);
    const { config } = props;
    const specs = props.functions ?? FUNCTIONS;

    this.email = new EmailSending(this, 'Email', { senderEmail: config.senderEmail, staffEmail: config.alarmEmail });
    this.webhookSecret = new Secret(this, 'WebhookSecret', {
      description: 'Storefront webhook signing secret: one secret, or {"current","next"} while rotating (functions/app/env.ts)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(this.webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The secret is shared with the storefront, which must sign with the new value before hostcycle drops the old one; rotation is the two-step procedure in infra/aws/README.md (Operations), not a Lambda that would change it unannounced.',
    });

    // Configuration every function reads at load, whatever it touches (functions/app/env.ts readConfig).
    const environment = {
      POLICY_PRESET: config.preset,
      PROVIDER_NAME: config.policy.provider.displayName,
      SUPPORT_EMAIL: config.supportEmail,
      BILLING_URL: config.billingUrl,
      PROVISIONER_URL: config.provisionerUrl,
      PAYMENT_GATEWAY_URL: config.paymentGatewayUrl,
      [FUNCTION_ENV.sender]: config.senderEmail,
    };
    for (const spec of specs) {
      const fn = new HostcycleFunction(this, pascal(spec.name.replace(/^hostcycle-/, '')), {
        name: spec.name,
        entry: spec.entry,
        environment,
        secretsExtension: spec.needs.includes('webhookSecret'),
        // The billing run walks a whole day's due invoices and services in one invocation.
        ...(spec.trigger === 'schedule' ? { timeout: Duration.minutes(5) } : {}),
      });
      this.functions.set(spec.name, fn);
    }

    const functionsByPlaceholder = new Map<string, IFunction>(
      specs.flatMap((spec) => (spec.placeholder === undefined ? [] : [[spec.placeholder, this.fn(spec.name)] as const])),
    );
    this.workflows = readWorkflowFiles(props.workflowsDirectory ?? path.join(REPO_ROOT, 'workflows')).map(
      (file) => new HostcycleWorkflow(this, pascal(file.workflowName), { file, functionsByPlaceholder }),
    );

    const binders: Record<FunctionNeed, (fn: HostcycleFunction) => void> = {
      table: (fn) => fn.bindTable(props.table, props.indexNames),
      ses: (fn) => fn.bindEmail(config.senderEmail, this.email.configurationSet),
      sfn: (fn) => fn.bindStateMachines(this.workflows).bindTaskTokens(),
      webhookSecret: (fn) => fn.bindSecret(this.webhookSecret, FUNCTION_ENV.webhookSecret),
    };
    for (const spec of specs) for (const need of spec.needs) binders[need](this.fn(spec.name));

    const staffTokens = config.staffIssuer ?? this.staffDirectory(config.allowedOrigins);
    this.api = new HostcycleHttpApi(this, 'Http', {
      handler: this.fn(onlyOne(specs, 'http').name),
      routes: props.routes ?? routeSpecs,
      allowedOrigins: config.allowedOrigins,
      staffTokens,
    });
    this.billing = new BillingSchedule(this, 'DailyBillingRun', {
      billingRun: this.fn(onlyOne(specs, 'schedule').name),
      timeZone: config.policy.calendar.timeZone,
    });

    this.operations = new Operations(this, 'Operations', {
      alarmEmail: config.alarmEmail,
      preset: config.preset,
      stateMachines: this.workflows,
      functions: [...this.functions].map(([name, fn]) => ({ name, fn })),
      deadLetterQueues: [{ name: 'billing-run', queue: this.billing.deadLetterQueue }],
      configurationSet: this.email.configurationSet,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.api.apiEndpoint, description: 'Base URL of the storefront webhooks and the staff API' });
    new CfnOutput(this, 'WebhookSecretArn', { value: this.webhookSecret.secretArn, description: 'Share its value with the storefront' });
  }

  private fn(name: string): HostcycleFunction {
    const fn = this.functions.get(name);
    if (fn === undefined) throw new Error(`no function named ${name} in the manifest`);
    return fn;
  }

  private staffDirectory(allowedOrigins: readonly string[]): { issuer: string; audience: string[] } {
    const directory = new StaffDirectory(this, 'Staff', { allowedOrigins });
    new CfnOutput(this, 'StaffUserPoolId', { value: directory.userPool.userPoolId, description: 'Add staff here and to the staff group' });
    new CfnOutput(this, 'StaffClientId', { value: directory.client.userPoolClientId, description: 'The staff console signs in with this client' });
    return { issuer: directory.issuer, audience: [directory.client.userPoolClientId] };
  }
}

function onlyOne(specs: readonly FunctionSpec[], trigger: NonNullable<FunctionSpec['trigger']>): FunctionSpec {
  const matching = specs.filter((spec) => spec.trigger === trigger);
  if (matching.length !== 1 || matching[0] === undefined) {
    throw new Error(`the manifest must have exactly one function with trigger '${trigger}', found ${matching.length}`);
  }
  return matching[0];
}
