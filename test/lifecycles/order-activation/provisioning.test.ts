/**
 * Provisioning each paid item through the provisioner port, within the activation deadline of its
 * product kind (smartape Annexes: 1 working day for hosting and VPS, 5 for domains): failures are
 * retried, then handed to staff, who retry or cancel; a missed deadline goes to staff as well.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { bodiesTo, decide, executionStatus, orderPlaced, orderTrail, pay, place, statesEntered, subjectsTo } from './support';

const commandsOf = (rt: TestRuntime, serviceId: string) => rt.provisioner.commands.filter((c) => c.serviceId === serviceId).map((c) => c.id);
const approvalOf = (serviceId: string, round: number) => `service:${serviceId}:provisioning:${round}`;

function provisioningEvents(events: HistoryEvent[]) {
  return {
    scheduled: events.filter((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.parameters?.includes('SubmitProvisioning')).length,
    failures: events.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails?.error),
    timeouts: events.filter((e) => e.type === 'TaskTimedOut').map((e) => e.taskTimedOutEventDetails?.error),
  };
}

describe('smartape: provisioning failures', () => {
  let rt: TestRuntime;
  /** What the simulated provisioner draws per command: below 0.5 fails. */
  const draws: number[] = [];
  beforeAll(async () => {
    rt = await startTestRuntime({
      preset: 'smartape',
      start: '2026-03-02T09:00:00Z',
      provisioner: { delay: '2m', failureRate: 0.5, random: () => draws.shift() ?? 1 },
    });
  });
  afterAll(async () => rt.stop());

  async function paidVps() {
    const order = orderPlaced(rt, { country: 'EE', items: [{ kind: 'vps', productCode: 'vps-s2', amount: 1500 }] });
    await place(rt, order);
    return { order, serviceId: `${order.orderId}-i1` };
  }

  it('retries a failed command and activates when the retry succeeds', async () => {
    const { order, serviceId } = await paidVps();
    draws.push(0, 1);
    await pay(rt, order.orderId);
    await rt.advance('5m');
    expect((await rt.repo.get('service', serviceId)).state).toBe('pending');

    await rt.advance('10m');

    expect(commandsOf(rt, serviceId)).toEqual([`service:${serviceId}:provision:1.0`, `service:${serviceId}:provision:1.1`]);
    expect((await rt.repo.get('service', serviceId)).state).toBe('active');
    expect(provisioningEvents(await rt.history('order-activation', order.orderId))).toEqual({ scheduled: 2, failures: ['ProvisioningFailedError'], timeouts: [] });
    expect(await subjectsTo(rt, order.email)).not.toContain('Setting up vps-s2 is taking longer than planned');
    expect(await executionStatus(rt, order.orderId)).toBe('SUCCEEDED');
  });

  it('hands a command failing past its retries to staff, who retry it', async () => {
    const { order, serviceId } = await paidVps();
    draws.push(0, 0, 0, 1);
    await pay(rt, order.orderId);
    await rt.advance('1h');

    expect(commandsOf(rt, serviceId)).toHaveLength(3);
    const approval = await rt.repo.get('approval', approvalOf(serviceId, 1));
    expect(approval).toMatchObject({ state: 'pending', kind: 'provisioning_failure', defaultOutcome: 'rejected', context: { subject: { type: 'service', id: serviceId } } });
    expect(await subjectsTo(rt, order.email)).toContain('Setting up vps-s2 is taking longer than planned');
    const [notice] = await bodiesTo(rt, order.email, 'taking longer');
    // Paid on Monday 2 March: the activation deadline is the end of Tuesday 3 March, Tallinn time.
    expect(notice).toContain('We aim to activate it by 3 Mar 2026');

    await decide(rt, approvalOf(serviceId, 1), 'approve', 'panel node replaced');
    await rt.advance('5m');

    expect(commandsOf(rt, serviceId).slice(-1)).toEqual([`service:${serviceId}:provision:2.0`]);
    expect((await rt.repo.get('service', serviceId)).state).toBe('active');
    expect((await rt.repo.get('order', order.orderId)).state).toBe('fulfilled');
    expect(await statesEntered(rt, order.orderId)).toEqual(
      expect.arrayContaining(['HandProvisioningToStaff', 'AwaitProvisioningDecision', 'ApplyProvisioningDecision', 'IsRetryApproved', 'SendServiceActivated', 'OrderFulfilled']),
    );
    expect((await subjectsTo(rt, order.email)).filter((s) => s.includes('taking longer'))).toHaveLength(1);
  });

  it('cancels the item when staff say so; with nothing left to activate the paid order is cancelled and the refund started', async () => {
    const { order, serviceId } = await paidVps();
    draws.push(0, 0, 0);
    await pay(rt, order.orderId);
    await rt.advance('1h');

    await decide(rt, approvalOf(serviceId, 1), 'reject', 'hardware out of stock');

    expect(await rt.repo.get('service', serviceId)).toMatchObject({ state: 'cancelled' });
    const [cancelledService] = (await rt.repo.history('service', serviceId)).slice(-1);
    expect(cancelledService).toMatchObject({ actor: { type: 'staff', id: 'staff-local' }, details: { reason: 'hardware out of stock' } });
    expect(await orderTrail(rt, order.orderId)).toEqual(['∅ → received', 'received → awaiting_payment', 'awaiting_payment → paid', 'paid → cancelled']);
    const [cancelledOrder] = (await rt.repo.history('order', order.orderId)).slice(-1);
    expect(cancelledOrder?.details).toMatchObject({ cancelled: [serviceId], refundDue: '15.00 EUR' });
    expect((await statesEntered(rt, order.orderId)).slice(-5)).toEqual(['ItemCancelled', 'CompleteOrder', 'IsAnyServiceActive', 'SendOrderCancelled', 'OrderCancelled']);
    expect(await subjectsTo(rt, order.email)).not.toContain('vps-s2 is active');
  });
  it('cancels the item by default when staff leave the decision past the 3-day review period', async () => {
    const { order, serviceId } = await paidVps();
    draws.push(0, 0, 0);
    await pay(rt, order.orderId);
    await rt.advance('1h');
    expect((await rt.repo.get('approval', approvalOf(serviceId, 1))).state).toBe('pending');

    await rt.advance('3d');

    expect((await rt.repo.get('approval', approvalOf(serviceId, 1))).state).toBe('timed_out');
    const [cancelled] = (await rt.repo.history('service', serviceId)).slice(-1);
    expect(cancelled).toMatchObject({ to: 'cancelled', actor: { type: 'system' }, rule: 'hostcycle default' });
    expect((await rt.repo.get('order', order.orderId)).state).toBe('cancelled');
    expect(await statesEntered(rt, order.orderId)).toEqual(expect.arrayContaining(['ResolveProvisioningTimeout', 'ItemCancelled', 'OrderCancelled']));
  });
});

describe('smartape: the activation deadline of each product kind', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // A provisioner that takes three days: later than a VPS may take, in time for a domain.
    rt = await startTestRuntime({ preset: 'smartape', start: '2026-03-02T09:00:00Z', provisioner: { delay: '3d' } });
  });
  afterAll(async () => rt.stop());

  it('raises the staff path when a VPS misses its 1 working day, while the domain (5 working days) succeeds', async () => {
    const order = orderPlaced(rt, {
      country: 'EE',
      items: [
        { kind: 'vps', productCode: 'vps-s2', amount: 1500 },
        { kind: 'domain', productCode: 'ee-domain', amount: 900, billingCycle: 'annual', domainName: 'novak.ee' },
      ],
    });
    await place(rt, order);
    await pay(rt, order.orderId);
    const [vps, domain] = [`${order.orderId}-i1`, `${order.orderId}-i2`];

    await rt.advance('1d12h'); // Tuesday 3 March, 23:00 Tallinn: the VPS is still within its day
    expect(await rt.repo.find('approval', approvalOf(vps, 1))).toBeUndefined();
    await rt.advance('1h');

    expect(await rt.repo.get('approval', approvalOf(vps, 1))).toMatchObject({ state: 'pending' });
    expect(provisioningEvents(await rt.history('order-activation', order.orderId)).timeouts).toEqual(['States.Timeout']);
    expect(await subjectsTo(rt, order.email)).toContain('Setting up vps-s2 is taking longer than planned');

    // The provisioner answers both on Thursday: the domain is in time and active at once; the VPS's late success is kept.
    await rt.advance('2d');
    expect(await rt.repo.get('service', domain)).toMatchObject({ state: 'active', nextDueDate: '2027-03-05', paidUntil: '2027-03-04' });
    expect((await rt.repo.get('service', vps)).state).toBe('pending');
    expect(rt.backgroundErrors).toEqual([]);

    await decide(rt, approvalOf(vps, 1), 'approve', 'it was provisioned after all');
    await rt.advance('1m');

    // The retry finds the late success and does not provision a second VPS.
    expect(rt.provisioner.commands.filter((c) => c.serviceId === vps)).toHaveLength(1);
    expect(await rt.repo.get('service', vps)).toMatchObject({ state: 'active', nextDueDate: '2026-04-06' });
    expect((await rt.repo.get('order', order.orderId)).state).toBe('fulfilled');
    expect((await subjectsTo(rt, order.email)).filter((s) => s.endsWith('is active'))).toEqual(['ee-domain (novak.ee) is active', 'vps-s2 is active']);
  });
});

describe('hostico: activation on the payment day, in business days only (004 IV. Obdelava plačil; IV. Kampanje)', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Saturday 7 March 2026, 11:00 in Bucharest; the provisioner takes three days.
    rt = await startTestRuntime({ preset: 'hostico', start: '2026-03-07T09:00:00Z', provisioner: { delay: '3d' } });
  });
  afterAll(async () => rt.stop());

  it('expects a Saturday payment to be activated by the end of Monday, then hands it to staff', async () => {
    const order = orderPlaced(rt, { country: 'RO', currency: 'RON' });
    await place(rt, order);
    await decide(rt, `order:${order.orderId}:review`, 'approve', 'verified by phone');
    await pay(rt, order.orderId);
    const serviceId = `${order.orderId}-i1`;

    await rt.advance('2d12h'); // Monday 9 March, 23:00 Bucharest
    expect(await rt.repo.find('approval', approvalOf(serviceId, 1))).toBeUndefined();
    await rt.advance('1h');

    expect(await rt.repo.get('approval', approvalOf(serviceId, 1))).toMatchObject({ state: 'pending', context: { details: { activateBy: '2026-03-09T21:59:59.999Z' } } });
    expect(await subjectsTo(rt, order.email)).toContain('Setting up web-s is taking longer than planned');
  });
});
