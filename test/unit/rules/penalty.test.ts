import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors';
import { fromMajor } from '../../../functions/domain/money';
import { getPreset } from '../../../functions/domain/policy';
import { latePenalty } from '../../../functions/domain/rules';

const smartape = getPreset('smartape');
const EUR = (major: string) => fromMajor(major, 'EUR');
// Due Tuesday 8 Dec 2026, end of the day in Tallinn.
const dueAt = '2026-12-08T21:59:59.999Z';

describe('late penalty 0.1 % of the unpaid amount per day of delay (003 7.9)', () => {
  it.each([
    ['10 days late on 100.00 EUR → 1.00 EUR', EUR('100.00'), [], '2026-12-18T12:00:00+02:00', EUR('1.00')],
    ['paid on the due date → nothing', EUR('100.00'), [{ at: '2026-12-08T18:00:00+02:00', amount: EUR('100.00') }], '2026-12-20T12:00:00+02:00', EUR('0.00')],
    ['paid the next day → one day, 0.10 EUR', EUR('100.00'), [{ at: '2026-12-09T08:00:00+02:00', amount: EUR('100.00') }], '2026-12-20T12:00:00+02:00', EUR('0.10')],
    [
      'partial payment: 40.00 paid 3 days late, 60.00 still unpaid after 10 days → 0.12 + 0.60 = 0.72 EUR',
      EUR('100.00'),
      [{ at: '2026-12-11T10:00:00+02:00', amount: EUR('40.00') }],
      '2026-12-18T12:00:00+02:00',
      EUR('0.72'),
    ],
    ['rounds the exact sum once, half-up: 12.34 EUR × 3 days = 0.03702 → 0.04 EUR', EUR('12.34'), [], '2026-12-11T12:00:00+02:00', EUR('0.04')],
  ])('%s', (_name, amount, payments, asOf, expected) => {
    expect(latePenalty(smartape, { dueAt, amount, payments, asOf })?.total).toEqual(expected);
  });

  it('counts calendar days across the DST change: due Fri 27 Mar, paid Mon 30 Mar → 3 days (003 7.9)', () => {
    const result = latePenalty(smartape, {
      dueAt: '2026-03-27T21:59:59.999Z',
      amount: EUR('100.00'),
      payments: [{ at: '2026-03-30T10:00:00+03:00', amount: EUR('100.00') }],
      asOf: '2026-04-10T10:00:00+03:00',
    });
    expect(result?.segments).toEqual([{ unpaid: EUR('100.00'), lateFrom: '2026-03-28', lateUntil: '2026-03-30', days: 3 }]);
  });

  it('counts the leap day 2028-02-29 as a day of delay (003 7.9)', () => {
    const result = latePenalty(smartape, { dueAt: '2028-02-28T21:59:59.999Z', amount: EUR('100.00'), asOf: '2028-03-01T12:00:00+02:00' });
    expect(result?.segments[0]?.days).toBe(2);
  });

  it('is null for hostico, whose terms have no penalty', () => {
    expect(latePenalty(getPreset('hostico'), { dueAt, amount: fromMajor('100.00', 'RON'), asOf: '2026-12-18T12:00:00Z' })).toBeNull();
  });

  it.each([
    ['a negative amount', { amount: { amount: -100, currency: 'EUR' } }, 'amount.amount'],
    ['an unknown currency', { amount: { amount: 100, currency: 'XYZ' } }, 'amount.currency'],
    ['payments above the invoice', { payments: [{ at: '2026-12-10T00:00:00Z', amount: EUR('200.00') }] }, 'payments'],
    ['a payment in another currency', { payments: [{ at: '2026-12-10T00:00:00Z', amount: fromMajor('10.00', 'RON') }] }, 'payments.0.amount.currency'],
    ['a payment after asOf', { payments: [{ at: '2026-12-30T00:00:00Z', amount: EUR('10.00') }] }, 'payments.0.at'],
  ])('rejects %s naming %s', (_what, patch, field) => {
    const input = { dueAt, amount: EUR('100.00'), asOf: '2026-12-18T12:00:00Z', ...patch };
    expect(() => latePenalty(smartape, input)).toThrow(ValidationError);
    expect(() => latePenalty(smartape, input)).toThrow(expect.objectContaining({ field }));
  });
});
