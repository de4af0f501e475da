import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { CONTEXT_KEYS, readConfig } from '../../infra/aws/config';
import { TEST_CONTEXT } from './support';

const configOf = (context: Record<string, unknown>) => readConfig(new App({ context }).node);
const without = (key: string) => Object.fromEntries(Object.entries(TEST_CONTEXT).filter(([k]) => k !== key));

describe('configuration from CDK context', () => {
  it('reads a complete context, with the policy of the preset', () => {
    const config = configOf(TEST_CONTEXT);
    expect(config.preset).toBe('hostico');
    expect(config.policy.calendar.timeZone).toBe('Europe/Bucharest');
    expect(config.allowedOrigins).toEqual([TEST_CONTEXT.allowedOrigins]);
  });

  it.each(CONTEXT_KEYS.filter((key) => key !== 'staffIssuer'))('fails naming "%s" when it is missing', (key) => {
    expect(() => configOf(without(key))).toThrow(new RegExp(`CDK context "${key}" is missing`));
  });

  it.each([
    ['preset', 'hostinger', /CDK context "preset" is invalid: must be one of hostico, smartape, secom/],
    ['senderEmail', 'billing', /CDK context "senderEmail" is invalid: must be an e-mail address/],
    ['alarmEmail', 'ops@', /CDK context "alarmEmail" is invalid/],
    ['allowedOrigins', 'http://staff.hostico.example', /CDK context "allowedOrigins\.0" is invalid: must be an https origin/],
    ['allowedOrigins', 'https://staff.hostico.example/console', /CDK context "allowedOrigins\.0" is invalid/],
    ['billingUrl', 'ftp://hostico.example', /CDK context "billingUrl" is invalid: must be an https URL/],
  ])('fails naming "%s" when it is %j', (key, value, message) => {
    expect(() => configOf({ ...TEST_CONTEXT, [key]: value })).toThrow(message);
  });

  it('accepts allowed origins as a JSON array or a comma-separated list', () => {
    const origins = ['https://staff.hostico.example', 'https://console.hostico.example'];
    expect(configOf({ ...TEST_CONTEXT, allowedOrigins: JSON.stringify(origins) }).allowedOrigins).toEqual(origins);
    expect(configOf({ ...TEST_CONTEXT, allowedOrigins: origins.join(', ') }).allowedOrigins).toEqual(origins);
    expect(configOf({ ...TEST_CONTEXT, allowedOrigins: origins }).allowedOrigins).toEqual(origins);
  });

  it('fails synthesis of the whole app on a missing key, before any stack exists', async () => {
    const { buildHostcycle } = await import('../../infra/aws/hostcycle');
    const app = new App({ context: without('alarmEmail') });
    expect(() => buildHostcycle(app)).toThrow(/CDK context "alarmEmail" is missing/);
    expect(app.node.children).toHaveLength(0);
  });
});
