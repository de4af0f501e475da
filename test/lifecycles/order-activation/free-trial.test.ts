/**
 * Free trials (smartape Annex 11 4.3: a one-time 10-day free test period of a VPS): nothing to pay,
 * so no invoice and no payment wait; the service is active until the trial ends, when its first
 * invoice falls due and the billing run finds it. A customer gets the trial once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { bodiesTo, executionStatus, orderPlaced, orderTrail, place, statesEntered, subjectsTo } from './support';

const trialVps = { kind: 'vps', productCode: 'vps-s2', amount: 1500, freeTrial: true };

describe('smartape: the VPS free trial', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Monday 2 March 2026, 11:00 in Tallinn.
    rt = await startTestRuntime({ preset: 'smartape', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('activates the VPS without an invoice and makes its first invoice due when the 10 days end', async () => {
    const order = orderPlaced(rt, { country: 'EE', items: [trialVps] });
    await place(rt, order);
    await rt.advance('5m');

    const serviceId = `${order.orderId}-i1`;
    const service = await rt.repo.get('service', serviceId);
    expect(service).toMatchObject({ state: 'active', nextDueDate: '2026-03-12' });
    expect(service.paidUntil).toBeUndefined();
    expect(await rt.repo.find('invoice', `INV-${order.orderId}`)).toBeUndefined();
    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → fulfilled']);
    const [activation] = (await rt.repo.history('service', serviceId)).filter((e) => e.to === 'active');
    expect(activation?.rule).toBe('003 Annex 11 4.3');
    // The billing run of 12 March finds the trial and issues its first invoice.
    expect((await rt.repo.dueOn('2026-03-12')).services.map((s) => s.id)).toContain(serviceId);

    expect(await subjectsTo(rt, order.email)).toEqual([`We have received your order ${order.orderId}`, 'vps-s2 is active']);
    expect((await bodiesTo(rt, order.email, 'is active'))[0]).toContain('The next renewal invoice falls due on 12 Mar 2026');
    const states = await statesEntered(rt, order.orderId);
    expect(states).toEqual(expect.arrayContaining(['IsFreeTrial', 'StartFreeTrial', 'IsFreeTrialGranted', 'ProvisionItems', 'ActivateService', 'OrderFulfilled']));
    expect(states).not.toContain('IssueInvoice');
    expect(states).not.toContain('WaitForPayment');
  });

  it('refuses a second trial of the same customer, saying which clause allows only one', async () => {
    const first = orderPlaced(rt, { country: 'EE', items: [trialVps] });
    await place(rt, first);
    await rt.advance('5m');
    const second = orderPlaced(rt, { customerId: first.customerId, country: 'EE', items: [trialVps] });
    await place(rt, second);
    await rt.advance('5m');

    expect(await orderTrail(rt, second.orderId)).toEqual(['∅ → received', 'received → rejected']);
    const [rejected] = (await rt.repo.history('order', second.orderId)).slice(-1);
    expect(rejected).toMatchObject({ rule: '003 Annex 11 4.3', details: { ground: 'free_trial_used' } });
    expect(await rt.repo.find('service', `${second.orderId}-i1`)).toBeUndefined();
    expect(rt.provisioner.commands.filter((c) => c.serviceId.startsWith(second.orderId))).toEqual([]);
    // Not a review outcome (nobody reviewed it): order_cancelled, with the policy's reason and clause.
    expect((await subjectsTo(rt, second.email)).slice(-1)).toEqual([`Your order ${second.orderId} has been cancelled`]);
    const [letter] = await bodiesTo(rt, second.email, 'has been cancelled');
    expect(letter).toContain('a free trial you have already used');
    expect(letter).toContain('offered once per customer');
    expect(letter).toContain('clause 003 Annex 11 4.3');
    expect((await statesEntered(rt, second.orderId)).slice(-4)).toEqual(['IsFreeTrialGranted', 'RefuseFreeTrial', 'SendFreeTrialRefused', 'OrderRejected']);
    expect(await executionStatus(rt, second.orderId)).toBe('SUCCEEDED');
  });

  it('grants one trial when two trial orders of a customer arrive together', async () => {
    const a = orderPlaced(rt, { country: 'EE', items: [trialVps] });
    const b = orderPlaced(rt, { customerId: a.customerId, country: 'EE', items: [trialVps] });
    const answers = await Promise.all([rt.webhook(a.event), rt.webhook(b.event)]);
    expect(answers.map((x) => x.status)).toEqual([202, 202]);
    await rt.advance('5m');

    const states = [(await rt.repo.get('order', a.orderId)).state, (await rt.repo.get('order', b.orderId)).state].sort();
    expect(states).toEqual(['fulfilled', 'rejected']);
  });

  it('refuses at the webhook a trial mixed with paid items, recording nothing', async () => {
    const order = orderPlaced(rt, { country: 'EE', items: [trialVps, { kind: 'domain', amount: 900, billingCycle: 'annual' }] });
    const answer = await rt.webhook(order.event);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ field: 'data.items', reason: 'a free trial is ordered on its own, without paid items' }]);
    expect(await rt.repo.find('order', order.orderId)).toBeUndefined();
  });
});

describe('hostico: no free trials in the contract', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-02T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('refuses a trial order at the webhook, naming the field', async () => {
    const order = orderPlaced(rt, { country: 'RO', currency: 'RON', items: [trialVps] });
    const answer = await rt.webhook(order.event);
    expect(answer.status).toBe(400);
    expect(answer.body.issues).toEqual([{ field: 'data.items.0.flags.freeTrial', reason: 'hostico offers no free trial of vps' }]);
    expect(await rt.repo.find('order', order.orderId)).toBeUndefined();
    expect(await rt.repo.find('customer', order.customerId)).toBeUndefined();
  });
});
