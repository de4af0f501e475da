/**
 * The daily billing run: EventBridge Scheduler invokes the billing-run function at the start of the
 * provider's day, in the provider's time zone (so daylight-saving changes never move it), retries a
 * failed invocation, and parks an invocation it could not deliver in a dead-letter queue that
 * operations.ts alarms on.
 */
import { Duration, Stack, TimeZone, Validations, type CfnElement } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput, ContextAttribute } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface BillingScheduleProps {
  billingRun: IFunction;
  /** The provider's IANA time zone, from the policy preset's calendar. */
  timeZone: string;
}

/** Retries of one invocation before it goes to the dead-letter queue. */
export const BILLING_RUN_RETRY_ATTEMPTS = 5;

export class BillingSchedule extends Construct {
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: BillingScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS keeps a message: time for staff to see the alarm, fix the cause and re-run the day.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the billing-run schedule target (Scheduler DeadLetterConfig, which the rule does not recognise); a DLQ of its own would only move the question.',
    });
    const role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } } }),
      description: 'Invokes the billing-run function for the daily schedule',
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'hostcycle daily billing run',
      // The billing day starts at local midnight, as `hostcycle dates` reads a bare date.
      schedule: ScheduleExpression.cron({ minute: '0', hour: '0', timeZone: TimeZone.of(props.timeZone) }),
      target: new LambdaInvoke(props.billingRun, {
        role,
        // The intended day travels with the event, so a retried or late invocation bills that day, not "now".
        input: ScheduleTargetInput.fromObject({
          source: 'schedule',
          scheduledTime: ContextAttribute.scheduledTime,
          executionId: ContextAttribute.executionId,
        }),
        retryAttempts: BILLING_RUN_RETRY_ATTEMPTS,
        // A run that cannot be delivered within six hours is left to staff rather than landing mid-day.
        maxEventAge: Duration.hours(6),
        deadLetterQueue: this.deadLetterQueue,
      }),
    });
    const functionLogicalId = Stack.of(props.billingRun).getLogicalId(props.billingRun.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${functionLogicalId}.Arn>:*]`,
      reason: 'The Scheduler Lambda target grants invoke on the billing-run function and its versions and aliases (<arn>:*); it names that one function only.',
    });
  }
}
