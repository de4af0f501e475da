import type { CfnElement } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPreset, PRESET_NAMES } from '../../functions/domain/policy';
import { BILLING_RUN_RETRY_ATTEMPTS } from '../../infra/aws/constructs/billing-schedule';
import { getAttId, resourcesOf, synthesize, SYNTH_TIMEOUT_MS, TEST_CONTEXT, type Resource, type Synthesized } from './support';

describe.each(PRESET_NAMES.map((name) => [name] as const))('the daily billing run of %s', (preset) => {
  let synthesized: Synthesized;
  let schedule: Resource;
  let target: { Arn: unknown; Input: string; RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number }; DeadLetterConfig: { Arn: unknown } };
  beforeAll(() => {
    synthesized = synthesize({ ...TEST_CONTEXT, preset });
    const schedules = resourcesOf(synthesized.service, 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(1);
    schedule = (schedules[0] as [string, Resource])[1];
    target = schedule.Properties.Target as typeof target;
  }, SYNTH_TIMEOUT_MS);

  it("runs every day at the start of the provider's day, in the preset's time zone", () => {
    expect(schedule.Properties.ScheduleExpression).toBe('cron(0 0 * * ? *)');
    expect(schedule.Properties.ScheduleExpressionTimezone).toBe(getPreset(preset).calendar.timeZone);
    expect(schedule.Properties.State ?? 'ENABLED').toBe('ENABLED');
  });

  it('invokes the billing-run function with the scheduled time, so a retry bills the intended day', () => {
    const fn = synthesized.hostcycle.service.functions.get('hostcycle-billing-run');
    expect(getAttId(target.Arn)).toBe(synthesized.hostcycle.service.getLogicalId(fn?.node.defaultChild as CfnElement));
    expect(JSON.parse(target.Input)).toMatchObject({ scheduledTime: '<aws.scheduler.scheduled-time>' });
  });

  it('retries a failed invocation and then parks it in an encrypted dead-letter queue', () => {
    expect(target.RetryPolicy.MaximumRetryAttempts).toBe(BILLING_RUN_RETRY_ATTEMPTS);
    expect(target.RetryPolicy.MaximumEventAgeInSeconds).toBeGreaterThan(0);
    const queueId = getAttId(target.DeadLetterConfig.Arn) as string;
    expect(synthesized.service.toJSON().Resources[queueId]).toMatchObject({ Type: 'AWS::SQS::Queue', Properties: { SqsManagedSseEnabled: true } });
  });
});

it('knows the three shipped presets by their time zones', () => {
  expect(Object.fromEntries(PRESET_NAMES.map((name) => [name, getPreset(name).calendar.timeZone]))).toEqual({
    hostico: 'Europe/Bucharest',
    smartape: 'Europe/Tallinn',
    secom: 'Europe/Kyiv',
  });
});
