import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../functions/domain/errors';
import { jsonOf, startTestApi, NEXT_WEBHOOK_SECRET, WEBHOOK_SECRET, type TestApi } from './support/harness';
import { EXAMPLE_EVENTS, orderPlaced, paymentReceived } from './support/webhook-events';

let api: TestApi;
beforeEach(async () => {
  api = await startTestApi();
});
afterEach(async () => {
  await api.stop();
});

const ACTION_BY_TYPE = {
  'order.placed': 'placeOrder',
  'payment.received': 'recordPayment',
  'refund.requested': 'requestRefund',
  'withdrawal.requested': 'requestWithdrawal',
  'deferral.requested': 'requestDeferral',
  'provisioning.result': 'recordProvisioningResult',
} as const;

describe('POST /webhooks/storefront: a correctly signed delivery', () => {
  it.each(Object.entries(EXAMPLE_EVENTS))('hands a %s event to its domain action once and answers 202', async (type, event) => {
    const res = await api.deliver(event);

    expect(res.status).toBe(202);
    const body = await jsonOf(res);
    expect(body).toMatchObject({ eventId: event.eventId, type });
    expect(api.domain.calls.map((c) => c.action)).toEqual([ACTION_BY_TYPE[type as keyof typeof ACTION_BY_TYPE]]);
  });

  it('passes the parsed event, with defaults applied, to the action', async () => {
    await api.deliver(orderPlaced);

    const [call] = api.domain.callsOf('placeOrder') as Array<typeof orderPlaced>;
    expect(call?.data.items[0]).toMatchObject({ quantity: 1, flags: { freeTrial: false, freeWithOffer: false } });
    expect(call?.data.items[1]?.flags).toMatchObject({ freeWithOffer: true });
  });

  it('answers with what the domain reported', async () => {
    const res = await api.deliver(orderPlaced);

    expect(await jsonOf(res)).toEqual({
      eventId: 'evt-order-1001',
      type: 'order.placed',
      receipt: { entity: 'order', entityId: 'ORD-1001', execution: 'order-ORD-1001' },
    });
  });
});

describe('dedupe by event id', () => {
  it('runs the action once when the same webhook is delivered five times', async () => {
    const responses: Response[] = [];
    for (let attempt = 0; attempt < 5; attempt++) responses.push(await api.deliver(orderPlaced));

    expect(responses.map((r) => r.status)).toEqual([202, 200, 200, 200, 200]);
    const bodies = await Promise.all(responses.map((r) => jsonOf(r)));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(responses.slice(1).every((r) => r.headers.get('hostcycle-duplicate') === 'true')).toBe(true);
    expect(api.domain.callsOf('placeOrder')).toHaveLength(1);
  });

  it('treats a redelivery serialised differently (key order, whitespace) as the same event', async () => {
    await api.deliver(paymentReceived);
    const reordered = { data: paymentReceived.data, occurredAt: paymentReceived.occurredAt, type: paymentReceived.type, eventId: paymentReceived.eventId };

    const res = await api.deliver(reordered, { rawBody: JSON.stringify(reordered, null, 2) });

    expect(res.status).toBe(200);
    expect(api.domain.callsOf('recordPayment')).toHaveLength(1);
  });

  it('answers 409 when an event id comes back with a different body, and runs nothing', async () => {
    await api.deliver(paymentReceived);
    const altered = { ...paymentReceived, data: { ...paymentReceived.data, amount: { amount: 9999, currency: 'EUR' } } };

    const res = await api.deliver(altered);

    expect(res.status).toBe(409);
    expect(await jsonOf(res)).toMatchObject({ error: 'ConflictError' });
    expect(api.domain.callsOf('recordPayment')).toHaveLength(1);
  });

  it('releases the event when the action fails, so that the redelivery runs it again', async () => {
    let failures = 1;
    api.domain.override('placeOrder', async (e) => {
      if (failures-- > 0) throw new Error('DynamoDB throttled the write');
      return { entity: 'order', entityId: e.data.orderId };
    });

    const first = await api.deliver(orderPlaced);
    const retry = await api.deliver(orderPlaced);

    expect(first.status).toBe(500);
    expect(retry.status).toBe(202);
    expect(api.domain.callsOf('placeOrder')).toHaveLength(2);
  });

  it('answers 503 with Retry-After to a redelivery that arrives while the first is still running', async () => {
    let finish: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      finish = resolve;
    });
    let started: () => void = () => undefined;
    const hasStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    api.domain.override('placeOrder', async (e) => {
      started();
      await running;
      return { entity: 'order', entityId: e.data.orderId };
    });

    const first = api.deliver(orderPlaced);
    await hasStarted;
    const concurrent = await api.deliver(orderPlaced);
    finish();

    expect(concurrent.status).toBe(503);
    expect(concurrent.headers.get('retry-after')).toBe('5');
    expect((await first).status).toBe(202);
    expect(api.domain.callsOf('placeOrder')).toHaveLength(1);
  });
});

describe('signature verification: 401 and nothing recorded', () => {
  const FIVE_MINUTES = 300;
  const now = () => Math.floor(new Date('2026-11-22T09:00:00Z').getTime() / 1000);

  it.each([
    ['signed with an unknown secret', { secret: 'whsec_attacker_000000000000000000000000' }],
    ['without Hostcycle-Signature', { headers: { 'hostcycle-signature': null } }],
    ['without Hostcycle-Timestamp', { headers: { 'hostcycle-timestamp': null } }],
    ['with a signature of the wrong length', { headers: { 'hostcycle-signature': 'v1=abc123' } }],
    ['with a signature in an unknown scheme', { headers: { 'hostcycle-signature': 'v0=00' } }],
    ['with a non-numeric timestamp', { headers: { 'hostcycle-timestamp': 'yesterday' } }],
    ['with a timestamp 6 minutes old', { timestamp: now() - 6 * 60 }],
    ['with a timestamp 6 minutes in the future', { timestamp: now() + 6 * 60 }],
  ])('refuses a delivery %s', async (_case, delivery) => {
    const res = await api.deliver(orderPlaced, delivery);

    expect(res.status).toBe(401);
    expect(await jsonOf(res)).toMatchObject({ error: 'UnauthorizedError' });
    expect(api.domain.calls).toHaveLength(0);
    expect(api.ledger.entries.size).toBe(0);
  });

  it('verifies before parsing: an unsigned malformed body gets 401, not 400', async () => {
    const res = await api.deliver(undefined, { rawBody: '{not json', secret: 'whsec_attacker_000000000000000000000000' });

    expect(res.status).toBe(401);
  });

  it('refuses a body changed after signing', async () => {
    const timestamp = now();
    const signed = JSON.stringify(orderPlaced);
    const { signWebhook } = await import('../../functions/http/webhook-signature');
    const tampered = signed.replace('5988', '1');

    const res = await api.deliver(undefined, {
      rawBody: tampered,
      timestamp,
      headers: { 'hostcycle-signature': signWebhook(WEBHOOK_SECRET, timestamp, signed) },
    });

    expect(res.status).toBe(401);
    expect(api.domain.calls).toHaveLength(0);
  });

  it('accepts a timestamp exactly at the edge of the tolerance, in both directions', async () => {
    const past = await api.deliver(orderPlaced, { timestamp: now() - FIVE_MINUTES });
    const future = await api.deliver(paymentReceived, { timestamp: now() + FIVE_MINUTES });

    expect([past.status, future.status]).toEqual([202, 202]);
  });

  it('judges staleness by the injected clock, not the machine clock', async () => {
    api.clock.set('2026-11-22T09:06:00Z');

    const res = await api.deliver(orderPlaced, { timestamp: now() });

    expect(res.status).toBe(401);
  });
});

describe('secret rotation', () => {
  let rotating: TestApi;
  beforeEach(async () => {
    rotating = await startTestApi({ secrets: [WEBHOOK_SECRET, NEXT_WEBHOOK_SECRET] });
  });
  afterEach(async () => {
    await rotating.stop();
  });

  it('accepts deliveries signed with either active secret', async () => {
    const old = await rotating.deliver(orderPlaced, { secret: WEBHOOK_SECRET });
    const next = await rotating.deliver(paymentReceived, { secret: NEXT_WEBHOOK_SECRET });

    expect([old.status, next.status]).toEqual([202, 202]);
  });

  it('accepts a header carrying one signature per secret', async () => {
    const { signWebhook } = await import('../../functions/http/webhook-signature');
    const timestamp = Math.floor(rotating.clock.now().getTime() / 1000);
    const raw = JSON.stringify(orderPlaced);
    const both = `${signWebhook('whsec_retired_00000000000000000000000000', timestamp, raw)}, ${signWebhook(NEXT_WEBHOOK_SECRET, timestamp, raw)}`;

    const res = await rotating.deliver(orderPlaced, { timestamp, headers: { 'hostcycle-signature': both } });

    expect(res.status).toBe(202);
  });

  it('stops accepting the retired secret once only the new one is configured', async () => {
    const res = await api.deliver(orderPlaced, { secret: NEXT_WEBHOOK_SECRET });

    expect(res.status).toBe(401);
  });
});

describe('body problems: 4xx and nothing recorded', () => {
  it('answers 400 naming the problem when the body is not JSON', async () => {
    const res = await api.deliver(undefined, { rawBody: '{"eventId": "evt-1", "type": ' });

    expect(res.status).toBe(400);
    const body = await jsonOf(res);
    expect(body.error).toBe('ValidationError');
    expect(body.issues[0].field).toBe('body');
    expect(body.issues[0].reason).toMatch(/not valid JSON/);
    expect(api.domain.calls).toHaveLength(0);
    expect(api.ledger.entries.size).toBe(0);
  });

  it('answers 400 for a signed but empty body', async () => {
    const res = await api.deliver(undefined, { rawBody: '' });

    expect(res.status).toBe(400);
    expect((await jsonOf(res)).issues[0].field).toBe('body');
  });

  it('answers 415 when the body is not declared as JSON', async () => {
    const res = await api.deliver(orderPlaced, { headers: { 'content-type': 'text/plain' } });

    expect(res.status).toBe(415);
    expect(api.domain.calls).toHaveLength(0);
  });

  it('answers 400 for an unknown event type, naming the type field', async () => {
    const res = await api.deliver({ ...orderPlaced, type: 'order.teleported' });

    expect(res.status).toBe(400);
    expect((await jsonOf(res)).issues).toEqual([expect.objectContaining({ field: 'type' })]);
  });
});

describe('errors from the domain', () => {
  it('maps NotFoundError to 404 naming the error', async () => {
    api.domain.override('recordPayment', async () => {
      throw new NotFoundError('invoice INV-7 does not exist');
    });

    const res = await api.deliver(paymentReceived);

    expect(res.status).toBe(404);
    expect(await jsonOf(res)).toMatchObject({ error: 'NotFoundError', message: 'invoice INV-7 does not exist' });
  });

  it('answers an unknown error with 500 and a request id, logs it, and leaks neither message nor stack', async () => {
    api.domain.override('placeOrder', async () => {
      throw new Error('connect ECONNREFUSED 10.0.3.7:8000 (secret table hostcycle-prod)');
    });

    const res = await api.deliver(orderPlaced);
    const text = await res.text();

    expect(res.status).toBe(500);
    const body = JSON.parse(text);
    expect(body).toEqual({ error: 'InternalError', message: expect.any(String), requestId: expect.any(String) });
    expect(text).not.toMatch(/ECONNREFUSED|hostcycle-prod|at .*\.ts/);
    expect(api.errorLog).toEqual([expect.objectContaining({ requestId: body.requestId, message: expect.stringContaining('ECONNREFUSED') })]);
    expect(api.errorLog[0]?.stack).toContain('webhooks.test.ts');
  });
});
