import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reply, routeDefiner } from '../../functions/http/define-route';
import { createRoutes } from '../../functions/http/routes';
import { fakeDomainActions } from './support/fake-domain-actions';
import { ManualClock } from './support/harness';
import { InMemoryWebhookLedger } from './support/in-memory-webhook-ledger';

const defineRoute = routeDefiner<{ greet(name: string): Promise<string> }>();

describe('defineRoute', () => {
  it('refuses a path whose parameters the params schema does not declare', () => {
    expect(() =>
      defineRoute({
        method: 'GET',
        path: '/greetings/{name}',
        operationId: 'greet',
        summary: 'greets',
        tags: [],
        auth: 'public',
        params: z.object({ nickname: z.string() }),
        responses: { 200: { description: 'ok', schema: z.string() } },
        handler: async () => reply(200, 'hi'),
      }),
    ).toThrow(/path parameters \{name\}/);
  });

  it('types replies against the declared statuses and schemas', () => {
    const route = defineRoute({
      method: 'GET',
      path: '/greetings/{name}',
      operationId: 'greet',
      summary: 'greets',
      tags: [],
      auth: 'public',
      params: z.object({ name: z.string() }),
      responses: { 200: { description: 'ok', schema: z.object({ text: z.string() }) } },
      handler: async ({ params }, deps) => reply(200, { text: await deps.greet(params.name) }),
    });
    defineRoute({
      ...route,
      // @ts-expect-error 201 is not a declared response of this route
      handler: async () => reply(201, { text: 'hi' }),
    });
    defineRoute({
      ...route,
      // @ts-expect-error the 200 body must match its schema
      handler: async () => reply(200, { text: 42 }),
    });

    expect(route.operationId).toBe('greet');
  });
});

describe('createRoutes', () => {
  it('refuses a webhook secret too short to be a secret, at load', () => {
    const runtime = {
      clock: new ManualClock(new Date()),
      webhooks: { secrets: ['hunter2'] as const, ledger: new InMemoryWebhookLedger() },
      staffAuth: { mode: 'api-gateway' } as const,
    };

    expect(() => createRoutes(fakeDomainActions().actions, runtime)).toThrow(/at least 32 characters/);
  });
});
