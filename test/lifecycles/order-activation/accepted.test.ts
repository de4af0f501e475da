/**
 * The straight path: an order that needs no review is invoiced, paid, provisioned and activated, with
 * the e-mails of each step, and its services are scheduled for their first renewal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { executionStatus, orderPlaced, orderTrail, pay, place, statesEntered, subjectsTo } from './support';

const PAID_PATH = [
  'RecordOrder',
  'SendOrderReceived',
  'ReviewOrder',
  'IsReviewNeeded',
  'IsFreeTrial',
  'IssueInvoice',
  'SendInvoiceIssued',
  'WasReviewed',
  'WaitForPayment',
  'ConfirmPayment',
  'IsOrderPaid',
  'ProvisionItems',
  'StartItem',
  'ProvisionItem',
  'ActivateService',
  'SendServiceActivated',
  'ItemActivated',
  'CompleteOrder',
  'IsAnyServiceActive',
  'OrderFulfilled',
];

describe('smartape: an order from a customer without doubtful data', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Monday 2 March 2026, 11:00 in Tallinn.
    rt = await startTestRuntime({ preset: 'smartape', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('is accepted without review, invoiced, and waits for payment', async () => {
    const order = orderPlaced(rt, { country: 'EE', items: [{ kind: 'vps', productCode: 'vps-s2', amount: 1500 }] });
    await place(rt, order);

    expect((await rt.repo.get('order', order.orderId)).state).toBe('awaiting_payment');
    const invoice = await rt.repo.get('invoice', `INV-${order.orderId}`);
    // 003 5.1: due within 5 working days of the invoice date.
    expect(invoice).toMatchObject({ state: 'issued', kind: 'invoice', total: { amount: 1500, currency: 'EUR' }, issueDate: '2026-03-02', dueDate: '2026-03-09' });
    expect(await subjectsTo(rt, order.email)).toEqual([
      `We have received your order ${order.orderId}`,
      `Invoice ${invoice.id}: EUR 15.00 due on 9 Mar 2026`,
    ]);
    expect(await executionStatus(rt, order.orderId)).toBe('RUNNING');
  });

  it('activates a paid VPS once the provisioner answers, and schedules its first renewal', async () => {
    const order = orderPlaced(rt, { country: 'EE', items: [{ kind: 'vps', productCode: 'vps-s2', amount: 1500 }] });
    await place(rt, order);
    await rt.advance('3h');
    await pay(rt, order.orderId);
    expect((await rt.repo.get('order', order.orderId)).state).toBe('paid');
    expect(rt.provisioner.commands.filter((c) => c.serviceId === `${order.orderId}-i1`)).toHaveLength(1);

    await rt.advance('5m');

    const service = await rt.repo.get('service', `${order.orderId}-i1`);
    // Paid at 14:00:01 Tallinn on 2 March, activated when the provisioner answered two minutes later: one month, renewal due on 2 April.
    expect(service).toMatchObject({ state: 'active', activatedAt: '2026-03-02T12:02:02.000Z', paidUntil: '2026-04-01', nextDueDate: '2026-04-02' });
    expect((await rt.repo.dueOn('2026-04-02')).services.map((s) => s.id)).toContain(service.id);
    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → awaiting_payment', 'awaiting_payment → paid', 'paid → fulfilled']);
    const [activation] = (await rt.repo.history('service', service.id)).filter((e) => e.to === 'active');
    expect(activation).toMatchObject({ from: 'pending', rule: '003 Annex 4 1.3; Annex 5 1.3', actor: { type: 'system' } });
    expect(await subjectsTo(rt, order.email)).toEqual([
      `We have received your order ${order.orderId}`,
      `Invoice INV-${order.orderId}: EUR 15.00 due on 9 Mar 2026`,
      'vps-s2 is active',
    ]);
    expect(await statesEntered(rt, order.orderId)).toEqual(PAID_PATH);
    expect(await executionStatus(rt, order.orderId)).toBe('SUCCEEDED');
    expect(rt.backgroundErrors).toEqual([]);
  });

  it('writes to the customer in their language', async () => {
    const order = orderPlaced(rt, { country: 'EE', language: 'sl' });
    await place(rt, order);
    expect(await subjectsTo(rt, order.email)).toEqual([`Prejeli smo vaše naročilo ${order.orderId}`, `Račun INV-${order.orderId}: 12,00 EUR, rok plačila 9. mar. 2026`]);
  });

  it('records one order and runs one execution when order.placed arrives five times', async () => {
    const order = orderPlaced(rt, { country: 'EE' });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await rt.webhook(order.event));
    await rt.advance('1s');

    // The first delivery is accepted (202); the repeats are answered from the webhook ledger (200).
    expect(answers.map((a) => a.status)).toEqual([202, 200, 200, 200, 200]);
    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → awaiting_payment']);
    const executions = await rt.sfn.listExecutions({ stateMachineArn: rt.stateMachineArns['order-activation'] });
    expect(executions.executions?.filter((e) => e.name === order.orderId)).toHaveLength(1);
    expect(await subjectsTo(rt, order.email)).toHaveLength(2);
  });

  it('records one order when the same order id is redelivered under new event ids', async () => {
    const order = orderPlaced(rt, { country: 'EE' });
    await Promise.all(Array.from({ length: 5 }, (_, i) => rt.webhook({ ...order.event, eventId: `${order.event.eventId}-${i}` })));
    await rt.advance('1s');

    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → awaiting_payment']);
    expect(await rt.repo.history('customer', order.customerId)).toHaveLength(1);
    const executions = await rt.sfn.listExecutions({ stateMachineArn: rt.stateMachineArns['order-activation'] });
    expect(executions.executions?.filter((e) => e.name === order.orderId)).toHaveLength(1);
  });
});

describe('secom: no review, and no activation deadline in the contract', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'secom', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('invoices, activates once paid, and bounds the provisioning wait by the hostcycle default', async () => {
    const order = orderPlaced(rt, { country: 'UA', currency: 'UAH', items: [{ kind: 'shared_hosting', productCode: 'host-1', amount: 9900, billingCycle: 'quarterly' }] });
    await place(rt, order);
    await pay(rt, order.orderId);
    await rt.advance('5m');

    const service = await rt.repo.get('service', `${order.orderId}-i1`);
    expect(service).toMatchObject({ state: 'active', nextDueDate: '2026-06-02', paidUntil: '2026-06-01' });
    expect((await rt.repo.get('order', order.orderId)).state).toBe('fulfilled');
    const provisionTask = (await rt.history('order-activation', order.orderId)).find((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.parameters?.includes('SubmitProvisioning'));
    // Paid on Monday 2 March at 11:00 Kyiv: by the end of Tuesday 3 March, local time.
    expect(JSON.parse(provisionTask?.taskScheduledEventDetails?.parameters ?? '{}').Payload.activateBy).toBe('2026-03-03T21:59:59.999Z');
    expect(await subjectsTo(rt, order.email)).toEqual([
      `We have received your order ${order.orderId}`,
      // 7 calendar days, moved past Monday 9 March (the day off for International Women's Day, 8 March, a Sunday).
      `Invoice INV-${order.orderId}: UAH 99.00 due on 10 Mar 2026`,
      'host-1 is active',
    ]);
    expect(await statesEntered(rt, order.orderId)).toEqual(PAID_PATH);
  });
});

describe('hostico: a returning customer', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('is accepted without review once an earlier order of theirs was fulfilled', async () => {
    const customerId = 'CUS-returning';
    const first = orderPlaced(rt, { customerId, country: 'RO', currency: 'RON' });
    await place(rt, first);
    await rt.staff(`/staff/approvals/${encodeURIComponent(`order:${first.orderId}:review`)}/decision`, { method: 'POST', body: { decision: 'approve', reason: 'known reseller' } });
    await rt.advance('1s');
    await pay(rt, first.orderId);
    await rt.advance('5m');
    expect((await rt.repo.get('order', first.orderId)).state).toBe('fulfilled');

    const second = orderPlaced(rt, { customerId, country: 'RO', currency: 'RON' });
    await place(rt, second);
    await pay(rt, second.orderId);
    await rt.advance('5m');

    expect(await orderTrail(rt, second.orderId)).toEqual(['∅ → received', 'received → awaiting_payment', 'awaiting_payment → paid', 'paid → fulfilled']);
    // 004 IV. Preložitev…: the first invoice is a proforma; the fiscal invoice follows the money.
    expect((await rt.repo.get('invoice', `INV-${second.orderId}`)).kind).toBe('proforma');
    expect(await statesEntered(rt, second.orderId)).toEqual(PAID_PATH);
    const [, , , firstActivated, ...secondMails] = await subjectsTo(rt, second.email);
    expect(firstActivated).toBe('web-s is active');
    expect(secondMails).toEqual([`We have received your order ${second.orderId}`, `Invoice INV-${second.orderId}: RON 12.00 due on 16 Mar 2026`, 'web-s is active']);
  });
});
