import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../functions/lambda/manifest';
import { APPROVALS_PAST_DEADLINE_METRIC } from '../../infra/aws/constructs/operations';
import { resourcesOf, synthesize, SYNTH_TIMEOUT_MS, TEST_CONTEXT, type Resource, type Synthesized } from './support';

let synthesized: Synthesized;
let service: Template;
beforeAll(() => {
  synthesized = synthesize();
  ({ service } = synthesized);
}, SYNTH_TIMEOUT_MS);

const alarms = () => resourcesOf(service, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
const alarmTopicId = () => {
  const topic = resourcesOf(service, 'AWS::SNS::Topic').find(([, t]) => t.Properties.DisplayName === 'hostcycle alarms');
  return (topic as [string, Resource])[0];
};

describe('alarms', () => {
  it.each(['ExecutionsFailed', 'ExecutionsTimedOut'])('alarm on %s of every state machine', (metricName) => {
    for (const workflow of synthesized.hostcycle.service.workflows) {
      const matching = alarms().filter(
        (a) => a.Namespace === 'AWS/States' && a.MetricName === metricName && JSON.stringify(a.Dimensions).includes(workflow.node.id),
      );
      expect(matching, workflow.workflowName).toHaveLength(1);
      expect(matching[0]).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Statistic: 'Sum' });
    }
  });

  it('alarms on approvals past their deadline, from the custom metric of this preset', () => {
    const matching = alarms().filter((a) => a.Namespace === APPROVALS_PAST_DEADLINE_METRIC.namespace && a.MetricName === APPROVALS_PAST_DEADLINE_METRIC.metricName);
    expect(matching).toHaveLength(1);
    expect(matching[0]?.Dimensions).toEqual([{ Name: 'Preset', Value: TEST_CONTEXT.preset }]);
  });

  it('alarms on the depth of the billing run dead-letter queue', () => {
    expect(alarms().filter((a) => a.Namespace === 'AWS/SQS' && a.MetricName === 'ApproximateNumberOfMessagesVisible')).toHaveLength(1);
  });

  it('alarms on the errors of every function of the manifest', () => {
    expect(alarms().filter((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === 'Errors')).toHaveLength(FUNCTIONS.length);
  });

  it('alarms on e-mail bounce and complaint rates', () => {
    const names = alarms().filter((a) => a.Namespace === 'AWS/SES').map((a) => a.MetricName);
    expect(names.sort()).toEqual(['Reputation.BounceRate', 'Reputation.ComplaintRate']);
  });

  it('sends every alarm to the alarm topic, which e-mails the alarm address', () => {
    for (const alarm of alarms()) expect(alarm.AlarmActions).toEqual([{ Ref: alarmTopicId() }]);
    service.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: TEST_CONTEXT.alarmEmail, TopicArn: { Ref: alarmTopicId() } });
  });

  it('has a dashboard', () => {
    service.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('e-mail bounces and complaints', () => {
  it('suppresses bounced and complaining addresses through the configuration set', () => {
    service.hasResourceProperties('AWS::SES::ConfigurationSet', { SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] } });
  });

  it('publishes bounces and complaints to a topic staff are subscribed to', () => {
    const [, destination] = resourcesOf(service, 'AWS::SES::ConfigurationSetEventDestination')[0] as [string, Resource];
    const eventDestination = destination.Properties.EventDestination as { MatchingEventTypes: string[]; SnsDestination: { TopicARN: { Ref: string } } };
    expect(eventDestination.MatchingEventTypes).toEqual(expect.arrayContaining(['bounce', 'complaint']));
    service.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', TopicArn: { Ref: eventDestination.SnsDestination.TopicARN.Ref } });
  });

  it("makes the configuration set the sender identity's default, so every send is tracked", () => {
    const [setId] = resourcesOf(service, 'AWS::SES::ConfigurationSet')[0] as [string, Resource];
    service.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: TEST_CONTEXT.senderEmail, ConfigurationSetAttributes: { ConfigurationSetName: { Ref: setId } } });
  });
});
