/**
 * The one construct every hostcycle Lambda is built with: the house defaults in one place, and
 * `bind*` methods that set a function's environment variable and its IAM grant together, so a
 * function can never hold a permission it has no configuration for, or the reverse.
 *
 * Every grant names its resources (the table and each of its indexes, the secret, the sender
 * identity, the state machines). The only `*` a function can hold is the X-Ray write every traced
 * function needs and, through `bindTaskTokens`, the three task-token actions; both are actions for
 * which IAM offers no resource-level permission, and each is acknowledged where it is granted.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArnFormat, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, ParamsAndSecretsLayerVersion, ParamsAndSecretsVersions, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The newest Node.js runtime the pinned aws-cdk-lib knows. cdk-nag's AwsSolutions-L1 asks for the
 * newest of the family, and the bundle targets the same version.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** Environment variables the bind methods set; functions/app/env.ts reads exactly these. */
export const FUNCTION_ENV = {
  table: 'TABLE_NAME',
  sender: 'SENDER_EMAIL',
  stateMachineArns: 'STATE_MACHINE_ARNS',
  webhookSecret: 'WEBHOOK_SECRET_ARN',
} as const;

export interface HostcycleFunctionProps {
  /** The stable name from the Lambda manifest, e.g. `hostcycle-invoice-dunning-steps`. */
  name: string;
  /** The entry file, relative to the repository root. */
  entry: string;
  /** Defaults to 30 seconds, the API Gateway integration limit. */
  timeout?: Duration;
  /** Configuration every function reads at load (functions/app/env.ts); not access to anything. */
  environment?: Readonly<Record<string, string>>;
  /**
   * Serve secrets through the AWS Parameters and Secrets Lambda Extension (a localhost cache), so
   * secret values never sit in the function's environment. Required by `bindSecret`.
   */
  secretsExtension?: boolean;
}

export class HostcycleFunction extends NodejsFunction {
  readonly hostcycleName: string;
  private readonly executionRole: Role;
  private readonly secretsExtension: boolean;

  constructor(scope: Construct, id: string, props: HostcycleFunctionProps) {
    // An explicit role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole, which may write to every log group in the account.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.name}`,
    });
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      description: props.name,
      entry: path.join(REPO_ROOT, props.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
      runtime: LAMBDA_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role,
      logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      tracing: Tracing.ACTIVE,
      environment: {
        ...props.environment,
        // Stack traces in the logs point at the TypeScript sources, not the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
      },
      ...(props.secretsExtension === true ? { paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103) } : {}),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        // Error class names are an API: ASL Retry and Catch match on them (StaleStateError, EmailSendError…).
        keepNames: true,
        sourceMap: true,
        sourcesContent: false,
        mainFields: ['module', 'main'],
        // The AWS SDK versions pinned in package.json are the ones the tests ran against; bundle
        // them rather than use whatever version the runtime happens to ship.
        externalModules: [],
        // CommonJS dependencies (luxon, date-holidays) call `require` inside an ES module bundle.
        banner: "import { createRequire as __hostcycleCreateRequire } from 'node:module'; const require = __hostcycleCreateRequire(import.meta.url);",
      },
    });
    this.hostcycleName = props.name;
    this.executionRole = role;
    this.secretsExtension = props.secretsExtension === true;
    logGroup.grantWrite(role);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (Tracing.ACTIVE) adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permission; nothing else on this role uses "*".',
    });
  }

  /** Read and write the single table: items by key, conditional writes and transactions, and queries on each named index. */
  bindTable(table: ITable, indexNames: readonly string[]): this {
    this.addEnvironment(FUNCTION_ENV.table, table.tableName);
    this.executionRole.addToPrincipalPolicy(
      new PolicyStatement({
        // TransactWriteItems is authorised as its parts: Put, Update, Delete and ConditionCheck.
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'],
        resources: [table.tableArn],
      }),
    );
    this.executionRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: indexNames.map((name) => `${table.tableArn}/index/${name}`),
      }),
    );
    return this;
  }

  /** Read one secret through the extension; its ARN goes into `envName`. */
  bindSecret(secret: ISecret, envName: string): this {
    if (!this.secretsExtension) throw new Error(`${this.hostcycleName}: bindSecret needs the function built with secretsExtension`);
    this.addEnvironment(envName, secret.secretArn);
    secret.grantRead(this.executionRole);
    return this;
  }

  /**
   * Send e-mail as the configured sender only. The identity's default configuration set applies to
   * every send, so the grant covers that set too.
   */
  bindEmail(senderEmail: string, configurationSet: IConfigurationSet): this {
    this.addEnvironment(FUNCTION_ENV.sender, senderEmail);
    const stack = Stack.of(this);
    const domain = senderEmail.slice(senderEmail.lastIndexOf('@') + 1);
    const arn = (resource: string) => stack.formatArn({ service: 'ses', resource });
    this.executionRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        // SES authorises a send against the identity that covers From (the address, or its verified
        // domain) and against the configuration set the send uses.
        resources: [arn(`identity/${senderEmail}`), arn(`identity/${domain}`), arn(`configuration-set/${configurationSet.configurationSetName}`)],
        conditions: { StringEquals: { 'ses:FromAddress': senderEmail } },
      }),
    );
    return this;
  }

  /**
   * Start, and read the status and history of, executions of these state machines. Their ARNs go
   * into STATE_MACHINE_ARNS as `{"<workflow name>": "<arn>"}`.
   */
  bindStateMachines(workflows: readonly DeployedWorkflow[]): this {
    const stack = Stack.of(this);
    this.addEnvironment(
      FUNCTION_ENV.stateMachineArns,
      stack.toJsonString(Object.fromEntries(workflows.map((w) => [w.workflowName, w.stateMachineArn]))),
    );
    this.executionRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: workflows.map((w) => w.stateMachineArn) }),
    );
    for (const workflow of workflows) {
      const executions = executionArnPattern(stack, workflow);
      this.executionRole.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['states:DescribeExecution', 'states:GetExecutionHistory'], resources: [executions.arn] }),
      );
      Validations.of(this.executionRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${executions.nagResource}]`,
        reason: `Executions are named at run time by business ids (an invoice id, an order id); the pattern is limited to the executions of ${executions.stateMachineName}.`,
      });
    }
    return this;
  }

  /**
   * Resume or fail a waiting workflow step with its task token. SendTaskSuccess, SendTaskFailure and
   * SendTaskHeartbeat accept no resource-level permission (the token, not an ARN, names the
   * execution), so the grant is scoped by principal instead: only the roles of the functions that
   * receive outside events (webhooks, staff decisions, approval timeouts) get this policy, in a
   * policy of its own so the acknowledgement covers nothing else.
   */
  bindTaskTokens(): this {
    const policy = new Policy(this, 'TaskTokenPolicy', {
      statements: [
        new PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
          resources: ['*'],
        }),
      ],
    });
    policy.attachToRole(this.executionRole);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'states:SendTaskSuccess/SendTaskFailure/SendTaskHeartbeat support no resource-level permission; this policy is attached only to the roles of functions that resume workflows, and the tokens never leave the table.',
    });
    return this;
  }
}

/**
 * What a function needs to know about a deployed workflow to start and observe it. The ARN is built
 * from the literal name rather than taken from the resource: the state machine refers to the
 * functions (its substitutions), so a function referring back to the resource would be a cycle.
 */
export interface DeployedWorkflow {
  /** The file name in workflows/ without `.asl.json`, e.g. `invoice-dunning`. */
  workflowName: string;
  stateMachineName: string;
  stateMachineArn: string;
}

/** `arn:…:execution:<state machine name>:*`: every execution of one state machine. */
export function executionArnPattern(stack: Stack, workflow: DeployedWorkflow): { arn: string; nagResource: string; stateMachineName: string } {
  const { stateMachineName } = workflow;
  const arn = stack.formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${stateMachineName}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  // cdk-nag names a finding by the flattened resource: a pseudo parameter shows as <AWS::Name>, a literal as itself.
  const part = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  const nagResource = `arn:${part(stack.partition, 'Partition')}:states:${part(stack.region, 'Region')}:${part(stack.account, 'AccountId')}:execution:${stateMachineName}:*`;
  return { arn, nagResource, stateMachineName };
}
