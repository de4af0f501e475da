/**
 * Secom refunds (000 Refund policy): only what the paid period has left after the end of the work,
 * requested within 3 days of it, less the payment system's commission and the commission for
 * returning the funds, back to the instrument the money came from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromMajor } from '../../../functions/domain/money';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { decide, mailTo, pathTaken, requestRefund, seedPaidService } from './support';

const REFUND = '000 Refund policy';
const UAH = (m: string) => fromMajor(m, 'UAH');
// Wednesday 11 March 2026, 10:00 in Kyiv; the monthly service was activated on 1 March at 10:00.
const REQUEST = '2026-03-11T08:00:00Z';
const ACTIVATED = '2026-03-01T08:00:00Z';

describe('secom: refunds', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    rt = await startTestRuntime({ preset: 'secom', start: REQUEST });
  });
  afterAll(async () => rt.stop());

  it('withholds both commissions from the unused days and pays the rest to the card it came from', async () => {
    const paid = await seedPaidService(rt, { billingCycle: 'monthly', price: UAH('300.00'), activatedAt: ACTIVATED });
    const asked: unknown[] = [];
    rt.deps.payments.refundCommissions = async (input) => {
      asked.push(input);
      return { paymentSystem: UAH('5.00'), return: UAH('3.00') };
    };
    let refundId: string;
    try {
      refundId = await requestRefund(rt, paid);
    } finally {
      delete rt.deps.payments.refundCommissions;
    }

    expect(asked).toEqual([{ paymentId: paid.paymentId, refundId, currency: 'UAH' }]);
    const refund = await rt.repo.get('refund', refundId);
    // 20 whole days after the request day of the 31-day period: 300.00 × 20 / 31 = 193.548… → 193.54 (rounded down).
    expect(refund.breakdown).toEqual([
      { label: 'web-s: 20 unused day(s) of 31', amount: UAH('193.54'), clause: REFUND },
      { label: 'payment-system commission', amount: UAH('-5.00'), clause: REFUND },
      { label: 'commission for returning the funds', amount: UAH('-3.00'), clause: REFUND },
    ]);
    expect(refund.amount).toEqual(UAH('185.54'));

    await decide(rt, `refund:${refundId}`, 'approve');
    expect((await rt.repo.get('refund', refundId)).state).toBe('completed');
    expect(rt.payments.payouts.filter((p) => p.refundId === refundId)).toEqual([
      expect.objectContaining({ amount: UAH('185.54'), destination: `original method (payment ${paid.paymentId})` }),
    ]);
    const mail = await mailTo(rt, paid.email);
    expect(mail.map((m) => m.subject)).toEqual([`Refund ${refundId} approved: UAH 185.54`, `Refund ${refundId} paid: UAH 185.54`]);
    // About 10 Ukrainian working days from the request: Wednesday 25 March.
    expect(mail[0]?.text).toContain('by 25 Mar 2026, 23:59 (Europe/Kyiv)');
    expect(await pathTaken(rt, 'refund', refundId, ['IsDeadlineTracked', 'WaitUntilDeadlineAlert'])).toEqual(['IsDeadlineTracked', 'WaitUntilDeadlineAlert']);
  });

  it('rejects a request made more than 3 days after the end of the work, saying by when it had to come', async () => {
    const paid = await seedPaidService(rt, { billingCycle: 'monthly', price: UAH('300.00'), activatedAt: ACTIVATED });
    const service = await rt.repo.get('service', paid.serviceId);
    await rt.repo.transition('service', paid.serviceId, {
      expectedState: 'active',
      expectedVersion: service.version,
      to: 'cancelled',
      patch: { endedAt: '2026-03-05T08:00:00Z' },
      audit: { actor: { type: 'customer', id: paid.customerId }, rule: 'cancellation' },
    });
    const refundId = await requestRefund(rt, paid);

    const refund = await rt.repo.get('refund', refundId);
    expect(refund).toMatchObject({ state: 'rejected', amount: UAH('0.00') });
    expect(refund.breakdown).toEqual([{ label: 'requested more than 3 days after the end of the work', amount: UAH('0.00'), clause: REFUND }]);
    const [mail] = await mailTo(rt, paid.email);
    expect(mail?.subject).toBe(`Refund request ${refundId} declined`);
    expect(mail?.text).toContain('A refund request had to reach us by 8 Mar 2026, 23:59');
  });
});
