import { describe, expect, it } from 'vitest';
import { fromMajor } from '../../../functions/domain/money';
import { getPreset } from '../../../functions/domain/policy';
import { downgradeCredit, planChangeFee, upgradeCharge } from '../../../functions/domain/rules';

const hostico = getPreset('hostico');
const RON = (m: string) => fromMajor(m, 'RON');
const NADGRADNJA = '004 IV. Nadgradnja / Zmanjšanje';

describe('upgrade: the price difference for the remaining prepaid period (004 IV. Nadgradnja / Zmanjšanje)', () => {
  it('30.00 → 60.00 monthly with 20 of 30 days left → 20.00', () => {
    const result = upgradeCharge(hostico, {
      currentPrice: RON('30.00'),
      newPrice: RON('60.00'),
      billingCycle: 'monthly',
      periodStart: '2026-06-01T00:00:00+03:00',
      periodEnd: '2026-07-01T00:00:00+03:00',
      requestedAt: '2026-06-11T10:00:00+03:00',
    });
    expect(result).toEqual({ amount: RON('20.00'), remainingDays: 20, periodDays: 30, clause: NADGRADNJA });
  });
  it('rounds half-up: 10.00 × 21/31 = 6.774… → 6.77', () => {
    const result = upgradeCharge(hostico, {
      currentPrice: RON('10.00'),
      newPrice: RON('20.00'),
      billingCycle: 'monthly',
      periodStart: '2026-07-01T00:00:00+03:00',
      periodEnd: '2026-08-01T00:00:00+03:00',
      requestedAt: '2026-07-11T10:00:00+03:00',
    });
    expect(result?.amount).toEqual(RON('6.77'));
  });
  it('refuses a "downgrade" passed as upgrade', () => {
    expect(() =>
      upgradeCharge(hostico, {
        currentPrice: RON('60.00'),
        newPrice: RON('30.00'),
        billingCycle: 'monthly',
        periodStart: '2026-06-01T00:00:00+03:00',
        periodEnd: '2026-07-01T00:00:00+03:00',
        requestedAt: '2026-06-11T10:00:00+03:00',
      }),
    ).toThrow(expect.objectContaining({ field: 'newPrice' }));
  });
});

describe('downgrade: credit in whole prepaid months only (004 IV. Nadgradnja / Zmanjšanje)', () => {
  it('240.00 → 120.00 annual, requested 15 Mar with 9 whole months to 10 Jan → 90.00', () => {
    const result = downgradeCredit(hostico, {
      currentPrice: RON('240.00'),
      newPrice: RON('120.00'),
      billingCycle: 'annual',
      periodStart: '2026-01-10T10:00:00+02:00',
      periodEnd: '2027-01-10T10:00:00+02:00',
      requestedAt: '2026-03-15T10:00:00+02:00',
    });
    expect(result).toEqual({ amount: RON('90.00'), wholeMonths: 9, cycleMonths: 12, clause: NADGRADNJA });
  });
  it('is not offered by smartape (003 has only service-count changes)', () => {
    expect(
      downgradeCredit(getPreset('smartape'), {
        currentPrice: fromMajor('2.00', 'EUR'),
        newPrice: fromMajor('1.00', 'EUR'),
        billingCycle: 'monthly',
        periodStart: '2026-06-01T00:00:00+03:00',
        periodEnd: '2026-07-01T00:00:00+03:00',
        requestedAt: '2026-06-11T10:00:00+03:00',
      }),
    ).toBeNull();
  });
});

describe('plan changes are free once per 60 days, more often billed as support hours (004 IV. Nadgradnja / Zmanjšanje)', () => {
  const last = '2026-01-01T10:00:00+02:00';
  it.each([
    ['the first change is free', null, '2026-01-05T10:00:00+02:00', true],
    ['59 days after the last free change → billed', last, '2026-03-01T10:00:00+02:00', false],
    ['60 days after the last free change → free', last, '2026-03-02T10:00:00+02:00', true],
  ])('%s', (_name, lastFreeChangeAt, requestedAt, free) => {
    expect(planChangeFee(hostico, { requestedAt, lastFreeChangeAt }).free).toBe(free);
  });
  it('names when the next change is free again', () => {
    expect(planChangeFee(hostico, { requestedAt: '2026-02-01T10:00:00+02:00', lastFreeChangeAt: last })).toMatchObject({
      billedAs: 'support_hours',
      nextFreeAt: '2026-03-02T08:00:00.000Z',
    });
  });
  it('bills an account merge whenever it happens', () => {
    expect(planChangeFee(hostico, { requestedAt: '2026-06-01T10:00:00+03:00', lastFreeChangeAt: null, cases: ['account_merge'] }).free).toBe(false);
  });
});
