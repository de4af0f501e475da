/**
 * Orders that need a review (hostico II. Pogodba: authenticity and trust; smartape 2.2.9: doubtful
 * data) wait for staff, who approve or reject; when nobody decides, the policy's default applies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { bodiesTo, decide, executionStatus, orderPlaced, orderTrail, pay, place, statesEntered, subjectsTo } from './support';

const reviewId = (orderId: string) => `order:${orderId}:review`;

describe('hostico: a new customer’s order is reviewed', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Monday 2 March 2026, 11:00 in Bucharest.
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('waits for staff with the reasons and the 2-working-day default shown in the queue', async () => {
    const order = orderPlaced(rt, { country: 'RO', currency: 'RON' });
    await place(rt, order);

    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → in_review']);
    const queue = await rt.staff('/staff/approvals');
    const pending = queue.body.items.find((a: { approvalId: string }) => a.approvalId === reviewId(order.orderId));
    expect(pending).toMatchObject({
      kind: 'order_review',
      subject: { entity: 'order', entityId: order.orderId },
      // Created Monday 11:00: two working days later, Wednesday 4 March at the same local time.
      expiresAt: '2026-03-04T09:00:00.000Z',
      outcomeOnTimeout: 'reject',
    });
    expect(await rt.repo.find('invoice', `INV-${order.orderId}`)).toBeUndefined();
    expect(await subjectsTo(rt, order.email)).toEqual([`We have received your order ${order.orderId}`]);
    expect((await bodiesTo(rt, order.email, 'received'))[0]).toContain('Under clause 004 II. Pogodba of our terms, an order is reviewed');
  });

  it('approved: invoices with the review outcome, then activates once paid', async () => {
    const order = orderPlaced(rt, { country: 'RO', currency: 'RON' });
    await place(rt, order);
    await decide(rt, reviewId(order.orderId), 'approve', 'called the customer');

    expect((await rt.repo.get('order', order.orderId)).state).toBe('awaiting_payment');
    expect(await subjectsTo(rt, order.email)).toEqual([
      `We have received your order ${order.orderId}`,
      `Invoice INV-${order.orderId}: RON 12.00 due on 16 Mar 2026`,
      `Your order ${order.orderId} has been accepted`,
    ]);
    const [accepted] = await bodiesTo(rt, order.email, 'accepted');
    // The unpaid-order window (14 calendar days, hostcycle default) runs from the invoice.
    expect(accepted).toContain('If the invoice is still unpaid on 16 Mar 2026');

    await pay(rt, order.orderId);
    await rt.advance('5m');
    expect(await orderTrail(rt, order.orderId)).toEqual([
      '∅ → received',
      'received → in_review',
      'in_review → awaiting_payment',
      'awaiting_payment → paid',
      'paid → fulfilled',
    ]);
    const approval = await rt.repo.get('approval', reviewId(order.orderId));
    expect(approval).toMatchObject({ state: 'approved', decidedBy: 'staff-local', reason: 'called the customer' });
    expect(await statesEntered(rt, order.orderId)).toEqual(
      expect.arrayContaining(['ReviewOrder', 'IsReviewNeeded', 'AwaitReviewDecision', 'IsReviewApproved', 'IssueInvoice', 'SendReviewApproved', 'OrderFulfilled']),
    );
  });

  it('rejected: tells the customer why, and nothing is invoiced or provisioned', async () => {
    const order = orderPlaced(rt, { country: 'RO', currency: 'RON' });
    await place(rt, order);
    await decide(rt, reviewId(order.orderId), 'reject', 'the card holder disputes the order');

    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → in_review', 'in_review → rejected']);
    const [rejected] = (await rt.repo.history('order', order.orderId)).slice(-1);
    expect(rejected).toMatchObject({ actor: { type: 'staff', id: 'staff-local' }, rule: '004 II. Pogodba', details: { reason: 'the card holder disputes the order' } });
    expect(await rt.repo.find('invoice', `INV-${order.orderId}`)).toBeUndefined();
    expect(await rt.repo.find('service', `${order.orderId}-i1`)).toBeUndefined();
    expect(rt.provisioner.commands.filter((c) => c.serviceId.startsWith(order.orderId))).toEqual([]);
    expect(await subjectsTo(rt, order.email)).toEqual([`We have received your order ${order.orderId}`, `Your order ${order.orderId} has not been accepted`]);
    expect((await bodiesTo(rt, order.email, 'not been accepted'))[0]).toContain('the card holder disputes the order');
    expect((await statesEntered(rt, order.orderId)).slice(-4)).toEqual(['IsReviewApproved', 'RejectOrder', 'SendReviewRejected', 'OrderRejected']);
    expect(await executionStatus(rt, order.orderId)).toBe('SUCCEEDED');
  });

  it('timed out: after two working days the default outcome (reject) applies', async () => {
    const order = orderPlaced(rt, { country: 'RO', currency: 'RON' });
    await place(rt, order);

    await rt.advance('1d');
    expect((await rt.repo.get('order', order.orderId)).state).toBe('in_review');
    await rt.advance('1d1h');

    expect((await rt.repo.get('approval', reviewId(order.orderId))).state).toBe('timed_out');
    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → in_review', 'in_review → rejected']);
    const [rejected] = (await rt.repo.history('order', order.orderId)).slice(-1);
    expect(rejected).toMatchObject({ actor: { type: 'system' }, rule: 'hostcycle default' });
    expect(await subjectsTo(rt, order.email)).toEqual([`We have received your order ${order.orderId}`, `Your order ${order.orderId} has not been accepted`]);
    expect(await statesEntered(rt, order.orderId)).toEqual(
      expect.arrayContaining(['AwaitReviewDecision', 'ResolveReviewTimeout', 'IsReviewApproved', 'RejectOrder', 'OrderRejected']),
    );
    await expect(rt.staff(`/staff/approvals/${encodeURIComponent(reviewId(order.orderId))}/decision`, { method: 'POST', body: { decision: 'approve', reason: 'too late' } })).resolves.toMatchObject({ status: 409 });
  });
});

describe('smartape: doubtful customer data (003 2.2.9)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'smartape', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  /** A customer of record in Estonia, with one fulfilled order. */
  async function knownCustomer() {
    const first = orderPlaced(rt, { country: 'EE' });
    await place(rt, first);
    await pay(rt, first.orderId);
    await rt.advance('5m');
    expect((await rt.repo.get('order', first.orderId)).state).toBe('fulfilled');
    return first;
  }

  it('accepts a first order with consistent data without review: the contract reviews data doubts, not newness', async () => {
    const order = orderPlaced(rt, { country: 'EE' });
    await place(rt, order);
    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → awaiting_payment']);
  });

  it('reviews an order whose country differs from the customer record, and staff approve it', async () => {
    const first = await knownCustomer();
    const order = orderPlaced(rt, { customerId: first.customerId, country: 'LV' });
    await place(rt, order);

    const approval = await rt.repo.get('approval', reviewId(order.orderId));
    expect(approval.context.details?.reasons).toEqual([expect.objectContaining({ rule: 'country_mismatch', clause: '003 2.2.9' })]);
    await decide(rt, reviewId(order.orderId), 'approve', 'customer moved to Riga');
    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → in_review', 'in_review → awaiting_payment']);
  });

  it('reviews an order while a data request is unanswered, and rejects it when the 3 days pass', async () => {
    const first = await knownCustomer();
    const serviceId = `${first.orderId}-i1`;
    const service = await rt.repo.get('service', serviceId);
    await rt.repo.transition('service', serviceId, {
      expectedState: 'active',
      expectedVersion: service.version,
      to: 'suspended',
      patch: { suspension: { reason: 'unanswered_data_request', since: rt.clock.now().toISOString() } },
      audit: { actor: { type: 'staff', id: 'test' }, rule: '003 2.2.9' },
    });

    const order = orderPlaced(rt, { customerId: first.customerId, country: 'EE' });
    await place(rt, order);
    expect((await rt.repo.get('approval', reviewId(order.orderId))).context.details?.reasons).toEqual([
      expect.objectContaining({ rule: 'unanswered_data_request' }),
    ]);

    await rt.advance('2d23h');
    expect((await rt.repo.get('order', order.orderId)).state).toBe('in_review');
    await rt.advance('2h');
    expect((await rt.repo.get('order', order.orderId)).state).toBe('rejected');
    const [rejected] = (await rt.repo.history('order', order.orderId)).slice(-1);
    expect(rejected).toMatchObject({ rule: '003 2.2.9', actor: { type: 'system' } });
    expect((await subjectsTo(rt, order.email)).slice(-1)).toEqual([`Your order ${order.orderId} has not been accepted`]);
  });
});

describe('secom: no review clause', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'secom', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('never reviews, even a first order from a country unlike the customer record', async () => {
    const first = orderPlaced(rt, { country: 'UA', currency: 'UAH' });
    await place(rt, first);
    const order = orderPlaced(rt, { customerId: first.customerId, country: 'PL', currency: 'UAH' });
    await place(rt, order);
    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → awaiting_payment']);
    expect((await subjectsTo(rt, order.email)).filter((s) => s.includes(order.orderId))).toEqual([`We have received your order ${order.orderId}`, `Invoice INV-${order.orderId}: UAH 12.00 due on 10 Mar 2026`]);
  });
});
