/**
 * A paid order the provider cannot deliver: provisioning fails, staff cancel (or the approval times
 * out to cancel), and what was paid goes back in full through a refund execution started by
 * CompleteOrder; the customer gets `order_cancelled` in their language, read back from the SES
 * emulator. A redelivered CompleteOrder starts no second refund.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrderActivationHandler } from '../../../functions/lifecycles/order-activation/handler';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { bodiesTo, decide, orderPlaced, pay, place, subjectsTo } from './support';

const approvalOf = (serviceId: string) => `service:${serviceId}:provisioning:1`;

const PRESETS = [
  { preset: 'smartape', country: 'EE', currency: 'EUR', language: 'en', review: false, paid: 'EUR 15.00', subject: (id: string) => `Your order ${id} has been cancelled` },
  { preset: 'secom', country: 'UA', currency: 'UAH', language: 'en', review: false, paid: 'UAH 15.00', subject: (id: string) => `Your order ${id} has been cancelled` },
  { preset: 'hostico', country: 'RO', currency: 'RON', language: 'sl', review: true, paid: '15,00 RON', subject: (id: string) => `Vaše naročilo ${id} je preklicano` },
] as const;

for (const p of PRESETS) {
  describe(`${p.preset}: a paid order the provider cannot deliver`, () => {
    let rt: TestRuntime;
    const draws: number[] = [];
    beforeAll(async () => {
      rt = await startTestRuntime({
        preset: p.preset,
        start: '2026-03-02T09:00:00Z',
        provisioner: { delay: '2m', failureRate: 0.5, random: () => draws.shift() ?? 1 },
      });
    });
    afterAll(async () => rt.stop());

    async function paidOrderThatFails() {
      const order = orderPlaced(rt, { country: p.country, currency: p.currency, language: p.language, items: [{ kind: 'vps', productCode: 'vps-s2', amount: 1500 }] });
      await place(rt, order);
      if (p.review) await decide(rt, `order:${order.orderId}:review`, 'approve', 'known customer');
      draws.push(0, 0, 0, 0, 0, 0);
      await pay(rt, order.orderId);
      await rt.advance('1h');
      const serviceId = `${order.orderId}-i1`;
      expect(await rt.repo.get('approval', approvalOf(serviceId))).toMatchObject({ state: 'pending', kind: 'provisioning_failure' });
      return { order, serviceId, refundId: `RF-${order.orderId}` };
    }

    it('refunds the full amount paid through the refund lifecycle when staff cancel, and says why in the customer’s language', async () => {
      const { order, serviceId, refundId } = await paidOrderThatFails();
      await decide(rt, approvalOf(serviceId), 'reject', 'hardware out of stock');
      await rt.advance('1h');

      expect((await rt.repo.get('order', order.orderId)).state).toBe('cancelled');
      const refund = await rt.repo.get('refund', refundId);
      expect(refund).toMatchObject({ state: 'completed', origin: 'provider_cancellation', orderId: order.orderId, serviceIds: [serviceId], amount: { amount: 1500, currency: p.currency } });
      expect(refund.breakdown).toEqual([{ label: 'Not delivered, cancelled by the provider: vps-s2', amount: { amount: 1500, currency: p.currency }, clause: 'hostcycle default' }]);
      expect(rt.payments.payouts.filter((x) => x.refundId === refundId).map((x) => x.amount)).toEqual([{ amount: 1500, currency: p.currency }]);
      // Paid by the refund execution named after the refund (it may still watch a processing deadline).
      expect(await rt.deps.workflows.describe('refund', refundId)).toBeDefined();
      expect(refund.completedAt).toBeDefined();
      // No refund approval: staff already decided when they cancelled.
      expect(await rt.repo.find('approval', `refund:${refundId}`)).toBeUndefined();

      expect(await subjectsTo(rt, order.email)).toContain(p.subject(order.orderId));
      const [letter] = await bodiesTo(rt, order.email, p.subject(order.orderId));
      expect(letter).toContain('hardware out of stock');
      expect(letter).toContain(p.paid);
      expect(letter).toContain('hostcycle default');
    });

    it('refunds the full amount as well when the decision times out to cancel', async () => {
      const { order, serviceId, refundId } = await paidOrderThatFails();
      await rt.advance('10d');

      expect((await rt.repo.get('approval', approvalOf(serviceId))).state).toBe('timed_out');
      expect((await rt.repo.get('order', order.orderId)).state).toBe('cancelled');
      expect(await rt.repo.get('refund', refundId)).toMatchObject({ state: 'completed', amount: { amount: 1500, currency: p.currency } });
      expect(rt.payments.payouts.filter((x) => x.refundId === refundId)).toHaveLength(1);
      const [letter] = await bodiesTo(rt, order.email, p.subject(order.orderId));
      expect(letter).toContain(p.paid);
      expect(letter).not.toContain('hardware out of stock');
    });

    it('creates one refund and one payout when CompleteOrder is delivered again', async () => {
      const { order, serviceId, refundId } = await paidOrderThatFails();
      await decide(rt, approvalOf(serviceId), 'reject', 'hardware out of stock');
      await rt.advance('1h');
      const handler = createOrderActivationHandler(rt.deps);
      const again = await handler({ step: 'CompleteOrder', orderId: order.orderId, results: [{ serviceId, outcome: 'cancelled' }] });
      await rt.advance('1h');

      expect(again).toMatchObject({ cancelled: [serviceId], refundId });
      const refunds = (await rt.repo.customerTimeline(order.customerId)).filter((e) => e.type === 'refund');
      expect(refunds.map((e) => e.record.id)).toEqual([refundId]);
      expect(rt.payments.payouts.filter((x) => x.refundId === refundId)).toHaveLength(1);
      expect((await subjectsTo(rt, order.email)).filter((s) => s === p.subject(order.orderId))).toHaveLength(1);
    });
  });
}
