import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jsonOf, startTestApi, type TestApi } from './support/harness';
import { EXAMPLE_EVENTS } from './support/webhook-events';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.stop();
});
beforeEach(() => {
  api.domain.calls.length = 0;
  api.ledger.entries.clear();
});

type EventType = keyof typeof EXAMPLE_EVENTS;
const REMOVE = Symbol('remove');

/** A deep copy of the example with the value at `path` replaced, or removed. */
function withField(type: EventType, path: string, value: unknown): unknown {
  const copy = structuredClone(EXAMPLE_EVENTS[type]) as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop()!;
  let node: Record<string, unknown> = copy;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return copy;
}

/** [event type, field set, value (or REMOVE), expected reason, expected field when it is a nested one]. */
const cases: Array<[EventType, string, unknown, RegExp, string?]> = [
  ['order.placed', 'eventId', REMOVE, /required/],
  ['order.placed', 'eventId', 42, /expected string/],
  ['order.placed', 'occurredAt', 'yesterday', /ISO-8601/],
  ['order.placed', 'data', REMOVE, /required/],
  ['order.placed', 'data.orderId', REMOVE, /required/],
  ['order.placed', 'data.customer.email', 'ana-at-example', /e-mail/],
  ['order.placed', 'data.customer.country', 'Slovenia', /ISO 3166/],
  ['order.placed', 'data.customer.language', 'Slovenian', /language tag/],
  ['order.placed', 'data.customer.type', 'reseller', /consumer|business/],
  ['order.placed', 'data.customer.name', REMOVE, /required/],
  ['order.placed', 'data.items', [], /at least one item/],
  ['order.placed', 'data.items.0.kind', 'mainframe', /shared_hosting/],
  ['order.placed', 'data.items.0.billingCycle', 'weekly', /monthly/],
  ['order.placed', 'data.items.0.price.amount', 59.88, /int/],
  ['order.placed', 'data.items.0.price.amount', '5988', /expected number/],
  ['order.placed', 'data.items.0.price.amount', -1, /negative/],
  ['order.placed', 'data.items.0.price.currency', 'EURO', /ISO 4217/],
  ['order.placed', 'data.items.1.price.currency', 'USD', /order total's currency/],
  ['order.placed', 'data.items.1.flags.freeTrial', 'yes', /expected boolean/],
  ['order.placed', 'data.total', REMOVE, /required/],
  ['payment.received', 'data.amount.amount', 0, /greater than zero/],
  ['payment.received', 'data.amount', REMOVE, /required/],
  ['payment.received', 'data.invoiceId', REMOVE, /invoiceId or customerId/],
  ['payment.received', 'data.method', 'cash-in-envelope', /card/],
  ['payment.received', 'data.receivedAt', '2026-11-22 08:00', /ISO-8601/],
  ['refund.requested', 'data.serviceId', REMOVE, /required/],
  ['refund.requested', 'data.customerId', '', /empty/],
  ['refund.requested', 'data.payoutTo', { kind: 'bank_account', iban: 'SI56 1234' }, /IBAN/, 'data.payoutTo.iban'],
  ['refund.requested', 'data.payoutTo', { kind: 'cheque' }, /original_method/, 'data.payoutTo.kind'],
  ['withdrawal.requested', 'data.statement', '   ', /empty/],
  ['withdrawal.requested', 'data.orderId', null, /expected string/],
  ['deferral.requested', 'data.payBy', '06.12.2026', /calendar date/],
  ['deferral.requested', 'data.invoiceId', REMOVE, /required/],
  ['provisioning.result', 'data.outcome', 'maybe', /succeeded|failed/],
  ['provisioning.result', 'data.retryable', REMOVE, /required/],
];

describe('webhook validation: 400 naming the field, nothing recorded', () => {
  it.each(cases)('%s with %s = %o is refused', async (type, path, value, reason, field = path) => {
    const res = await api.deliver(withField(type, path, value));

    expect(res.status).toBe(400);
    const body = await jsonOf(res);
    expect(body.error).toBe('ValidationError');
    expect(body.issues).toContainEqual({ field, reason: expect.stringMatching(reason) });
    expect(api.domain.calls).toHaveLength(0);
    expect(api.ledger.entries.size).toBe(0);
  });

  it('names every offending field at once', async () => {
    const event = withField('order.placed', 'data.orderId', REMOVE) as { data: { customer: Record<string, unknown> } };
    event.data.customer.email = 'nope';

    const res = await api.deliver(event);

    const fields = (await jsonOf(res)).issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['data.orderId', 'data.customer.email']));
  });

  it('accepts a payment matched by customer instead of invoice', async () => {
    const byCustomer = withField('payment.received', 'data.invoiceId', REMOVE) as { data: Record<string, unknown> };
    byCustomer.data.customerId = 'CUS-77';

    const res = await api.deliver(byCustomer);

    expect(res.status).toBe(202);
  });

  it('accepts a business customer without a VAT id', async () => {
    const business = withField('order.placed', 'data.customer', {
      type: 'business',
      customerId: 'CUS-80',
      companyName: 'Novak d.o.o.',
      email: 'billing@novak.si',
      language: 'en',
      country: 'SI',
    });

    const res = await api.deliver(business);

    expect(res.status).toBe(202);
  });
});

describe('staff request validation', () => {
  it.each([
    ['decision missing', { reason: 'looks fine' }, 'decision', /required/],
    ['decision unknown', { decision: 'maybe', reason: 'looks fine' }, 'decision', /approve/],
    ['reason too short', { decision: 'approve', reason: 'ok' }, 'reason', /at least 3/],
    ['decider in the body', { decision: 'approve', reason: 'known customer', decidedBy: 'someone-else' }, 'decidedBy', /not allowed/],
  ])('refuses a decision with %s', async (_case, body, field, reason) => {
    const res = await api.staff('/staff/approvals/apr-1/decision', { method: 'POST', body });

    expect(res.status).toBe(400);
    expect((await jsonOf(res)).issues).toContainEqual({ field, reason: expect.stringMatching(reason) });
    expect(api.domain.calls).toHaveLength(0);
  });

  it.each([
    ['/staff/approvals?limit=1000', 'limit', /at most 100/],
    ['/staff/approvals?limit=ten', 'limit', /expected number/],
    ['/staff/approvals?kind=lunch', 'kind', /order_review/],
    ['/staff/customers/CUS-77/timeline?since=last-week', 'since', /ISO-8601/],
    ['/staff/customers/%20bad%20id/timeline', 'customerId', /letters, digits/],
  ])('refuses GET %s naming %s', async (path, field, reason) => {
    const res = await api.staff(path);

    expect(res.status).toBe(400);
    expect((await jsonOf(res)).issues).toContainEqual({ field, reason: expect.stringMatching(reason) });
    expect(api.domain.calls).toHaveLength(0);
  });
});
