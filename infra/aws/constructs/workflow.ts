/**
 * One workflows/<name>.asl.json file deployed as a Standard state machine: the file's text is the
 * definition (inlined, so assertions and reviewers read the states), `${Placeholder}`s become
 * function ARNs through definitionSubstitutions, and the role may invoke exactly the functions the
 * Task states name, nothing else.
 */
import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { invokedFunctionPlaceholders, placeholdersIn, type WorkflowFile } from '../asl';
import type { DeployedWorkflow } from './hostcycle-function';

export interface HostcycleWorkflowProps {
  file: WorkflowFile;
  /** Every function a workflow may name, by its placeholder (`InvoiceDunningStepsFunction`). */
  functionsByPlaceholder: ReadonlyMap<string, IFunction>;
}

export class HostcycleWorkflow extends Construct implements DeployedWorkflow {
  readonly workflowName: string;
  readonly stateMachineName: string;
  readonly stateMachineArn: string;
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: HostcycleWorkflowProps) {
    super(scope, id);
    const { file } = props;
    const stack = Stack.of(this);
    this.workflowName = file.workflowName;
    // A literal name: execution ARNs, the trust condition and the redrive commands in the README are known before deployment.
    this.stateMachineName = `${stack.stackName}-${file.workflowName}`;

    const definition: unknown = JSON.parse(file.text);
    const unknown = placeholdersIn(file.text).filter((name) => !props.functionsByPlaceholder.has(name));
    if (unknown.length > 0) {
      throw new Error(`${file.workflowName}: no function in functions/lambda/manifest.ts has the placeholder ${unknown.map((n) => `\${${n}}`).join(', ')}`);
    }
    const invokedPlaceholders = invokedFunctionPlaceholders(file.workflowName, definition);

    this.stateMachineArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: this.stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const role = new Role(this, 'Role', {
      description: `Execution role of the ${file.workflowName} state machine`,
      // Only this state machine, in this account, may assume the role (no confused deputy).
      assumedBy: new ServicePrincipal('states.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ArnLike: { 'aws:SourceArn': this.stateMachineArn } },
      }),
    });
    const invoked = invokedPlaceholders.map((name) => props.functionsByPlaceholder.get(name) as IFunction);
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        // The substitutions are unqualified function ARNs, so no version or alias pattern is needed.
        resources: invoked.map((fn) => fn.functionArn),
      }),
    );

    const logGroup = new LogGroup(this, 'Logs', {
      // The vendedlogs prefix keeps CloudWatch Logs' resource policy from growing with every state machine.
      logGroupName: `/aws/vendedlogs/states/${this.stateMachineName}`,
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: this.stateMachineName,
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(file.text),
      definitionSubstitutions: Object.fromEntries(
        placeholdersIn(file.text).map((name) => [name, (props.functionsByPlaceholder.get(name) as IFunction).functionArn]),
      ),
      role,
      // Every state transition is logged; task inputs and outputs are not, because they hold
      // customers' personal data that the execution history already keeps for 90 days.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by the L2 StateMachine for logging and tracing: CloudWatch Logs vended delivery (logs:CreateLogDelivery, GetLogDelivery, UpdateLogDelivery, DeleteLogDelivery, ListLogDeliveries, PutResourcePolicy, DescribeResourcePolicies, DescribeLogGroups) and X-Ray (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) support no resource-level permission. Lambda invocation is limited to the named functions.',
    });
  }
}
