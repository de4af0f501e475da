/**
 * The Lambda manifest, the configuration read from the Lambda environment, and the HTTP API Lambda's
 * routing. No AWS: configuration errors surface at load, which is what these tests pin down.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../functions/app/errors';
import { depsFromEnv, readConfig } from '../../functions/app/env';
import { createHttpApiHandler } from '../../functions/app/http';
import { FUNCTIONS, placeholderSubstitutions } from '../../functions/lambda/manifest';
import { healthRoute } from '../../functions/http/routes';
import type { Route } from '../../functions/http/define-route';

const ENV = {
  TABLE_NAME: 'hostcycle',
  POLICY_PRESET: 'hostico',
  SENDER_EMAIL: 'Hostico <billing@hostico.example>',
  STATE_MACHINE_ARNS: JSON.stringify({ refund: 'arn:aws:states:eu-central-1:123456789012:stateMachine:refund' }),
  PROVIDER_NAME: 'Hostico',
  SUPPORT_EMAIL: 'support@hostico.example',
  BILLING_URL: 'https://hostico.example/billing',
  PROVISIONER_URL: 'https://bridge.hostico.example/commands',
  PAYMENT_GATEWAY_URL: 'https://pay.hostico.example/payouts',
};

describe('the Lambda manifest', () => {
  it('names every function once, with an entry file that exports its handler', () => {
    expect(new Set(FUNCTIONS.map((f) => f.name)).size).toBe(FUNCTIONS.length);
    for (const f of FUNCTIONS) {
      expect(existsSync(f.entry), f.entry).toBe(true);
      expect(readFileSync(f.entry, 'utf8')).toMatch(/export const handler = /);
    }
    expect(FUNCTIONS.map((f) => f.name)).toEqual(
      expect.arrayContaining(['hostcycle-order-activation-steps', 'hostcycle-invoice-dunning-steps', 'hostcycle-refund-steps', 'hostcycle-withdrawal-steps', 'hostcycle-approvals', 'hostcycle-http-api', 'hostcycle-billing-run']),
    );
  });

  it('provides every placeholder the workflows use, and no other substitution', () => {
    const substitutions = placeholderSubstitutions((f) => f.name);
    expect(substitutions).toEqual({
      OrderActivationStepsFunction: 'hostcycle-order-activation-steps',
      InvoiceDunningStepsFunction: 'hostcycle-invoice-dunning-steps',
      RefundStepsFunction: 'hostcycle-refund-steps',
      WithdrawalStepsFunction: 'hostcycle-withdrawal-steps',
      ApprovalsFunction: 'hostcycle-approvals',
    });
    for (const file of readdirSync('workflows').filter((f) => f.endsWith('.asl.json'))) {
      for (const [, placeholder] of readFileSync(`workflows/${file}`, 'utf8').matchAll(/\$\{(\w+)\}/g)) {
        expect(substitutions, `${file} uses \${${placeholder}}`).toHaveProperty(placeholder as string);
      }
    }
  });
});

describe('configuration from the Lambda environment', () => {
  it('reads and checks every variable once', () => {
    expect(readConfig(ENV)).toMatchObject({
      tableName: 'hostcycle',
      presetName: 'hostico',
      stateMachineArns: { refund: 'arn:aws:states:eu-central-1:123456789012:stateMachine:refund' },
      provider: { name: 'Hostico', supportEmail: 'support@hostico.example' },
    });
    expect(depsFromEnv(ENV).app.policy.name).toBe('hostico');
  });

  it.each(Object.keys(ENV))('fails at load naming %s when it is missing', (name) => {
    const env: Record<string, string> = { ...ENV };
    delete env[name];
    expect(() => readConfig(env)).toThrow(ConfigurationError);
    expect(() => readConfig(env)).toThrow(name);
  });

  it('refuses an unknown preset and state machine ARNs that are not JSON', () => {
    expect(() => readConfig({ ...ENV, POLICY_PRESET: 'acme' })).toThrow(/POLICY_PRESET must be one of hostico, smartape, secom/);
    expect(() => readConfig({ ...ENV, STATE_MACHINE_ARNS: '{refund:' })).toThrow(/STATE_MACHINE_ARNS is not valid JSON/);
    expect(() => readConfig({ ...ENV, STATE_MACHINE_ARNS: JSON.stringify({ billing: 'arn:aws:states:x' }) })).toThrow(/STATE_MACHINE_ARNS is invalid/);
  });
});

describe('the HTTP API Lambda', () => {
  const calls: string[] = [];
  const routes: Route[] = [
    { spec: healthRoute, handler: async (event) => (calls.push(event.routeKey), { statusCode: 200, body: 'ok' }) },
  ];
  const handler = createHttpApiHandler(routes);
  const event = (routeKey: string) => ({ routeKey }) as Parameters<typeof handler>[0];

  it('runs the route API Gateway matched, by its route key', async () => {
    expect(await handler(event('GET /health'))).toEqual({ statusCode: 200, body: 'ok' });
    expect(calls).toEqual(['GET /health']);
  });

  it('answers 404 for a route key it does not serve', async () => {
    expect((await handler(event('DELETE /health'))).statusCode).toBe(404);
  });
});
