/**
 * SmartApe refunds (003 11.4, 7.11): the unused part of the paid period, but nothing for what is
 * left of the minimum period. SmartApe sets no processing deadline, so nothing is watched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromMajor } from '../../../functions/domain/money';
import { startTestRuntime, type TestRuntime } from '../../support/runtime';
import { decide, executionStatus, mailTo, pathTaken, requestRefund, seedPaidService } from './support';

const EUR = (m: string) => fromMajor(m, 'EUR');

describe('smartape: a refund inside the minimum period', () => {
  let rt: TestRuntime;
  beforeAll(async () => {
    // Thursday 12 March 2026, 11:00 in Tallinn; the annual VPS was activated on Monday 2 March.
    rt = await startTestRuntime({ preset: 'smartape', start: '2026-03-12T09:00:00Z' });
  });
  afterAll(async () => rt.stop());

  it('refunds the unused days less the rest of the one-month minimum, and promises no date the contract does not set', async () => {
    const paid = await seedPaidService(rt, { productKind: 'vps', productCode: 'vps-s2', price: EUR('365.00'), activatedAt: '2026-03-02T09:00:00Z' });
    const refundId = await requestRefund(rt, paid);

    const refund = await rt.repo.get('refund', refundId);
    // 365 days paid; 11 used (2–12 March); 20 more (13 March – 1 April) until the minimum month ends on 2 April.
    expect(refund.breakdown.map((l) => [l.label, l.amount.amount, l.clause])).toEqual([
      ['vps-s2: paid', 36500, '003 11.4; 7.11'],
      ['vps-s2: used, 11 of 365 day(s)', -1100, '003 11.4; 7.11'],
      ['vps-s2: rest of the 1-month minimum period, 20 day(s)', -2000, '003 Annex 4 1.2; Annex 5 1.2; 003 7.11'],
    ]);
    expect(refund.amount).toEqual(EUR('334.00'));

    await decide(rt, `refund:${refundId}`, 'approve');
    expect((await rt.repo.get('refund', refundId)).state).toBe('completed');
    expect((await mailTo(rt, paid.email)).map((m) => m.subject)).toEqual([`Refund ${refundId} paid: EUR 334.00`]);
    expect(await executionStatus(rt, 'refund', refundId)).toBe('SUCCEEDED');
    expect(await pathTaken(rt, 'refund', refundId, ['IsDeadlineTracked', 'DeadlineNotTracked', 'WaitUntilDeadlineAlert'])).toEqual(['IsDeadlineTracked', 'DeadlineNotTracked']);
  });
});
