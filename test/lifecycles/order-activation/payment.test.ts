/**
 * Payment in advance (hostico IV. Splošno, smartape 5.1): the order waits for its first invoice to be
 * paid, and an order still unpaid when the policy's window ends is cancelled with its invoice and
 * services. The payment arrives through invoice-dunning's payment intake, which wakes the wait by the
 * invoice's payment-wait key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paymentWaitKey } from '../../../functions/lifecycles/invoice-dunning/steps';
import { orderIds } from '../../../functions/lifecycles/order-activation/ids';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { bodiesTo, decide, executionStatus, orderPlaced, orderTrail, place, statesEntered, subjectsTo, uid } from './support';

const CANCELLED_TAIL = ['CancelUnpaidOrder', 'WasPaidAtDeadline', 'SendUnpaidOrderCancelled', 'UnpaidOrderCancelled'];

async function expectCancelled(rt: TestRuntime, orderId: string, rule: string) {
  expect((await orderTrail(rt, orderId)).slice(-1)).toEqual(['awaiting_payment → cancelled']);
  const [cancelled] = (await rt.repo.history('order', orderId)).slice(-1);
  expect(cancelled).toMatchObject({ actor: { type: 'system' }, rule });
  expect((await rt.repo.get('invoice', `INV-${orderId}`)).state).toBe('cancelled');
  expect((await rt.repo.get('service', `${orderId}-i1`)).state).toBe('cancelled');
  expect(rt.provisioner.commands.filter((c) => c.serviceId.startsWith(orderId))).toEqual([]);
  expect((await statesEntered(rt, orderId)).slice(-4)).toEqual(CANCELLED_TAIL);
  expect(await executionStatus(rt, orderId)).toBe('SUCCEEDED');
}

it('waits on the same key the payment intake signals', () => {
  expect(orderIds.paymentWait('INV-ORD-1')).toBe(paymentWaitKey('INV-ORD-1'));
});

describe('smartape: 5 working days to pay (hostcycle default after 003 5.1)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Monday 2 March 2026, 11:00 in Tallinn.
    rt = await startTestRuntime({ preset: 'smartape', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('cancels the unpaid order at the end of the fifth working day, and not before', async () => {
    const order = orderPlaced(rt, { country: 'EE' });
    await place(rt, order);

    await rt.advance('7d12h'); // Monday 9 March, 23:00 Tallinn
    expect((await rt.repo.get('order', order.orderId)).state).toBe('awaiting_payment');
    await rt.advance('1h');

    await expectCancelled(rt, order.orderId, 'hostcycle default');
    expect(await subjectsTo(rt, order.email)).toEqual([
      `We have received your order ${order.orderId}`,
      expect.stringContaining(`Invoice INV-${order.orderId}`),
      `Your order ${order.orderId} has been cancelled`,
    ]);
    const [letter] = await bodiesTo(rt, order.email, 'has been cancelled');
    expect(letter).toContain('because it was not paid in time');
    expect(letter).toContain('clause hostcycle default');
    expect(letter).not.toContain('get back');
  });

  it('keeps waiting after a partial payment and goes on when the rest arrives', async () => {
    const order = orderPlaced(rt, { country: 'EE', items: [{ amount: 1000 }] });
    await place(rt, order);
    const partial = (amount: number) =>
      rt.webhook({
        eventId: uid('evt-pay'),
        type: 'payment.received',
        occurredAt: rt.clock.now().toISOString(),
        data: { paymentId: uid('PAY'), invoiceId: `INV-${order.orderId}`, amount: { amount, currency: 'EUR' }, method: 'bank_transfer', receivedAt: rt.clock.now().toISOString() },
      });

    expect((await partial(400)).status).toBe(202);
    await rt.advance('1h');
    expect((await rt.repo.get('order', order.orderId)).state).toBe('awaiting_payment');
    expect((await rt.repo.get('invoice', `INV-${order.orderId}`)).state).toBe('partially_paid');

    expect((await partial(600)).status).toBe(202);
    await rt.advance('5m');
    expect((await rt.repo.get('order', order.orderId)).state).toBe('fulfilled');
    const states = await statesEntered(rt, order.orderId);
    expect(states.filter((s) => s === 'WaitForPayment')).toHaveLength(2);
    expect(states.filter((s) => s === 'ConfirmPayment')).toHaveLength(2);
  });

  it('refunds a part-payment in full when the rest never comes and the order is cancelled', async () => {
    const order = orderPlaced(rt, { country: 'EE', items: [{ amount: 1000 }] });
    await place(rt, order);
    const answer = await rt.webhook({
      eventId: uid('evt-pay'),
      type: 'payment.received',
      occurredAt: rt.clock.now().toISOString(),
      data: { paymentId: uid('PAY'), invoiceId: `INV-${order.orderId}`, amount: { amount: 400, currency: 'EUR' }, method: 'bank_transfer', receivedAt: rt.clock.now().toISOString() },
    });
    expect(answer.status).toBe(202);

    await rt.advance('10d');

    await expectCancelled(rt, order.orderId, 'hostcycle default');
    const refundId = orderIds.cancellationRefund(order.orderId);
    const refund = await rt.repo.get('refund', refundId);
    expect(await rt.deps.workflows.describe('refund', refundId)).toMatchObject({ status: 'SUCCEEDED' });
    expect(refund).toMatchObject({ state: 'completed', origin: 'provider_cancellation', orderId: order.orderId, amount: { amount: 400, currency: 'EUR' } });
    expect(refund.breakdown).toEqual([{ label: `Part-payment received for order ${order.orderId}, cancelled unpaid`, amount: { amount: 400, currency: 'EUR' }, clause: 'hostcycle default' }]);
    expect(rt.payments.payouts.filter((x) => x.refundId === refundId).map((x) => x.amount)).toEqual([{ amount: 400, currency: 'EUR' }]);
    const [letter] = await bodiesTo(rt, order.email, 'has been cancelled');
    expect(letter).toContain('because it was not paid in time');
    expect(letter).toContain('You will get back the full EUR 4.00 you paid');
  });
});

describe('hostico: 14 calendar days to pay (hostcycle default), counted from the accepted order’s invoice', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('cancels the unpaid order at the end of the 14th day after the invoice', async () => {
    const order = orderPlaced(rt, { country: 'RO', currency: 'RON' });
    await place(rt, order);
    await rt.advance('1d'); // reviewed on Tuesday 3 March
    await decide(rt, `order:${order.orderId}:review`, 'approve', 'verified by phone');
    expect((await rt.repo.get('invoice', `INV-${order.orderId}`)).issueDate).toBe('2026-03-03');

    await rt.advance('14d12h'); // Tuesday 17 March, 23:00 Bucharest
    expect((await rt.repo.get('order', order.orderId)).state).toBe('awaiting_payment');
    await rt.advance('1h');

    await expectCancelled(rt, order.orderId, 'hostcycle default');
  });
});

describe('secom: 7 calendar days to pay (hostcycle default)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'secom', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('cancels the unpaid order at the end of 9 March, Kyiv time', async () => {
    const order = orderPlaced(rt, { country: 'UA', currency: 'UAH' });
    await place(rt, order);
    await rt.advance('7d12h');
    expect((await rt.repo.get('order', order.orderId)).state).toBe('awaiting_payment');
    await rt.advance('1h');
    await expectCancelled(rt, order.orderId, 'hostcycle default');
  });
});
