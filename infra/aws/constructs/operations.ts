/**
 * What tells staff that something needs a person: alarms on the state machines, the billing run's
 * dead-letter queue, the functions and e-mail delivery, all to one SNS topic with the alarm address
 * subscribed; and one dashboard with the same signals side by side.
 *
 * Approvals past their deadline are a custom metric. Every approval wait has a timeout, so an
 * approval still pending after its deadline means a workflow lost its way (the wait was never
 * started, or its timeout was computed wrong). The daily billing run emits the count it finds on
 * the `open` index (gsi3pk = PENDING_APPROVALS, gsi3sk < now) as `APPROVALS_PAST_DEADLINE_METRIC`
 * with the dimension `Preset` = its POLICY_PRESET, in CloudWatch embedded metric format; no data
 * means no run, which the billing-run function's error and DLQ alarms already cover.
 */
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ConfigurationSet } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export const APPROVALS_PAST_DEADLINE_METRIC = { namespace: 'Hostcycle', metricName: 'ApprovalsPastDeadline' } as const;

export interface OperationsProps {
  alarmEmail: string;
  /** Dimension of the custom metric: one deployment per preset, so two deployments in one account never share a signal. */
  preset: string;
  stateMachines: readonly { workflowName: string; stateMachine: StateMachine }[];
  functions: readonly { name: string; fn: IFunction }[];
  deadLetterQueues: readonly { name: string; queue: IQueue }[];
  configurationSet: ConfigurationSet;
}

export class Operations extends Construct {
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'AlarmTopic', { displayName: 'hostcycle alarms', enforceSSL: true });
    this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.alarmTopic);
    const fiveMinutes = Duration.minutes(5);

    const alarm = (alarmId: string, metric: IMetric, description: string, options: { threshold?: number; treatMissingData?: TreatMissingData } = {}) => {
      const created = new Alarm(this, alarmId, {
        metric,
        threshold: options.threshold ?? 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      this.alarms.push(created);
      return created;
    };

    for (const { workflowName, stateMachine } of props.stateMachines) {
      alarm(`${pascal(workflowName)}Failed`, stateMachine.metricFailed({ period: fiveMinutes, statistic: 'Sum' }), `A ${workflowName} execution failed. Find it in the Step Functions console, fix the cause and redrive it (infra/aws/README.md, Operations).`);
      alarm(`${pascal(workflowName)}TimedOut`, stateMachine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum' }), `A ${workflowName} execution timed out as a whole. Its last state tells which wait never ended.`);
    }

    const pastDeadline = new Metric({
      ...APPROVALS_PAST_DEADLINE_METRIC,
      dimensionsMap: { Preset: props.preset },
      statistic: 'Maximum',
      period: Duration.days(1),
    });
    alarm('ApprovalsPastDeadline', pastDeadline, 'Approvals are still pending after their deadline: a workflow is not waiting on them. List them with the open index (infra/aws/README.md, Operations).', {
      treatMissingData: TreatMissingData.IGNORE,
    });

    for (const { name, queue } of props.deadLetterQueues) {
      alarm(`${pascal(name)}DeadLetters`, queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }), `${name}: an invocation could not be delivered and waits in the dead-letter queue.`);
    }

    for (const { name, fn } of props.functions) {
      alarm(`${pascal(name)}Errors`, fn.metricErrors({ period: fiveMinutes, statistic: 'Sum' }), `${name} threw. Workflows retry their tasks; a lasting error shows up as a failed execution too.`);
    }

    // SES reviews an account at a 5 % bounce rate and a 0.1 % complaint rate; alarm at half of each.
    const reputation = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, dimensionsMap: { 'ses:configuration-set': props.configurationSet.configurationSetName }, statistic: 'Average', period: Duration.hours(1) });
    alarm('BounceRate', reputation('Reputation.BounceRate'), 'The bounce rate of hostcycle e-mail is half-way to the rate at which SES reviews the account.', { threshold: 0.025 });
    alarm('ComplaintRate', reputation('Reputation.ComplaintRate'), 'The complaint rate of hostcycle e-mail is half-way to the rate at which SES reviews the account.', { threshold: 0.0005 });

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '# hostcycle\nWorkflows, the billing run, functions and e-mail. Runbooks: infra/aws/README.md, Operations.', width: 24, height: 2 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Executions started / succeeded',
        left: props.stateMachines.flatMap(({ workflowName, stateMachine }) => [
          stateMachine.metricStarted({ label: `${workflowName} started`, statistic: 'Sum' }),
          stateMachine.metricSucceeded({ label: `${workflowName} succeeded`, statistic: 'Sum' }),
        ]),
        width: 12,
      }),
      new GraphWidget({
        title: 'Executions failed / timed out',
        left: props.stateMachines.flatMap(({ workflowName, stateMachine }) => [
          stateMachine.metricFailed({ label: `${workflowName} failed`, statistic: 'Sum' }),
          stateMachine.metricTimedOut({ label: `${workflowName} timed out`, statistic: 'Sum' }),
        ]),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: props.functions.map(({ name, fn }) => fn.metricErrors({ label: name, statistic: 'Sum' })),
        width: 12,
      }),
      new GraphWidget({
        title: 'Function duration p95',
        left: props.functions.map(({ name, fn }) => fn.metricDuration({ label: name, statistic: 'p95' })),
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new SingleValueWidget({ title: 'Approvals past deadline', metrics: [pastDeadline], width: 8 }),
      new SingleValueWidget({
        title: 'Dead letters',
        metrics: props.deadLetterQueues.map(({ name, queue }) => queue.metricApproximateNumberOfMessagesVisible({ label: name, statistic: 'Maximum' })),
        width: 8,
      }),
      new GraphWidget({
        title: 'E-mail bounce / complaint rate (%)',
        left: [
          new MathExpression({ expression: 'b * 100', usingMetrics: { b: reputation('Reputation.BounceRate') }, label: 'bounce %', period: Duration.hours(1) }),
          new MathExpression({ expression: 'c * 100', usingMetrics: { c: reputation('Reputation.ComplaintRate') }, label: 'complaint %', period: Duration.hours(1) }),
        ],
        width: 8,
      }),
    );
  }
}

export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');
}
